package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// subscriber is the load's receiving side: a bare MQTT 3.1.1 client over
// WebSocket that subscribes to one topic at QoS 0 and counts the PUBLISH
// packets that arrive on it. It does nothing else per message (no packet
// structs, no router goroutine, no copy of the payload), so that the
// receiving side of the load takes as little of the machine's CPU as it can:
// the load generator shares the two cores with the server it measures.
type subscriber struct {
	conn  net.Conn
	got   atomic.Int64 // PUBLISH packets on the topic
	other atomic.Int64 // PUBLISH packets on any other topic
	done  chan struct{}
	err   error // why the read loop ended; read after done
}

var errRefused = errors.New("refused")

// dialSubscriber connects, subscribes to topic and starts counting.
func dialSubscriber(ctx context.Context, url, clientID, username, password, topic string) (*subscriber, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	ws.SetReadLimit(1 << 20)
	conn := websocket.NetConn(context.Background(), ws, websocket.MessageBinary)
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	br := bufio.NewReaderSize(conn, 32<<10)
	fail := func(err error) (*subscriber, error) {
		conn.Close()
		return nil, fmt.Errorf("mqtt %s: %w", clientID, err)
	}
	// CONNECT, MQTT 3.1.1, clean session, no keepalive (the run is bounded).
	var v []byte
	v = appendString(v, "MQTT")
	v = append(v, 4, 0x80|0x40|0x02, 0, 0)
	v = appendString(v, clientID)
	v = appendString(v, username)
	v = appendString(v, password)
	if _, err := conn.Write(packet(0x10, v)); err != nil {
		return fail(err)
	}
	typ, body, err := readPacket(br, nil)
	if err != nil {
		return fail(fmt.Errorf("CONNACK: %w", err))
	}
	if typ != 0x20 || len(body) != 2 || body[1] != 0 {
		return fail(fmt.Errorf("CONNACK %#x %v: %w", typ, body, errRefused))
	}
	// SUBSCRIBE packet id 1, QoS 0.
	v = appendString([]byte{0, 1}, topic)
	v = append(v, 0)
	if _, err := conn.Write(packet(0x82, v)); err != nil {
		return fail(err)
	}
	typ, body, err = readPacket(br, nil)
	if err != nil {
		return fail(fmt.Errorf("SUBACK: %w", err))
	}
	if typ != 0x90 || len(body) != 3 || body[2] != 0 {
		return fail(fmt.Errorf("SUBACK %#x %v: %w", typ, body, errRefused))
	}
	_ = conn.SetDeadline(time.Time{})
	s := &subscriber{conn: conn, done: make(chan struct{})}
	go s.count(br, topic)
	return s, nil
}

func (s *subscriber) count(br *bufio.Reader, topic string) {
	defer close(s.done)
	buf := make([]byte, 0, 4096)
	for {
		typ, body, err := readPacket(br, buf[:0])
		if err != nil {
			s.err = err
			return
		}
		if typ&0xf0 != 0x30 { // not a PUBLISH: nothing else is expected at QoS 0
			continue
		}
		if n := len(topic); len(body) >= 2+n && int(binary.BigEndian.Uint16(body)) == n && string(body[2:2+n]) == topic {
			s.got.Add(1)
		} else {
			s.other.Add(1)
		}
		if cap(body) > cap(buf) {
			buf = body
		}
	}
}

// close sends DISCONNECT and waits (bounded) for the read loop to end.
func (s *subscriber) close() {
	_ = s.conn.SetWriteDeadline(time.Now().Add(2 * time.Second))
	_, _ = s.conn.Write([]byte{0xe0, 0})
	_ = s.conn.Close()
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
	}
}

// readPacket reads one MQTT packet into buf (grown as needed): its first
// byte and its body.
func readPacket(br *bufio.Reader, buf []byte) (byte, []byte, error) {
	typ, err := br.ReadByte()
	if err != nil {
		return 0, nil, err
	}
	n, mul := 0, 1
	for i := 0; ; i++ {
		b, err := br.ReadByte()
		if err != nil {
			return 0, nil, err
		}
		n += int(b&0x7f) * mul
		if b&0x80 == 0 {
			break
		}
		if i == 3 {
			return 0, nil, errors.New("malformed remaining length")
		}
		mul *= 128
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(br, buf); err != nil {
		return 0, nil, err
	}
	return typ, buf, nil
}

// packet frames body with its fixed header.
func packet(first byte, body []byte) []byte {
	p := []byte{first}
	n := len(body)
	for {
		b := byte(n % 128)
		n /= 128
		if n > 0 {
			b |= 0x80
		}
		p = append(p, b)
		if n == 0 {
			break
		}
	}
	return append(p, body...)
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}
