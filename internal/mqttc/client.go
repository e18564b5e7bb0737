package mqttc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/packets"
)

var (
	// ErrPacketTooLarge: the server sent (or announced) a packet over
	// Config.MaxPacketSize; the connection is closed.
	ErrPacketTooLarge = errors.New("mqtt packet too large")
	// ErrMalformed: a packet did not decode. Inbound, it is dropped and
	// reported to Config.OnDrop; the connection stays up.
	ErrMalformed = errors.New("mqtt malformed packet")
	// ErrRefused: the server's CONNACK or SUBACK refused; see *ReasonError.
	ErrRefused = errors.New("mqtt refused")
	// ErrPingTimeout: no PINGRESP came within Config.PingTimeout of a
	// PINGREQ, so the link is taken for dead and closed.
	ErrPingTimeout = errors.New("mqtt ping timeout")
	// ErrClosed: the client was disconnected.
	ErrClosed = errors.New("mqtt connection closed")
)

// ReasonError is a reason code from the server: a CONNACK or SUBACK that
// refused, or a DISCONNECT. It matches ErrRefused with errors.Is.
type ReasonError struct {
	Packet string // "CONNACK", "SUBACK", "DISCONNECT"
	Code   byte
	Reason string // the Reason String property, if any
}

func (e *ReasonError) Error() string {
	s := fmt.Sprintf("mqtt %s reason 0x%02x", e.Packet, e.Code)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

func (e *ReasonError) Is(target error) bool { return target == ErrRefused }

// Message is an application message: a will, or what Publish sends.
type Message struct {
	Topic   string
	Payload []byte
	Retain  bool
}

// Config is what Connect needs.
type Config struct {
	ClientID string
	Username string
	Password []byte
	// KeepAlive in seconds; 0 turns the keepalive (and the ping) off. A
	// Server Keep Alive in the CONNACK overrides it.
	KeepAlive uint16
	// PingTimeout is how long a PINGREQ may go unanswered before the link
	// is taken for dead; 0 means one keepalive interval.
	PingTimeout time.Duration
	// Will is published by the server if the connection ends without a
	// DISCONNECT.
	Will *Message
	// MaxPacketSize bounds inbound packets, fixed header included, and is
	// sent as the CONNECT's Maximum Packet Size; 0 means the protocol's.
	MaxPacketSize int
	// OnMessage gets each inbound PUBLISH, on the read loop, one at a time,
	// in order. The payload aliases the read buffer: copy what outlives the
	// call. It must not wait for this client's own acks (Subscribe).
	OnMessage func(topic string, payload []byte)
	// OnDrop, if set, hears of each inbound packet dropped as malformed.
	OnDrop func(err error)
}

// Client is one MQTT connection; it is not reused after it ends.
type Client struct {
	conn net.Conn
	cfg  Config

	wmu  sync.Mutex
	wbuf bytes.Buffer

	mu      sync.Mutex
	nextID  uint16
	pending map[uint16]chan *packets.ControlPacket

	// lastTopic is the topic of the previous PUBLISH (read loop only):
	// a burst arrives on one topic, and reusing the string saves an
	// allocation per message.
	lastTopic string

	pingOut atomic.Bool // a PINGREQ is unanswered
	done    chan struct{}
	once    sync.Once
	err     error // why it ended; set before done closes
}

// Connect sends CONNECT on conn and waits for the CONNACK. On success the
// client owns conn and reads it until Disconnect or a failure (see Done).
// On failure conn is closed.
func Connect(ctx context.Context, conn net.Conn, cfg Config) (*Client, error) {
	c := &Client{conn: conn, cfg: cfg, pending: map[uint16]chan *packets.ControlPacket{}, done: make(chan struct{})}
	cp := packets.NewControlPacket(packets.CONNECT)
	cn := cp.Content.(*packets.Connect)
	cn.ClientID, cn.KeepAlive, cn.CleanStart = cfg.ClientID, cfg.KeepAlive, true
	cn.Username, cn.UsernameFlag = cfg.Username, cfg.Username != ""
	cn.Password, cn.PasswordFlag = cfg.Password, cfg.Password != nil
	if w := cfg.Will; w != nil {
		cn.WillFlag, cn.WillTopic, cn.WillMessage, cn.WillRetain = true, w.Topic, w.Payload, w.Retain
		cn.WillProperties = &packets.Properties{}
	}
	if cfg.MaxPacketSize > 0 {
		size := uint32(cfg.MaxPacketSize)
		cn.Properties.MaximumPacketSize = &size
	}
	// The context bounds the handshake: closing conn ends a blocked read.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	rd := newReader(conn, cfg.MaxPacketSize)
	ca, err := c.handshake(cp, rd)
	if !stop() {
		err = ctx.Err()
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	keepAlive := cfg.KeepAlive
	if ca.Properties != nil && ca.Properties.ServerKeepAlive != nil {
		keepAlive = *ca.Properties.ServerKeepAlive
	}
	go c.readLoop(rd)
	if keepAlive > 0 {
		go c.pinger(time.Duration(keepAlive) * time.Second)
	}
	return c, nil
}

func (c *Client) handshake(connect *packets.ControlPacket, rd *reader) (*packets.Connack, error) {
	if err := c.send(connect); err != nil {
		return nil, err
	}
	hdr, body, err := rd.next()
	if err != nil {
		return nil, fmt.Errorf("read CONNACK: %w", err)
	}
	cp, err := unpack(hdr, body)
	if err != nil {
		return nil, err
	}
	ca, ok := cp.Content.(*packets.Connack)
	if !ok {
		return nil, fmt.Errorf("%w: packet type %d before CONNACK", ErrMalformed, hdr>>4)
	}
	if ca.ReasonCode >= 0x80 {
		return nil, &ReasonError{Packet: "CONNACK", Code: ca.ReasonCode, Reason: ca.Properties.ReasonString}
	}
	return ca, nil
}

// unpack decodes a packet other than PUBLISH with the packets codec.
func unpack(hdr byte, body []byte) (*packets.ControlPacket, error) {
	cp := packets.NewControlPacket(hdr >> 4)
	if cp == nil {
		return nil, fmt.Errorf("%w: packet type %d", ErrMalformed, hdr>>4)
	}
	if err := cp.Content.Unpack(bytes.NewBuffer(body)); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, packetName(hdr), err)
	}
	return cp, nil
}

