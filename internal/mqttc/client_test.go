package mqttc

import (
	"bytes"
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
)

// peer is the server end of a net.Pipe, scripted with the packets codec:
// the hostile and broken servers these tests need are not something a
// real broker can be made to be. Every packet the client sends arrives
// on rx, in order.
type peer struct {
	t    *testing.T
	conn net.Conn
	rx   chan *packets.ControlPacket
}

func newPeer(t *testing.T) (*peer, net.Conn) {
	t.Helper()
	client, server := net.Pipe()
	p := &peer{t: t, conn: server, rx: make(chan *packets.ControlPacket, 1024)}
	go func() {
		defer close(p.rx)
		for {
			cp, err := packets.ReadPacket(server)
			if err != nil {
				return
			}
			p.rx <- cp
		}
	}()
	t.Cleanup(func() { server.Close(); client.Close() })
	return p, client
}

// next is the client's next packet (failing the test after 10 s).
func (p *peer) next() *packets.ControlPacket {
	p.t.Helper()
	select {
	case cp, ok := <-p.rx:
		if !ok {
			p.t.Fatal("the client closed the connection")
		}
		return cp
	case <-time.After(10 * time.Second):
		p.t.Fatal("no packet from the client within 10 s")
		return nil
	}
}

func (p *peer) send(cp *packets.ControlPacket) {
	p.t.Helper()
	var b bytes.Buffer
	if _, err := cp.WriteTo(&b); err != nil {
		p.t.Fatal(err)
	}
	p.raw(b.Bytes())
}

// raw writes b as is; an error means the client hung up, which some tests want.
func (p *peer) raw(b []byte) {
	_, _ = p.conn.Write(b)
}

func (p *peer) connack(code byte) {
	p.t.Helper()
	cp := packets.NewControlPacket(packets.CONNACK)
	cp.Content.(*packets.Connack).ReasonCode = code
	p.send(cp)
}

// connect runs Connect against a peer that accepts.
func connect(t *testing.T, cfg Config) (*Client, *peer) {
	t.Helper()
	p, conn := newPeer(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if p.next().Type == packets.CONNECT {
			p.connack(0)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Connect(ctx, conn, cfg)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect() })
	return c, p
}

func publishPacket(t *testing.T, topic string, payload []byte, qos byte) []byte {
	t.Helper()
	cp := packets.NewControlPacket(packets.PUBLISH)
	pub := cp.Content.(*packets.Publish)
	pub.Topic, pub.Payload, pub.QoS = topic, payload, qos
	if qos > 0 {
		pub.PacketID = 7
	}
	var b bytes.Buffer
	if _, err := cp.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestConnectSendsTheSession(t *testing.T) {
	will := &Message{Topic: "u/alice/s", Payload: []byte("0:1"), Retain: true}
	_, p := connectAndCapture(t, Config{ClientID: "app_alice_1", Username: "alice", Password: []byte("tok"),
		KeepAlive: 60, Will: will, MaxPacketSize: 4 << 20})
	cn := p.Content.(*packets.Connect)
	switch {
	case cn.ProtocolVersion != 5 || !cn.CleanStart || cn.KeepAlive != 60:
		t.Fatalf("version %d clean %v keepalive %d, want 5 true 60", cn.ProtocolVersion, cn.CleanStart, cn.KeepAlive)
	case cn.ClientID != "app_alice_1" || !cn.UsernameFlag || cn.Username != "alice" || !cn.PasswordFlag || string(cn.Password) != "tok":
		t.Fatalf("client id %q username %v %q password %v %q", cn.ClientID, cn.UsernameFlag, cn.Username, cn.PasswordFlag, cn.Password)
	case !cn.WillFlag || cn.WillTopic != will.Topic || string(cn.WillMessage) != "0:1" || !cn.WillRetain || cn.WillQOS != 0:
		t.Fatalf("will %v %q %q retain %v qos %d", cn.WillFlag, cn.WillTopic, cn.WillMessage, cn.WillRetain, cn.WillQOS)
	case cn.Properties.MaximumPacketSize == nil || *cn.Properties.MaximumPacketSize != 4<<20:
		t.Fatalf("maximum packet size %v, want %d", cn.Properties.MaximumPacketSize, 4<<20)
	}
}

// connectAndCapture connects and returns the CONNECT the peer saw.
func connectAndCapture(t *testing.T, cfg Config) (*Client, *packets.ControlPacket) {
	t.Helper()
	p, conn := newPeer(t)
	got := make(chan *packets.ControlPacket, 1)
	go func() {
		cp := p.next()
		got <- cp
		p.connack(0)
	}()
	c, err := Connect(context.Background(), conn, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect() })
	return c, <-got
}

