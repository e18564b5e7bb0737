package sdk

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/mqttc"
)

// realtime owns the MQTT connection of one logged-in session: it connects,
// resubscribes everything after each reconnect, fills gaps with /sync and
// publishes the presence heartbeat. One connection per session; none before
// login (v2 opened an anonymous one, docs/PROTOCOL.md#connection).
type realtime struct {
	c        *Client
	ctx      context.Context
	cancel   context.CancelFunc
	disabled bool

	mu          sync.Mutex
	cli         *mqttc.Client
	topics      map[string]struct{}
	presenceOff bool // publishOnlinePresence(false) stops the heartbeat
	paused      bool // closeRealtimeConnection: stay down until opened again
	resume      chan struct{}
	wake        chan struct{} // the poll loop re-reads its interval (up/down changed)

	firstUp  chan struct{}
	upOnce   sync.Once
	syncKick chan struct{}
	done     chan struct{}
}

func newRealtime(c *Client, ctx context.Context, cancel context.CancelFunc) *realtime {
	rt := &realtime{c: c, ctx: ctx, cancel: cancel, topics: map[string]struct{}{},
		firstUp: make(chan struct{}), syncKick: make(chan struct{}, 1), done: make(chan struct{}),
		resume: make(chan struct{}, 1), wake: make(chan struct{}, 1)}
	u := c.User()
	for _, s := range []string{"/c", "/n", "/update"} {
		rt.topics[u.Token+s] = struct{}{}
	}
	return rt
}

func (rt *realtime) stop() {
	rt.mu.Lock()
	cli := rt.cli
	rt.cli = nil
	rt.mu.Unlock()
	if cli != nil && !rt.disabled {
		// A clean DISCONNECT discards the will, so say offline ourselves.
		if u := rt.c.User(); u != nil {
			pctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = cli.Publish(pctx, presenceMessage(u, false))
			cancel()
		}
		_ = cli.Disconnect()
	}
	rt.cancel()
	if !rt.disabled {
		<-rt.done
	}
}

func presenceMessage(u *User, online bool) mqttc.Message {
	return mqttc.Message{Topic: "u/" + u.Email + "/s", Payload: presencePayload(online), Retain: true}
}

func presencePayload(online bool) []byte {
	p := "0:"
	if online {
		p = "1:"
	}
	return []byte(p + strconv.FormatInt(time.Now().UnixMilli(), 10))
}

func (rt *realtime) connected() bool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.cli != nil
}

// run keeps the connection up until the session ends, with jittered
// exponential backoff between attempts.
func (rt *realtime) run() {
	defer close(rt.done)
	go rt.c.pollLoop(rt.ctx)
	attempt, everUp := 0, false
	for rt.ctx.Err() == nil {
		if !rt.waitUnpaused() {
			return
		}
		cli, err := rt.connect()
		if err != nil {
			rt.c.cfg.Logger.Warn("mqtt connect failed", "err", err, "attempt", attempt)
		} else {
			attempt = 0
			if everUp {
				rt.c.emit(Reconnected{})
			}
			everUp = true
			rt.upOnce.Do(func() { close(rt.firstUp) })
			rt.kickSync() // fill whatever was missed while down
			hb := time.NewTicker(rt.c.cfg.PresenceInterval)
		alive:
			for {
				select {
				case <-cli.Done():
					break alive
				case <-rt.ctx.Done():
					break alive
				case <-hb.C:
					rt.publishPresence(cli)
				}
			}
			hb.Stop()
			rt.mu.Lock()
			if rt.cli == cli {
				rt.cli = nil
			}
			rt.mu.Unlock()
			if rt.ctx.Err() != nil {
				return
			}
			rt.c.cfg.Logger.Info("mqtt connection lost; reconnecting")
			rt.wakePoll() // now down: poll at SyncInterval
		}
		if !sleepCtx(rt.ctx, backoff(attempt, rt.c.cfg.ReconnectMin, rt.c.cfg.ReconnectMax)) {
			return
		}
		attempt++
		if !rt.isPaused() {
			rt.c.lookupBroker(rt.ctx) // v2 asked the balancer after every close
		}
	}
}

func (rt *realtime) isPaused() bool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.paused
}

// waitUnpaused blocks while closeRealtimeConnection holds the connection
// down; false when the session ends.
func (rt *realtime) waitUnpaused() bool {
	for rt.isPaused() {
		select {
		case <-rt.ctx.Done():
			return false
		case <-rt.resume:
		}
	}
	return true
}

// pause closes the connection and keeps it closed (on), or lets run
// connect again (off).
func (rt *realtime) pause(on bool) {
	if rt.disabled {
		return
	}
	rt.mu.Lock()
	rt.paused = on
	cli := rt.cli
	if on {
		rt.cli = nil
	}
	rt.mu.Unlock()
	if on && cli != nil {
		_ = cli.Disconnect()
		rt.wakePoll() // poll at SyncInterval while closed
	}
	if !on {
		select {
		case rt.resume <- struct{}{}:
		default:
		}
	}
}