func packetName(hdr byte) string {
	if cp := packets.NewControlPacket(hdr >> 4); cp != nil {
		return cp.PacketType()
	}
	return fmt.Sprint("type ", hdr>>4)
}

// Done is closed when the connection has ended; Err then says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err is why the connection ended (ErrClosed after Disconnect), or nil
// while it is up.
func (c *Client) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// fail ends the connection for err; the first reason sticks.
func (c *Client) fail(err error) {
	c.once.Do(func() {
		c.err = err
		close(c.done)
		c.conn.Close()
	})
}

// send writes cp as one Write: one WebSocket message per packet, and
// writers never interleave.
func (c *Client) send(cp *packets.ControlPacket) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.wbuf.Reset()
	if _, err := cp.WriteTo(&c.wbuf); err != nil {
		return err
	}
	_, err := c.conn.Write(c.wbuf.Bytes())
	if c.wbuf.Cap() > keepLimit {
		c.wbuf = bytes.Buffer{} // don't pin a large buffer after a big publish
	}
	if err != nil {
		c.fail(err)
		return err
	}
	return nil
}

// Publish sends a QoS 0 message.
func (c *Client) Publish(ctx context.Context, m Message) error {
	if err := c.usable(ctx); err != nil {
		return err
	}
	cp := packets.NewControlPacket(packets.PUBLISH)
	p := cp.Content.(*packets.Publish)
	p.Topic, p.Payload, p.Retain = m.Topic, m.Payload, m.Retain
	return c.send(cp)
}

// usable is nil when a packet may be sent.
func (c *Client) usable(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.Err(); err != nil {
		return err
	}
	return nil
}

// Subscribe subscribes topics at QoS 0 and waits for the SUBACK; a refused
// topic is a *ReasonError.
func (c *Client) Subscribe(ctx context.Context, topics ...string) error {
	cp := packets.NewControlPacket(packets.SUBSCRIBE)
	s := cp.Content.(*packets.Subscribe)
	for _, t := range topics {
		s.Subscriptions = append(s.Subscriptions, packets.SubOptions{Topic: t})
	}
	ack, err := c.request(ctx, cp, &s.PacketID)
	if err != nil {
		return err
	}
	sa, ok := ack.Content.(*packets.Suback)
	if !ok {
		return fmt.Errorf("%w: %s in answer to SUBSCRIBE", ErrMalformed, ack.PacketType())
	}
	for _, code := range sa.Reasons {
		if code >= 0x80 {
			return &ReasonError{Packet: "SUBACK", Code: code, Reason: sa.Properties.ReasonString}
		}
	}
	return nil
}

// Unsubscribe unsubscribes topics and waits for the UNSUBACK.
func (c *Client) Unsubscribe(ctx context.Context, topics ...string) error {
	cp := packets.NewControlPacket(packets.UNSUBSCRIBE)
	u := cp.Content.(*packets.Unsubscribe)
	u.Topics = topics
	ack, err := c.request(ctx, cp, &u.PacketID)
	if err != nil {
		return err
	}
	if _, ok := ack.Content.(*packets.Unsuback); !ok {
		return fmt.Errorf("%w: %s in answer to UNSUBSCRIBE", ErrMalformed, ack.PacketType())
	}
	return nil
}

