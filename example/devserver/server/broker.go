package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"

	"github.com/coder/websocket"
	json "github.com/goccy/go-json"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// wsListenerID names the connections that arrive through /mqtt. mochi only
// disconnects clients of registered listeners on Close, hence wsListener.
const wsListenerID = "ws"

type broker struct {
	s     *Server
	mq    *mqtt.Server
	hooks *hooks

	disabled atomic.Bool // SetMQTTEnabled(false): /mqtt answers 503
	mu       sync.Mutex
	conns    map[*websocket.Conn]chan struct{} // closed when the connection's handler returns
	closing  bool                              // close() has begun: no new connections
}

// Resource bounds of the broker.
const (
	// maxPacketSize caps every packet a client sends; mochi allocates a
	// packet's claimed length before reading it. A SUBSCRIBE of a few
	// thousand topics fits.
	maxPacketSize = 256 << 10
	// maxConnectSize caps the CONNECT, read before the client is known.
	maxConnectSize = 8 << 10
	// defaultConnectTimeout is Config.MQTTConnectTimeout's default.
	defaultConnectTimeout = 10 * time.Second
	// maxSessionExpiry caps how long a stored MQTT 5 session is kept (s).
	maxSessionExpiry = 3600
)

func newBroker(s *Server) (*broker, error) {
	caps := mqtt.NewDefaultServerCapabilities()
	caps.MaximumPacketSize = maxPacketSize
	caps.MaximumSessionExpiryInterval = maxSessionExpiry
	mq := mqtt.New(&mqtt.Options{
		InlineClient: true, // the server publishes comments and receipts itself
		Logger:       s.log.With("component", "mqtt"),
		Capabilities: caps,
	})
	h := newHooks(s, mq)
	if err := mq.AddHook(h, nil); err != nil {
		return nil, fmt.Errorf("add broker hook: %w", err)
	}
	if err := mq.AddListener(wsListener{mq: mq}); err != nil {
		return nil, fmt.Errorf("add broker listener: %w", err)
	}
	if err := mq.Serve(); err != nil {
		return nil, fmt.Errorf("start broker: %w", err)
	}
	return &broker{s: s, mq: mq, hooks: h, conns: map[*websocket.Conn]chan struct{}{}}, nil
}

// close refuses new connections, drops the open ones and waits for their
// handlers, then stops mochi: mochi's Close races with an
// EstablishConnection that is still starting (seen under -race).
func (b *broker) close() error {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	b.dropAll(5 * time.Second)
	return b.mq.Close()
}

// serveWS upgrades /mqtt to a WebSocket and hands the stream to the broker until
// the client goes away.
func (b *broker) serveWS(w http.ResponseWriter, r *http.Request) {
	if b.disabled.Load() {
		http.Error(w, "MQTT is switched off on this server (SetMQTTEnabled(false))", http.StatusServiceUnavailable)
		return
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols: []string{"mqtt"},
		// A dev server: pages and apps come from other origins (Vite, file://,
		// other ports), so any Origin is accepted.
		InsecureSkipVerify: true,
	})
	if err != nil {
		b.s.log.Debug("mqtt websocket accept", "err", err)
		return
	}
	done := make(chan struct{})
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		_ = c.CloseNow()
		return
	}
	b.conns[c] = done
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.conns, c)
		b.mu.Unlock()
		close(done)
	}()
	conn := websocket.NetConn(b.s.ctx, c, websocket.MessageBinary)
	defer conn.Close()
	// The CONNECT must arrive in time; mochi replaces the deadline with the
	// keepalive's once the client is connected.
	timeout := b.s.cfg.MQTTConnectTimeout
	if timeout <= 0 {
		timeout = defaultConnectTimeout
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	head, err := readConnectHeader(conn)
	if err != nil {
		b.s.log.Info("mqtt connection refused before CONNECT", "remote", r.RemoteAddr, "err", err)
		return
	}
	if err := b.mq.EstablishConnection(wsListenerID, &replayConn{Conn: conn, head: head}); err != nil {
		b.s.log.Debug("mqtt client gone", "remote", r.RemoteAddr, "err", err)
	}
}

var (
	errNotConnect      = errors.New("the first packet is not a CONNECT")
	errConnectTooLarge = errors.New("CONNECT too large")
	errBadLength       = errors.New("malformed remaining length")
)

