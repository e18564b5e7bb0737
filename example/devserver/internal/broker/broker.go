package broker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	json "github.com/goccy/go-json"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// wsListenerID names the connections that arrive through /mqtt. mochi only
// disconnects clients of registered listeners on Close, hence wsListener.
const wsListenerID = "ws"

type Broker struct {
	ctx            context.Context // bounds the connections and the hooks' lookups
	log            *slog.Logger
	appID          string
	connectTimeout time.Duration
	reads          Reads
	mq             *mqtt.Server
	hooks          *hooks

	disabled atomic.Bool // SetEnabled(false): /mqtt answers 503
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
	// defaultConnectTimeout is Config.ConnectTimeout's default.
	defaultConnectTimeout = 10 * time.Second
	// maxSessionExpiry caps how long a stored MQTT 5 session is kept (s).
	maxSessionExpiry = 3600
)

// Reads is what the hooks read: credentials, token owners, rooms and
// membership (the store).
type Reads interface {
	Authenticate(ctx context.Context, id, token string, now time.Time) (store.User, error)
	UserByToken(ctx context.Context, token string) (store.User, error)
	RoomByUniqueID(ctx context.Context, uniqueID string) (store.Room, error)
	IsParticipant(ctx context.Context, roomID, userPK int64) (bool, error)
}

// Config configures a Broker.
type Config struct {
	AppID          string        // the app whose channel topics ({AppID}/{uniqueId}/c) are served
	ConnectTimeout time.Duration // how long a new /mqtt WebSocket may take to send its CONNECT (0 = 10s)
	Log            *slog.Logger  // nil = discard
}

// New starts the broker; ctx bounds its connections and lookups until Close.
func New(ctx context.Context, cfg Config, reads Reads) (*Broker, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Broker{ctx: ctx, log: log, appID: cfg.AppID, connectTimeout: cfg.ConnectTimeout, reads: reads,
		conns: map[*websocket.Conn]chan struct{}{}}
	caps := mqtt.NewDefaultServerCapabilities()
	caps.MaximumPacketSize = maxPacketSize
	caps.MaximumSessionExpiryInterval = maxSessionExpiry
	mq := mqtt.New(&mqtt.Options{
		InlineClient: true, // the server publishes comments and receipts itself
		Logger:       log.With("component", "mqtt"),
		Capabilities: caps,
	})
	b.mq = mq
	b.hooks = newHooks(b, mq)
	if err := mq.AddHook(b.hooks, nil); err != nil {
		return nil, fmt.Errorf("add broker hook: %w", err)
	}
	if err := mq.AddListener(wsListener{mq: mq}); err != nil {
		return nil, fmt.Errorf("add broker listener: %w", err)
	}
	if err := mq.Serve(); err != nil {
		return nil, fmt.Errorf("start broker: %w", err)
	}
	return b, nil
}

// close refuses new connections, drops the open ones and waits for their
// handlers, then stops mochi: mochi's Close races with an
// EstablishConnection that is still starting (seen under -race).
func (b *Broker) Close() error {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	b.DropAll(5 * time.Second)
	return b.mq.Close()
}

// serveWS upgrades /mqtt to a WebSocket and hands the stream to the broker until
// the client goes away.
func (b *Broker) ServeWS(w http.ResponseWriter, r *http.Request) {
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
		b.log.Debug("mqtt websocket accept", "err", err)
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
	conn := websocket.NetConn(b.ctx, c, websocket.MessageBinary)
	defer conn.Close()
	// The CONNECT must arrive in time; mochi replaces the deadline with the
	// keepalive's once the client is connected.
	timeout := b.connectTimeout
	if timeout <= 0 {
		timeout = defaultConnectTimeout
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	head, err := readConnectHeader(conn)
	if err != nil {
		b.log.Info("mqtt connection refused before CONNECT", "remote", r.RemoteAddr, "err", err)
		return
	}
	if err := b.mq.EstablishConnection(wsListenerID, &replayConn{Conn: conn, head: head}); err != nil {
		b.log.Debug("mqtt client gone", "remote", r.RemoteAddr, "err", err)
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
func (b *Broker) DropRoomSubscriptions(r *store.Room, userPKs []int64) {
	if len(userPKs) == 0 {
		return
	}
	b.hooks.removals.Add(1) // before looking: see hooks.OnSubscribed
	prefix := fmt.Sprintf("r/%d/", r.ID)
	channel := ""
	if !r.IsPublicChannel {
		channel = channelTopic(b.appID, r.UniqueID)
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
			b.log.Info("mqtt subscription ended: no longer a member", "client", cl.ID, "filter", filter)
		}
	}
}

// dropAll closes every WebSocket at once, as a network failure would (no
// DISCONNECT, so wills are published), and waits for the broker to let go of
// the clients.
func (b *Broker) DropAll(wait time.Duration) {
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
func (b *Broker) ConnCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.conns)
}

// publish sends a QoS 0, non-retained message as the server.
func (b *Broker) publish(topic string, payload []byte) {
	if err := b.mq.Publish(topic, payload, false, 0); err != nil {
		b.log.Warn("mqtt publish", "topic", topic, "err", err)
	}
}

func (b *Broker) publishJSON(topic string, v any) {
	payload, err := json.Marshal(v)
	if err != nil {
		b.log.Error("mqtt publish: encode", "topic", topic, "err", err)
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

// publishRaw publishes as the server itself: no ACL and no presence rewriting.
func (b *Broker) PublishRaw(topic string, payload []byte, retain bool) error {
	return b.mq.Publish(topic, payload, retain, 0)
}

// setEnabled switches /mqtt on or off (off: WebSocket upgrades get 503).
func (b *Broker) SetEnabled(on bool) { b.disabled.Store(!on) }

// presence is a user's retained presence, "{0|1}:{epochMs}" on u/{id}/s:
// status 1 online, 0 offline; ms 0 when never seen.
func (b *Broker) Presence(userID string) (status int, ms int64) {
	pk, ok := b.mq.Topics.Retained.Get("u/" + userID + "/s")
	if !ok {
		return 0, 0
	}
	state, at, _ := strings.Cut(string(pk.Payload), ":")
	if state == "1" {
		status = 1
	}
	ms, _ = strconv.ParseInt(at, 10, 64)
	return status, ms
}

// setTestAfterACL makes fn run after a subscription was allowed and before
// mochi adds it (tests only: the window of a removal racing a SUBSCRIBE). Set
// it before any client connects.
func (b *Broker) SetTestAfterACL(fn func(filter string)) { b.hooks.testAfterACL = fn }

// subscribeInline subscribes an in-process handler, which the broker calls
// synchronously on each matching publish (tests only).
func (b *Broker) SubscribeInline(filter string, id int, fn mqtt.InlineSubFn) error {
	return b.mq.Subscribe(filter, id, fn)
}
