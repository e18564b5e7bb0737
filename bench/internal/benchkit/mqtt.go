// Package benchkit holds what the benchmark programs share: an MQTT client
// over WebSocket for load generation and observation, and the synthetic
// comment JSON the receive benchmarks publish.
package benchkit

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/eclipse/paho.golang/paho"
)

// packetConn sends each MQTT packet as one WebSocket message. paho writes a
// packet with several Write calls between Lock and Unlock when its conn is a
// sync.Locker; buffering them keeps packets whole and never interleaved.
type packetConn struct {
	net.Conn
	mu      sync.Mutex
	inPkt   bool
	pending []byte
	werr    error
}

func (c *packetConn) Lock() {
	c.mu.Lock()
	c.inPkt = true
}

func (c *packetConn) Unlock() {
	if c.werr == nil && len(c.pending) > 0 {
		if _, err := c.Conn.Write(c.pending); err != nil {
			c.werr = err
			_ = c.Conn.Close()
		}
	}
	c.pending = c.pending[:0]
	c.inPkt = false
	c.mu.Unlock()
}

func (c *packetConn) Write(p []byte) (int, error) {
	if c.inPkt {
		if c.werr != nil {
			return 0, c.werr
		}
		c.pending = append(c.pending, p...)
		return len(p), nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.werr != nil {
		return 0, c.werr
	}
	return c.Conn.Write(p)
}

// Options for Dial.
type Options struct {
	URL      string // ws://127.0.0.1:PORT/mqtt
	ClientID string
	Username string // empty: no credentials
	Password string
	// OnPublish receives every incoming PUBLISH (nil: ignore them).
	OnPublish func(topic string, payload []byte)
}

// Dial connects an MQTT 5 client over WebSocket (subprotocol "mqtt").
func Dial(ctx context.Context, o Options) (*paho.Client, error) {
	ws, _, err := websocket.Dial(ctx, o.URL, &websocket.DialOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", o.URL, err)
	}
	ws.SetReadLimit(1 << 20)
	conn := &packetConn{Conn: websocket.NetConn(context.Background(), ws, websocket.MessageBinary)}
	cfg := paho.ClientConfig{ClientID: o.ClientID, Conn: conn}
	if o.OnPublish != nil {
		f := o.OnPublish
		cfg.OnPublishReceived = []func(paho.PublishReceived) (bool, error){
			func(pr paho.PublishReceived) (bool, error) {
				f(pr.Packet.Topic, pr.Packet.Payload)
				return true, nil
			},
		}
	}
	cli := paho.NewClient(cfg)
	cp := &paho.Connect{ClientID: o.ClientID, KeepAlive: 60, CleanStart: true}
	if o.Username != "" {
		cp.Username, cp.UsernameFlag = o.Username, true
		cp.Password, cp.PasswordFlag = []byte(o.Password), true
	}
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ca, err := cli.Connect(cctx, cp)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("mqtt connect %s: %w", o.URL, err)
	}
	if ca.ReasonCode != 0 {
		conn.Close()
		return nil, fmt.Errorf("mqtt connect %s refused: reason %d", o.URL, ca.ReasonCode)
	}
	return cli, nil
}

// Subscribe subscribes topics at QoS 0.
func Subscribe(ctx context.Context, cli *paho.Client, topics ...string) error {
	s := &paho.Subscribe{}
	for _, t := range topics {
		s.Subscriptions = append(s.Subscriptions, paho.SubscribeOptions{Topic: t})
	}
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := cli.Subscribe(sctx, s); err != nil {
		return fmt.Errorf("mqtt subscribe %v: %w", topics, err)
	}
	return nil
}
