package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

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

func newBroker(s *Server) (*broker, error) {
	mq := mqtt.New(&mqtt.Options{
		InlineClient: true, // the server publishes comments and receipts itself
		Logger:       s.log.With("component", "mqtt"),
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
	if err := b.mq.EstablishConnection(wsListenerID, conn); err != nil {
		b.s.log.Debug("mqtt client gone", "remote", r.RemoteAddr, "err", err)
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
