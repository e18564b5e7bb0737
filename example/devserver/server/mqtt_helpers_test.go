package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/eclipse/paho.golang/paho"
)

const waitFor = 5 * time.Second

// dialWS opens a WebSocket to /mqtt as an MQTT-over-WebSocket client does.
func (e *testEnv) dialWS() net.Conn {
	e.t.Helper()
	return e.dialWSAt("ws" + strings.TrimPrefix(e.ts.URL, "http") + "/mqtt")
}

func (e *testEnv) dialWSAt(url string) net.Conn {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	c, res, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		e.t.Fatalf("dial %s: %v", url, err)
	}
	if got := res.Header.Get("Sec-WebSocket-Protocol"); got != "mqtt" {
		e.t.Fatalf("subprotocol %q, want mqtt", got)
	}
	return websocket.NetConn(context.Background(), c, websocket.MessageBinary)
}

// mqttClient is a paho (MQTT 5) client, the transport our Go SDK uses.
type mqttClient struct {
	t    *testing.T
	c    *paho.Client
	msgs chan *paho.Publish
}

// connectMQTT connects with username/password when u is set.
func (e *testEnv) connectMQTT(clientID string, u *testUser) (*mqttClient, *paho.Connack, error) {
	e.t.Helper()
	// KeepAlive 0 keeps paho's pinger off; packetConn would keep its PINGREQ
	// whole anyway, but the tests need no pings.
	cp := &paho.Connect{ClientID: clientID, KeepAlive: 0, CleanStart: true}
	if u != nil {
		cp = withCreds(cp, u)
	}
	return e.connectWith(cp)
}

// mqttAt connects as u to the broker at url (ws://…/mqtt).
func (e *testEnv) mqttAt(url, clientID string, u *testUser) *mqttClient {
	e.t.Helper()
	mc, _, err := e.connectOn(e.dialWSAt(url), withCreds(&paho.Connect{ClientID: clientID, CleanStart: true}, u))
	if err != nil {
		e.t.Fatalf("connect %s at %s: %v", clientID, url, err)
	}
	return mc
}

func (e *testEnv) mqtt(clientID string, u *testUser) *mqttClient {
	e.t.Helper()
	mc, _, err := e.connectMQTT(clientID, u)
	if err != nil {
		e.t.Fatalf("connect %s: %v", clientID, err)
	}
	return mc
}

// subscribe returns the SUBACK reason code (0 granted, 0x87 not authorized).
func (mc *mqttClient) subscribe(filter string) byte {
	mc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	sa, err := mc.c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: filter}}})
	if sa == nil {
		mc.t.Fatalf("subscribe %s: %v", filter, err)
	}
	return sa.Reasons[0]
}

func (mc *mqttClient) mustSubscribe(filters ...string) {
	mc.t.Helper()
	for _, f := range filters {
		if code := mc.subscribe(f); code != 0 {
			mc.t.Fatalf("subscribe %s: reason 0x%02x", f, code)
		}
	}
	mc.barrier()
}

// barrier waits until the broker has finished with this client's earlier
// packets. The broker sends retained messages after the SUBACK, so a publish
// made right after a SUBACK can otherwise reach the subscriber twice: live and
// as the retained copy (MQTT allows that).
func (mc *mqttClient) barrier() {
	mc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if _, err := mc.c.Unsubscribe(ctx, &paho.Unsubscribe{Topics: []string{"barrier/none"}}); err != nil {
		mc.t.Fatalf("barrier: %v", err)
	}
}

func (mc *mqttClient) publish(topic, payload string, retain bool) {
	mc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if _, err := mc.c.Publish(ctx, &paho.Publish{Topic: topic, Payload: []byte(payload), Retain: retain}); err != nil {
		mc.t.Fatalf("publish %s: %v", topic, err)
	}
}

// next returns the next message, failing after waitFor.
func (mc *mqttClient) next() *paho.Publish {
	mc.t.Helper()
	select {
	case m := <-mc.msgs:
		return m
	case <-time.After(waitFor):
		mc.t.Fatal("no MQTT message")
		return nil
	}
}

// none checks that nothing arrives for a short while.
func (mc *mqttClient) none(d time.Duration) {
	mc.t.Helper()
	select {
	case m := <-mc.msgs:
		mc.t.Fatalf("unexpected message on %s: %.80q (%d bytes)", m.Topic, m.Payload, len(m.Payload))
	case <-time.After(d):
	}
}

