package sdk

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"sync"

	"github.com/eclipse/paho.golang/paho"
)

// frameConn makes every MQTT packet one WebSocket message. paho writes a
// packet as several Write calls, under Lock/Unlock when the conn is a
// sync.Locker; over websocket.NetConn each Write would be its own message,
// and without the lock the pinger's PINGREQ could land inside another
// packet. Buffering between Lock and Unlock fixes both: writes never
// interleave, and the broker gets one frame per packet.
//
// It also bounds incoming packets: paho reserves a packet's announced length
// before reading it, so a five-byte header could make it allocate 256 MB
// whatever the transport's message limit. frameConn follows the packet
// boundaries in what it reads and fails the read (dropping the connection;
// the session reconnects) at a header announcing more than maxPacketSize.
type frameConn struct {
	net.Conn
	r      *bufio.Reader // paho reads a packet a few bytes at a time
	in     packetBounds
	mu     sync.Mutex
	locked bool
	buf    []byte
	err    error
}

func newFrameConn(c net.Conn) *frameConn {
	return &frameConn{Conn: c, r: bufio.NewReaderSize(c, 32<<10), in: packetBounds{limit: maxPacketSize}}
}

// Read is buffered: one underlying read per WebSocket message, not per
// header byte.
func (f *frameConn) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if berr := f.in.track(p[:n]); berr != nil {
		f.Conn.Close()
		return 0, berr
	}
	return n, err
}

// packetBounds follows MQTT packet boundaries in a byte stream: a type
// byte, a remaining length of 1 to 4 bytes (7 bits each, least significant
// first), then that many bytes.
type packetBounds struct {
	limit    int // whole packet, fixed header included (MQTT 5's Maximum Packet Size)
	body     int // bytes of the current packet still to come
	inLength bool
	length   int
	lenBytes int
}

func (pb *packetBounds) track(b []byte) error {
	for len(b) > 0 {
		switch {
		case pb.body > 0:
			k := min(pb.body, len(b))
			pb.body -= k
			b = b[k:]
		case !pb.inLength: // the type byte
			pb.inLength, pb.length, pb.lenBytes = true, 0, 0
			b = b[1:]
		default:
			c := b[0]
			b = b[1:]
			pb.length |= int(c&0x7f) << (7 * pb.lenBytes)
			pb.lenBytes++
			if c&0x80 != 0 {
				if pb.lenBytes == 4 {
					return fmt.Errorf("%w: malformed remaining length", ErrPacketTooLarge)
				}
				continue
			}
			pb.inLength = false
			if size := 1 + pb.lenBytes + pb.length; size > pb.limit {
				return fmt.Errorf("%w: %d bytes announced, limit %d", ErrPacketTooLarge, size, pb.limit)
			}
			pb.body = pb.length
		}
	}
	return nil
}

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

// ErrPacketTooLarge: the broker sent (or announced) an MQTT packet over the
// size limit; the connection is dropped and the session reconnects.
var ErrPacketTooLarge = errors.New("qiscus: mqtt packet too large")

// maxPacketSize bounds every MQTT packet the client accepts, and so every
// WebSocket message (the broker sends a packet per message). The largest
// legitimate one is a comment: the devserver takes request bodies up to
// 1 MB, so message, payload and extras together stay under 1 MB; the
// published comment adds the sender's user_extras (another profile body,
// up to 1 MB) and room fields. 4 MB leaves room for that and for JSON
// escaping. The broker is told (MQTT 5 Maximum Packet Size in CONNECT) and
// drops what is larger rather than sending it; a larger one that arrives
// anyway fails the read and the session reconnects (and syncs over REST).
// A var so the browser tests can lower it.
var maxPacketSize = 4 << 20

// connectProperties tells the broker the limit (MQTT 5 Maximum Packet Size).
func connectProperties() *paho.ConnectProperties {
	size := uint32(maxPacketSize)
	return &paho.ConnectProperties{MaximumPacketSize: &size}
}