func TestConnectFailures(t *testing.T) {
	tests := []struct {
		name   string
		answer func(p *peer)
		want   error
	}{
		{"bad credentials", func(p *peer) { p.connack(packets.ConnackBadUsernameOrPassword) }, ErrRefused},
		{"not a CONNACK", func(p *peer) { p.send(packets.NewControlPacket(packets.PINGRESP)) }, ErrMalformed},
		{"oversize CONNACK", func(p *peer) { p.raw([]byte{0x20, 0xff, 0xff, 0xff, 0x7f}) }, ErrPacketTooLarge},
		{"no answer", func(p *peer) {}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, conn := newPeer(t)
			go func() { p.next(); tt.answer(p) }()
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			if tt.want != context.DeadlineExceeded {
				ctx = context.Background()
			}
			c, err := Connect(ctx, conn, Config{ClientID: "x", MaxPacketSize: 1024})
			if !errors.Is(err, tt.want) || c != nil {
				t.Fatalf("Connect: %v, %v; want %v", c, err, tt.want)
			}
			var re *ReasonError
			if tt.want == ErrRefused && (!errors.As(err, &re) || re.Code != packets.ConnackBadUsernameOrPassword) {
				t.Fatalf("error %v carries no reason 0x86", err)
			}
		})
	}
}