// readConnectHeader reads the fixed header of the first packet and checks
// that it is a CONNECT of at most maxConnectSize bytes, so that an unknown
// client cannot make the broker allocate more than that.
func readConnectHeader(r io.Reader) ([]byte, error) {
	head := make([]byte, 0, 5)
	var b [1]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return nil, fmt.Errorf("read CONNECT: %w", err)
	}
	if b[0]>>4 != packets.Connect {
		return nil, errNotConnect
	}
	head = append(head, b[0])
	n, mul := 0, 1
	for i := 0; ; i++ {
		if i == 4 {
			return nil, errBadLength
		}
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("read CONNECT: %w", err)
		}
		head = append(head, b[0])
		n += int(b[0]&0x7f) * mul
		if b[0]&0x80 == 0 {
			break
		}
		mul *= 128
	}
	if n > maxConnectSize {
		return nil, fmt.Errorf("%w: %d bytes", errConnectTooLarge, n)
	}
	return head, nil
}

// replayConn hands mochi the bytes readConnectHeader consumed, then the stream.
type replayConn struct {
	net.Conn
	head []byte
}

func (c *replayConn) Read(p []byte) (int, error) {
	if len(c.head) > 0 {
		n := copy(p, c.head)
		c.head = c.head[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// dropRoomSubscriptions ends the subscriptions of the given users to a room's
// topics (r/{room}/…, and its channel topic unless the room is a public
// channel, which anyone may subscribe), in live and stored sessions alike: a
// member removed from a room stops getting its typing, receipts and events.
func (b *broker) dropRoomSubscriptions(r *store.Room, userPKs []int64) {
	if len(userPKs) == 0 {
		return
	}
	b.hooks.removals.Add(1) // before looking: see hooks.OnSubscribed
	prefix := fmt.Sprintf("r/%d/", r.ID)
	channel := ""
	if !r.IsPublicChannel {
		channel = channelTopic(b.s.cfg.AppID, r.UniqueID)
	}
	for _, cl := range b.mq.Clients.GetAll() {
		sess := b.hooks.session(cl)
		if sess == nil {
			continue
		}
		_, pk := sess.identity()
		if !slices.Contains(userPKs, pk) {
			continue
		}
		for filter := range cl.State.Subscriptions.GetAll() {
			if !strings.HasPrefix(filter, prefix) && (channel == "" || filter != channel) {
				continue
			}
			b.hooks.unsubscribe(cl, filter)
			b.s.log.Info("mqtt subscription ended: no longer a member", "client", cl.ID, "filter", filter)
		}
	}
}

// dropAll closes every WebSocket at once, as a network failure would (no
// DISCONNECT, so wills are published), and waits for the broker to let go of
// the clients.
func (b *broker) dropAll(wait time.Duration) {
	b.mu.Lock()
	var dones []chan struct{}
	for c, done := range b.conns {
		_ = c.CloseNow()
		dones = append(dones, done)
	}
	b.mu.Unlock()
	deadline := time.After(wait)
	for _, done := range dones {
		select {
		case <-done:
		case <-deadline:
			return
		}
	}
}

// connCount is how many /mqtt WebSockets are open.
func (b *broker) connCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.conns)
}

// publish sends a QoS 0, non-retained message as the server.
func (b *broker) publish(topic string, payload []byte) {
	if err := b.mq.Publish(topic, payload, false, 0); err != nil {
		b.s.log.Warn("mqtt publish", "topic", topic, "err", err)
	}
}

func (b *broker) publishJSON(topic string, v any) {
	payload, err := json.Marshal(v)
	if err != nil {
		b.s.log.Error("mqtt publish: encode", "topic", topic, "err", err)
		return
	}
	b.publish(topic, payload)
}

// wsListener registers the /mqtt connections with mochi. Connections are accepted
// by the HTTP server, so it listens on nothing itself.
type wsListener struct{ mq *mqtt.Server }

var _ listeners.Listener = wsListener{}

func (wsListener) Init(*slog.Logger) error     { return nil }
func (wsListener) Serve(listeners.EstablishFn) {}
func (wsListener) ID() string                  { return wsListenerID }
func (wsListener) Address() string             { return "/mqtt" }
func (wsListener) Protocol() string            { return "ws" }

// Close disconnects the clients of this listener, as mochi's own CloseFn
// (closeListenerClients) does. That one cannot be used: in mochi 2.7.9 it takes
// the clients' read lock twice (GetByListener calls Len under RLock), so a
// client connecting or leaving at that moment (its Add or Delete waiting for
// the write lock) deadlocks the server's Close.
func (l wsListener) Close(listeners.CloseFn) {
	for _, cl := range l.mq.Clients.GetAll() {
		if cl.Net.Listener == wsListenerID && !cl.Closed() {
			_ = l.mq.DisconnectClient(cl, packets.ErrServerShuttingDown)
		}
	}
}