func (rt *realtime) publishPresence(cli *mqttc.Client) {
	u := rt.c.User()
	rt.mu.Lock()
	off := rt.presenceOff
	rt.mu.Unlock()
	if u == nil || off {
		return
	}
	ctx, cancel := context.WithTimeout(rt.ctx, 5*time.Second)
	defer cancel()
	_ = cli.Publish(ctx, presenceMessage(u, true))
}

func (rt *realtime) connect() (*mqttc.Client, error) {
	u := rt.c.User()
	if u == nil {
		return nil, ErrNotLoggedIn
	}
	ctx, cancel := context.WithTimeout(rt.ctx, 15*time.Second)
	defer cancel()
	broker := rt.c.currentMQTTURL()
	conn, err := rt.c.cfg.Dialer.Dial(ctx, broker)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", broker, err)
	}
	will := presenceMessage(u, false)
	cli, err := mqttc.Connect(ctx, conn, mqttc.Config{
		ClientID: newClientID(rt.c.cfg.AppID, u.Email), KeepAlive: 60,
		Username: u.Email, Password: []byte(u.Token),
		Will:          &will,
		MaxPacketSize: maxPacketSize,
		OnMessage:     rt.onPublish,
		OnDrop:        func(err error) { rt.c.cfg.Logger.Warn("skipping malformed mqtt packet", "err", err) },
	})
	if err != nil {
		return nil, fmt.Errorf("mqtt connect: %w", err)
	}
	rt.mu.Lock()
	topics := make([]string, 0, len(rt.topics))
	for t := range rt.topics {
		topics = append(topics, t)
	}
	rt.mu.Unlock()
	if err := subscribe(ctx, cli, topics); err != nil {
		_ = cli.Disconnect()
		return nil, err
	}
	rt.publishPresence(cli)
	rt.mu.Lock()
	if rt.paused { // closeRealtimeConnection while we were connecting
		rt.mu.Unlock()
		_ = cli.Disconnect()
		return nil, ErrNotConnected
	}
	rt.cli = cli
	rt.mu.Unlock()
	return cli, nil
}

func subscribe(ctx context.Context, cli *mqttc.Client, topics []string) error {
	if len(topics) == 0 {
		return nil
	}
	if err := cli.Subscribe(ctx, topics...); err != nil {
		return fmt.Errorf("mqtt subscribe: %w", err)
	}
	return nil
}

// subscribe adds topics to the set kept across reconnects and subscribes
// them now if connected.
func (rt *realtime) subscribe(topics ...string) {
	if rt.disabled || len(topics) == 0 {
		return
	}
	rt.mu.Lock()
	var fresh []string
	for _, t := range topics {
		if _, ok := rt.topics[t]; !ok {
			rt.topics[t] = struct{}{}
			fresh = append(fresh, t)
		}
	}
	cli := rt.cli
	rt.mu.Unlock()
	if cli == nil || len(fresh) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(rt.ctx, 10*time.Second)
	defer cancel()
	if err := subscribe(ctx, cli, fresh); err != nil {
		rt.c.cfg.Logger.Warn("subscribe failed", "topics", fresh, "err", err)
	}
}

func (rt *realtime) unsubscribe(topics ...string) {
	if rt.disabled || len(topics) == 0 {
		return
	}
	rt.mu.Lock()
	var gone []string
	for _, t := range topics {
		if _, ok := rt.topics[t]; ok {
			delete(rt.topics, t)
			gone = append(gone, t)
		}
	}
	cli := rt.cli
	rt.mu.Unlock()
	if cli == nil || len(gone) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(rt.ctx, 10*time.Second)
	defer cancel()
	if err := cli.Unsubscribe(ctx, gone...); err != nil {
		rt.c.cfg.Logger.Warn("unsubscribe failed", "topics", gone, "err", err)
	}
}

// retoken moves the token topics after a token refresh.
func (rt *realtime) retoken(old, new string) {
	if rt.disabled {
		return
	}
	var olds, news []string
	for _, s := range []string{"/c", "/n", "/update"} {
		olds, news = append(olds, old+s), append(news, new+s)
	}
	rt.subscribe(news...)
	// The server publishes to the new topics from the moment it rotated the
	// token, before we could subscribe them: fetch what went there meanwhile.
	rt.kickSync()
	rt.unsubscribe(olds...)
}

func (rt *realtime) publish(ctx context.Context, topic string, payload []byte, retain bool) error {
	if rt.disabled {
		return ErrNotConnected
	}
	rt.mu.Lock()
	cli := rt.cli
	rt.mu.Unlock()
	if cli == nil {
		return ErrNotConnected
	}
	if err := cli.Publish(ctx, mqttc.Message{Topic: topic, Payload: payload, Retain: retain}); err != nil {
		return fmt.Errorf("qiscus: publish %s: %w", topic, err)
	}
	return nil
}