// TestHostilePacketsAreDropped: whatever arrives in well-framed packets, the
// read loop drops what does not decode, reports it, and keeps delivering.
func TestHostilePacketsAreDropped(t *testing.T) {
	var mu sync.Mutex
	var got []string
	var drops []error
	delivered := make(chan struct{}, 16)
	c, p := connect(t, Config{ClientID: "x", MaxPacketSize: 1 << 20,
		OnMessage: func(topic string, payload []byte) {
			mu.Lock()
			got = append(got, topic+"="+string(payload))
			mu.Unlock()
			delivered <- struct{}{}
		},
		OnDrop: func(err error) { mu.Lock(); drops = append(drops, err); mu.Unlock() },
	})
	hostile := [][]byte{
		{0x30, 0x00},                                          // PUBLISH, empty body
		{0x30, 0x03, 0x00, 0x05, 'a'},                         // topic longer than the packet
		{0x30, 0x04, 0x00, 0x00, 0x00, 'x'},                   // empty topic (no alias allowed)
		{0x30, 0x04, 0x00, 0x01, 0xff, 0x00},                  // topic not UTF-8
		{0x30, 0x04, 0x00, 0x01, 't', 0x09},                   // properties longer than the packet
		{0x30, 0x07, 0x00, 0x01, 't', 0xff, 0xff, 0xff, 0xff}, // properties length of 5 bytes
		{0x36, 0x04, 0x00, 0x01, 't', 0x00},                   // QoS 3
		{0x32, 0x03, 0x00, 0x01, 't'},                         // QoS 1 without a packet id
		publishPacket(t, "t", []byte("qos2"), 2),
		{0x90, 0x01, 0x00}, // SUBACK cut short
		{0x10, 0x00},       // CONNECT from the server
		{0xf0, 0x00},       // AUTH, never negotiated
		{0x40, 0x02, 0, 1}, // PUBACK for nothing we sent
	}
	for _, b := range hostile {
		p.raw(b)
	}
	p.raw(publishPacket(t, "tok/c", []byte(`{"ok":1}`), 0))
	p.raw(publishPacket(t, "tok/c", []byte(`{"ok":2}`), 1))
	for range 2 {
		select {
		case <-delivered:
		case <-time.After(10 * time.Second):
			t.Fatal("the valid messages after the hostile ones did not arrive")
		}
	}
	if ack := p.next(); ack.Type != packets.PUBACK || ack.Content.(*packets.Puback).PacketID != 7 {
		t.Fatalf("after a QoS 1 message the client sent %s, want PUBACK id 7", ack.PacketType())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != `tok/c={"ok":1}` || got[1] != `tok/c={"ok":2}` {
		t.Fatalf("delivered %q, want only the two valid messages", got)
	}
	if len(drops) != len(hostile) {
		t.Fatalf("%d drops reported for %d hostile packets: %v", len(drops), len(hostile), drops)
	}
	for _, err := range drops {
		if !errors.Is(err, ErrMalformed) {
			t.Fatalf("drop reported as %v, want ErrMalformed", err)
		}
	}
	if err := c.Err(); err != nil {
		t.Fatalf("the connection ended: %v", err)
	}
}

// TestOversizePacketEndsTheConnection: the size is checked from the header,
// before any of the body is buffered; a packet at the limit is fine.
func TestOversizePacketEndsTheConnection(t *testing.T) {
	const limit = 2048
	atLimit := publishOfSize(t, limit)
	tests := []struct {
		name   string
		stream []byte
		ok     bool
	}{
		{"PUBLISH at the limit", atLimit, true},
		{"PUBLISH one byte over", publishOfSize(t, limit+1), false},
		{"header claims 256 MB", []byte{0x30, 0xff, 0xff, 0xff, 0x7f}, false},
		{"remaining length of 5 bytes", []byte{0x30, 0xff, 0xff, 0xff, 0xff, 0x01}, false},
		{"two packets, second too big", append(append([]byte{}, atLimit...), 0x30, 0xff, 0xff, 0xff, 0x7f), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			c, p := connect(t, Config{ClientID: "x", MaxPacketSize: limit, OnMessage: func(string, []byte) { n++ }})
			p.raw(tt.stream)
			if tt.ok {
				p.send(packets.NewControlPacket(packets.DISCONNECT))
			}
			select {
			case <-c.Done():
			case <-time.After(10 * time.Second):
				t.Fatal("the connection did not end")
			}
			var re *ReasonError
			if tt.ok && (!errors.As(c.Err(), &re) || re.Packet != "DISCONNECT" || n != 1) {
				t.Fatalf("ended with %v after %d messages, want the server's DISCONNECT after 1", c.Err(), n)
			}
			if !tt.ok && !errors.Is(c.Err(), ErrPacketTooLarge) {
				t.Fatalf("ended with %v, want %v", c.Err(), ErrPacketTooLarge)
			}
		})
	}
}

// publishOfSize is a PUBLISH packet of exactly n bytes in all.
func publishOfSize(t *testing.T, n int) []byte {
	t.Helper()
	b := publishPacket(t, "tok/c", nil, 0)
	payload := make([]byte, n-len(b))
	for {
		b = publishPacket(t, "tok/c", payload, 0)
		if len(b) == n {
			return b
		}
		payload = payload[:len(payload)-(len(b)-n)]
	}
}

// TestOnePacketPerWrite: publishers and the pinger race; every Write is
// exactly one packet (over a WebSocket, one message per packet).
func TestOnePacketPerWrite(t *testing.T) {
	rec := &recordConn{}
	c := &Client{conn: rec, pending: map[uint16]chan *packets.ControlPacket{}, done: make(chan struct{})}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				var err error
				if g == 0 {
					err = c.send(packets.NewControlPacket(packets.PINGREQ))
				} else {
					err = c.Publish(context.Background(), Message{Topic: "r/1/1/alice/t", Payload: bytes.Repeat([]byte{'x'}, g*10)})
				}
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	whole := 0
	for _, f := range rec.frames {
		r := bytes.NewReader(f)
		if _, err := packets.ReadPacket(r); err == nil && r.Len() == 0 {
			whole++
		}
	}
	if whole != 400 || len(rec.frames) != 400 {
		t.Fatalf("%d of %d writes are exactly one packet, want 400 of 400", whole, len(rec.frames))
	}
}

