package sdk

import (
	"bufio"
	"net"
	"sync"
)

// frameConn makes every MQTT packet one WebSocket message. paho writes a
// packet as several Write calls, under Lock/Unlock when the conn is a
// sync.Locker; over websocket.NetConn each Write would be its own message,
// and without the lock the pinger's PINGREQ could land inside another
// packet. Buffering between Lock and Unlock fixes both: writes never
// interleave, and the broker gets one frame per packet.
type frameConn struct {
	net.Conn
	r      *bufio.Reader // paho reads a packet a few bytes at a time
	mu     sync.Mutex
	locked bool
	buf    []byte
	err    error
}

func newFrameConn(c net.Conn) *frameConn {
	return &frameConn{Conn: c, r: bufio.NewReaderSize(c, 32<<10)}
}

// Read is buffered: one underlying read per WebSocket message, not per
// header byte.
func (f *frameConn) Read(p []byte) (int, error) { return f.r.Read(p) }

// Lock starts a packet.
func (f *frameConn) Lock() {
	f.mu.Lock()
	f.locked = true
}

// Unlock sends the buffered packet as one message.
func (f *frameConn) Unlock() {
	if len(f.buf) > 0 && f.err == nil {
		if _, err := f.Conn.Write(f.buf); err != nil {
			f.err = err
			f.Conn.Close() // the reader notices and the session reconnects
		}
	}
	if cap(f.buf) > 64<<10 {
		f.buf = nil // don't pin a large buffer after a big publish
	} else {
		f.buf = f.buf[:0]
	}
	f.locked = false
	f.mu.Unlock()
}

func (f *frameConn) Write(p []byte) (int, error) {
	if f.locked { // inside Lock/Unlock: the caller holds f.mu
		if f.err != nil {
			return 0, f.err
		}
		f.buf = append(f.buf, p...)
		return len(p), nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return 0, f.err
	}
	return f.Conn.Write(p)
}