func (rt *realtime) wakePoll() {
	select {
	case rt.wake <- struct{}{}:
	default:
	}
}

func (rt *realtime) kickSync() {
	select {
	case rt.syncKick <- struct{}{}:
	default:
	}
}

// onPublish routes one incoming message. It runs on the client's read
// loop, synchronously (no goroutine per message), so it never blocks on the
// network; a malformed payload is logged and skipped, never fatal. payload
// is the read buffer: what outlives the call is copied (parseComment and
// the signal handlers copy what they keep), and a BeforeReceive hook, which
// is app code that may keep its argument, gets a copy of its own.
func (rt *realtime) onPublish(topic string, payload []byte) {
	defer func() {
		if r := recover(); r != nil {
			rt.c.cfg.Logger.Error("mqtt handler panic; message skipped", "topic", topic, "panic", r)
		}
	}()
	if rt.c.currentHooks().BeforeReceive != nil {
		payload = bytes.Clone(payload)
	}
	rt.c.route(topic, payload)
}

// splitTopic is strings.Split(topic, "/") into the caller's array, so
// routing a message allocates nothing for it. A topic of more parts than
// the array holds is none that route handles, and comes back empty.
func splitTopic(topic string, dst []string) []string {
	parts := dst[:0]
	for len(parts) < cap(dst) {
		i := strings.IndexByte(topic, '/')
		if i < 0 {
			return append(parts, topic)
		}
		parts = append(parts, topic[:i])
		topic = topic[i+1:]
	}
	return nil
}

// route dispatches by topic (docs/PROTOCOL.md#topics, with strict parsing).
func (c *Client) route(topic string, payload []byte) {
	var buf [5]string
	parts := splitTopic(topic, buf[:])
	log := c.cfg.Logger
	switch {
	case len(parts) == 2 && parts[1] == "c": // {token}/c or channel {AppId}/{unique}/c is 3 parts
		cm, err := c.incoming(c.ctx, payload)
		if err != nil {
			log.Warn("skipping malformed comment", "topic", topic, "err", err, "bytes", len(payload))
			return
		}
		c.deliver(cm, false)
	case len(parts) == 3 && parts[2] == "c":
		cm, err := c.incoming(c.ctx, payload)
		if err != nil {
			log.Warn("skipping malformed channel comment", "topic", topic, "err", err)
			return
		}
		// A public channel is not covered by /sync when we are not a
		// participant, so a gap there cannot be filled: no holding.
		c.deliverUnordered(cm)
	case len(parts) == 2 && parts[1] == "update":
		cm, err := parseComment(payload)
		if err != nil {
			log.Warn("skipping malformed update", "topic", topic, "err", err)
			return
		}
		c.upsertSelected(cm)
		c.emit(MessageUpdated{Comment: cm.clone()})
	case len(parts) == 2 && parts[1] == "n":
		c.handleNotification(payload)
	case len(parts) == 5 && parts[0] == "r" && parts[1] == parts[2]:
		rid, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			log.Warn("bad room topic", "topic", topic)
			return
		}
		c.handleRoomSignal(rid, parts[1], parts[3], parts[4], payload)
	case len(parts) == 4 && parts[0] == "r" && parts[1] == parts[2] && parts[3] == "e":
		c.handleCustomEvent(parts[1], payload)
	case len(parts) == 3 && parts[0] == "r" && parts[2] == "typing":
		c.handleRoomTyping(parts[1], payload)
	case len(parts) == 3 && parts[0] == "u" && parts[2] == "s":
		c.handlePresence(parts[1], payload)
	default:
		log.Debug("unhandled topic", "topic", topic)
	}
}

// ErrPacketTooLarge: the broker sent (or announced) an MQTT packet over the
// size limit; the connection is dropped and the session reconnects.
var ErrPacketTooLarge = mqttc.ErrPacketTooLarge

// maxPacketSize bounds every MQTT packet the client accepts, and so every
// WebSocket message (the broker sends a packet per message). The largest
// legitimate one is a comment: the devserver takes request bodies up to
// 1 MB, so message, payload and extras together stay under 1 MB; the
// published comment adds the sender's user_extras (another profile body,
// up to 1 MB) and room fields. 4 MB leaves room for that and for JSON
// escaping. The broker is told (MQTT 5 Maximum Packet Size in CONNECT) and
// drops what is larger rather than sending it; a larger one that arrives
// anyway fails the read (mqttc checks the packet header, the transports the
// message size) and the session reconnects (and syncs over REST).
// A var so the browser tests can lower it.
var maxPacketSize = 4 << 20