// recordConn records each Write as one frame.
type recordConn struct {
	net.Conn
	mu     sync.Mutex
	frames [][]byte
}

func (r *recordConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.frames = append(r.frames, append([]byte(nil), p...))
	r.mu.Unlock()
	return len(p), nil
}

func TestKeepAlive(t *testing.T) {
	t.Run("answered pings keep the link", func(t *testing.T) {
		c, p := connect(t, Config{ClientID: "x", KeepAlive: 1})
		for range 3 {
			if cp := p.next(); cp.Type != packets.PINGREQ {
				t.Fatalf("got %s, want PINGREQ", cp.PacketType())
			}
			p.send(packets.NewControlPacket(packets.PINGRESP))
		}
		if err := c.Err(); err != nil {
			t.Fatalf("the connection ended after 3 answered pings: %v", err)
		}
	})
	t.Run("an unanswered ping ends it", func(t *testing.T) {
		c, p := connect(t, Config{ClientID: "x", KeepAlive: 1, PingTimeout: 100 * time.Millisecond})
		if cp := p.next(); cp.Type != packets.PINGREQ {
			t.Fatalf("got %s, want PINGREQ", cp.PacketType())
		}
		select {
		case <-c.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("the connection outlived an unanswered ping")
		}
		if !errors.Is(c.Err(), ErrPingTimeout) {
			t.Fatalf("ended with %v, want %v", c.Err(), ErrPingTimeout)
		}
	})
}

func TestSubscribeAndUnsubscribe(t *testing.T) {
	tests := []struct {
		name    string
		reasons []byte
		want    error
	}{
		{"granted", []byte{0, 0}, nil},
		{"one refused", []byte{0, packets.SubackNotauthorized}, ErrRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, p := connect(t, Config{ClientID: "x"})
			go func() {
				s := p.next().Content.(*packets.Subscribe)
				ack := packets.NewControlPacket(packets.SUBACK)
				ack.Content.(*packets.Suback).PacketID = s.PacketID
				ack.Content.(*packets.Suback).Reasons = tt.reasons
				p.send(ack)
				u := p.next().Content.(*packets.Unsubscribe)
				uack := packets.NewControlPacket(packets.UNSUBACK)
				uack.Content.(*packets.Unsuback).PacketID = u.PacketID
				uack.Content.(*packets.Unsuback).Reasons = []byte{0}
				p.send(uack)
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := c.Subscribe(ctx, "tok/c", "r/1/typing"); !errors.Is(err, tt.want) {
				t.Fatalf("Subscribe: %v, want %v", err, tt.want)
			}
			if err := c.Unsubscribe(ctx, "r/1/typing"); err != nil {
				t.Fatalf("Unsubscribe: %v", err)
			}
		})
	}
}

func TestRequestEndsWithTheConnection(t *testing.T) {
	c, p := connect(t, Config{ClientID: "x"})
	go func() { p.next(); p.conn.Close() }() // a SUBSCRIBE, then the link drops
	err := c.Subscribe(context.Background(), "tok/c")
	if err == nil || c.Err() == nil {
		t.Fatalf("Subscribe on a dropped link: %v (connection: %v), want an error", err, c.Err())
	}
}

func TestDisconnectSaysGoodbye(t *testing.T) {
	c, p := connect(t, Config{ClientID: "x"})
	if err := c.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if cp := p.next(); cp.Type != packets.DISCONNECT || cp.Content.(*packets.Disconnect).ReasonCode != 0 {
		t.Fatalf("got %s, want a normal DISCONNECT (the server drops the will)", cp.PacketType())
	}
	if !errors.Is(c.Err(), ErrClosed) || !errors.Is(c.Publish(context.Background(), Message{Topic: "t"}), ErrClosed) {
		t.Fatalf("after Disconnect: Err %v", c.Err())
	}
}