// request sends cp under a fresh packet id (written to *id) and waits for
// the packet that answers it.
func (c *Client) request(ctx context.Context, cp *packets.ControlPacket, id *uint16) (*packets.ControlPacket, error) {
	if err := c.usable(ctx); err != nil {
		return nil, err
	}
	ch := make(chan *packets.ControlPacket, 1)
	c.mu.Lock()
	for {
		c.nextID++
		if _, busy := c.pending[c.nextID]; c.nextID != 0 && !busy {
			break
		}
	}
	*id = c.nextID
	c.pending[*id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, *id)
		c.mu.Unlock()
	}()
	if err := c.send(cp); err != nil {
		return nil, err
	}
	select {
	case ack := <-ch:
		return ack, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.done:
		return nil, c.err
	}
}

// Disconnect sends DISCONNECT (normal, so the server drops the will) and
// closes the connection.
func (c *Client) Disconnect() error {
	if c.Err() != nil {
		return nil
	}
	err := c.send(packets.NewControlPacket(packets.DISCONNECT))
	c.fail(ErrClosed)
	return err
}

// readLoop handles inbound packets until the connection fails.
func (c *Client) readLoop(rd *reader) {
	for {
		hdr, body, err := rd.next()
		if err != nil {
			c.fail(err)
			return
		}
		if err := c.handle(hdr, body); err != nil {
			if c.cfg.OnDrop != nil {
				c.cfg.OnDrop(err)
			}
		}
	}
}

// handle acts on one packet; an error means it was dropped.
func (c *Client) handle(hdr byte, body []byte) error {
	switch hdr >> 4 {
	case packets.PUBLISH:
		p, err := parsePublish(hdr&0x0f, body)
		if err != nil {
			return err
		}
		if p.qos == 2 { // we subscribe at QoS 0; a server must not send this
			return fmt.Errorf("%w: QoS 2 PUBLISH on %q", ErrMalformed, p.topic)
		}
		if string(p.topic) != c.lastTopic {
			c.lastTopic = string(p.topic)
		}
		if c.cfg.OnMessage != nil {
			c.cfg.OnMessage(c.lastTopic, p.payload)
		}
		if p.qos == 1 {
			ack := packets.NewControlPacket(packets.PUBACK)
			ack.Content.(*packets.Puback).PacketID = p.id
			_ = c.send(ack) // a failed write ends the connection: nothing was dropped
		}
		return nil
	case packets.PINGRESP:
		c.pingOut.Store(false)
		return nil
	}
	cp, err := unpack(hdr, body)
	if err != nil {
		return err
	}
	switch p := cp.Content.(type) {
	case *packets.Suback:
		c.answer(p.PacketID, cp)
	case *packets.Unsuback:
		c.answer(p.PacketID, cp)
	case *packets.Disconnect:
		c.fail(&ReasonError{Packet: "DISCONNECT", Code: p.ReasonCode, Reason: p.Properties.ReasonString})
	case *packets.Puback, *packets.Pubrec, *packets.Pubcomp, *packets.Pubrel, *packets.Auth:
		return fmt.Errorf("%w: unexpected %s", ErrMalformed, cp.PacketType())
	default: // CONNECT, SUBSCRIBE, …: a client never gets these
		return fmt.Errorf("%w: %s from the server", ErrMalformed, cp.PacketType())
	}
	return nil
}

func (c *Client) answer(id uint16, cp *packets.ControlPacket) {
	c.mu.Lock()
	ch := c.pending[id]
	c.mu.Unlock()
	if ch != nil {
		select {
		case ch <- cp:
		default: // answered twice: the first one counts
		}
	}
}

// pinger sends a PINGREQ every keepalive interval and ends the connection
// if one goes unanswered for PingTimeout: a link that died without a FIN
// (a sleeping laptop, a dropped NAT entry) is noticed and the owner
// reconnects.
func (c *Client) pinger(every time.Duration) {
	timeout := c.cfg.PingTimeout
	if timeout <= 0 {
		timeout = every
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	var deadline <-chan time.Time
	for {
		select {
		case <-c.done:
			return
		case <-deadline:
			if c.pingOut.Load() {
				c.fail(ErrPingTimeout)
				return
			}
			deadline = nil
		case <-tick.C:
			if c.pingOut.Load() {
				continue // the deadline is still running
			}
			c.pingOut.Store(true)
			if c.send(packets.NewControlPacket(packets.PINGREQ)) != nil {
				return
			}
			deadline = time.After(timeout)
		}
	}
}