// packetConn sends each packet paho writes as one WebSocket message. paho
// writes a packet in several Write calls, bracketed by Lock/Unlock when the
// conn is a sync.Locker; buffering in between keeps packets from different
// goroutines (pinger, acks, the test) from interleaving. paho never writes
// outside Lock/Unlock.
type packetConn struct {
	net.Conn
	mu  sync.Mutex
	buf []byte
}

func (c *packetConn) Lock() { c.mu.Lock() }

func (c *packetConn) Unlock() {
	if len(c.buf) > 0 {
		_, _ = c.Conn.Write(c.buf) // a failed write shows up as a read error
		c.buf = c.buf[:0]
	}
	c.mu.Unlock()
}

func (c *packetConn) Write(p []byte) (int, error) {
	c.buf = append(c.buf, p...)
	return len(p), nil
}

// rawClient speaks hand-built MQTT 3.1.1, like mqtt.js 4 in the official v2 client.
type rawClient struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
}

func mqttString(s string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(len(s))), s...)
}

func remainingLength(n int) []byte {
	var out []byte
	for {
		b := byte(n % 128)
		if n /= 128; n > 0 {
			b |= 0x80
		}
		out = append(out, b)
		if n == 0 {
			return out
		}
	}
}

func packet(header byte, body []byte) []byte {
	return append(append([]byte{header}, remainingLength(len(body))...), body...)
}

// connect311 is the CONNECT the v2 client sends: MQTT 3.1.1, clean session,
// keepalive 60, no credentials, a retained QoS 0 will with a zero-length payload.
func connect311(clientID, willTopic string) []byte {
	body := mqttString("MQTT")
	body = append(body, 4)    // protocol level 3.1.1
	body = append(body, 0x26) // will retain | will flag | clean session
	body = append(body, 0, 60)
	body = append(body, mqttString(clientID)...)
	body = append(body, mqttString(willTopic)...)
	body = append(body, 0, 0) // zero-length will payload
	return packet(0x10, body)
}

func (e *testEnv) raw311(clientID, willTopic string) (*rawClient, byte) {
	e.t.Helper()
	rc := &rawClient{t: e.t, conn: e.dialWS()}
	rc.r = bufio.NewReader(rc.conn)
	e.t.Cleanup(func() { rc.conn.Close() })
	if _, err := rc.conn.Write(connect311(clientID, willTopic)); err != nil {
		e.t.Fatal(err)
	}
	typ, body := rc.read()
	if typ != 0x20 || len(body) != 2 {
		e.t.Fatalf("want CONNACK, got type 0x%02x %x", typ, body)
	}
	return rc, body[1]
}

// read returns the next packet's first byte and body.
func (rc *rawClient) read() (byte, []byte) {
	rc.t.Helper()
	_ = rc.conn.SetReadDeadline(time.Now().Add(waitFor))
	typ, err := rc.r.ReadByte()
	if err != nil {
		rc.t.Fatalf("read packet: %v", err)
	}
	n, mul := 0, 1
	for {
		b, err := rc.r.ReadByte()
		if err != nil {
			rc.t.Fatalf("read length: %v", err)
		}
		n += int(b&0x7f) * mul
		if b&0x80 == 0 {
			break
		}
		mul *= 128
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(rc.r, body); err != nil {
		rc.t.Fatalf("read body: %v", err)
	}
	return typ, body
}

func (rc *rawClient) subscribe(id uint16, filter string) byte {
	rc.t.Helper()
	body := binary.BigEndian.AppendUint16(nil, id)
	body = append(append(body, mqttString(filter)...), 0)
	if _, err := rc.conn.Write(packet(0x82, body)); err != nil {
		rc.t.Fatal(err)
	}
	typ, ack := rc.read()
	if typ != 0x90 || len(ack) != 3 {
		rc.t.Fatalf("want SUBACK, got 0x%02x %x", typ, ack)
	}
	return ack[2]
}

// readPublish returns the next QoS 0 PUBLISH.
func (rc *rawClient) readPublish() (topic string, payload []byte) {
	rc.t.Helper()
	typ, body := rc.read()
	if typ&0xf0 != 0x30 {
		rc.t.Fatalf("want PUBLISH, got 0x%02x", typ)
	}
	n := int(binary.BigEndian.Uint16(body))
	return string(body[2 : 2+n]), body[2+n:]
}

// in returns the client reporting to t, for use inside subtests.
func (mc *mqttClient) in(t *testing.T) *mqttClient {
	c := *mc
	c.t = t
	return &c
}
