package sdk

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/paho"
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
	cli         *paho.Client
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
			_, _ = cli.Publish(pctx, &paho.Publish{Topic: "u/" + u.Email + "/s", Payload: presencePayload(false), Retain: true})
			cancel()
		}
		_ = cli.Disconnect(&paho.Disconnect{ReasonCode: 0})
	}
	rt.cancel()
	if !rt.disabled {
		<-rt.done
	}
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
		_ = cli.Disconnect(&paho.Disconnect{ReasonCode: 0})
		rt.wakePoll() // poll at SyncInterval while closed
	}
	if !on {
		select {
		case rt.resume <- struct{}{}:
		default:
		}
	}
}

func (rt *realtime) publishPresence(cli *paho.Client) {
	u := rt.c.User()
	rt.mu.Lock()
	off := rt.presenceOff
	rt.mu.Unlock()
	if u == nil || off {
		return
	}
	ctx, cancel := context.WithTimeout(rt.ctx, 5*time.Second)
	defer cancel()
	_, _ = cli.Publish(ctx, &paho.Publish{Topic: "u/" + u.Email + "/s", Payload: presencePayload(true), Retain: true})
}

func (rt *realtime) connect() (*paho.Client, error) {
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
	clientID := newClientID(rt.c.cfg.AppID, u.Email)
	cli := paho.NewClient(paho.ClientConfig{
		ClientID:          clientID,
		Conn:              newFrameConn(conn),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){rt.onPublish},
		OnClientError:     func(err error) { rt.c.cfg.Logger.Debug("mqtt client error", "err", err) },
	})
	ca, err := cli.Connect(ctx, &paho.Connect{
		ClientID: clientID, KeepAlive: 60, CleanStart: true,
		Username: u.Email, UsernameFlag: true, Password: []byte(u.Token), PasswordFlag: true,
		WillMessage: &paho.WillMessage{Topic: "u/" + u.Email + "/s", Payload: presencePayload(false), Retain: true},
		Properties:  connectProperties(), // frameconn.go: the packet size limit
	})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("mqtt connect: %w", err)
	}
	if ca.ReasonCode != 0 {
		conn.Close()
		return nil, fmt.Errorf("mqtt connect refused: reason %d", ca.ReasonCode)
	}
	rt.mu.Lock()
	topics := make([]string, 0, len(rt.topics))
	for t := range rt.topics {
		topics = append(topics, t)
	}
	rt.mu.Unlock()
	if err := subscribe(ctx, cli, topics); err != nil {
		_ = cli.Disconnect(&paho.Disconnect{})
		return nil, err
	}
	rt.publishPresence(cli)
	rt.mu.Lock()
	if rt.paused { // closeRealtimeConnection while we were connecting
		rt.mu.Unlock()
		_ = cli.Disconnect(&paho.Disconnect{})
		return nil, ErrNotConnected
	}
	rt.cli = cli
	rt.mu.Unlock()
	return cli, nil
}

func subscribe(ctx context.Context, cli *paho.Client, topics []string) error {
	if len(topics) == 0 {
		return nil
	}
	s := &paho.Subscribe{}
	for _, t := range topics {
		s.Subscriptions = append(s.Subscriptions, paho.SubscribeOptions{Topic: t})
	}
	_, err := cli.Subscribe(ctx, s)
	if err != nil {
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
	if _, err := cli.Unsubscribe(ctx, &paho.Unsubscribe{Topics: gone}); err != nil {
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
	if _, err := cli.Publish(ctx, &paho.Publish{Topic: topic, Payload: payload, Retain: retain}); err != nil {
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

// onPublish routes one incoming message. It runs on paho's goroutine, so
// it never blocks on the network; a malformed payload is logged and
// skipped, never fatal.
func (rt *realtime) onPublish(pr paho.PublishReceived) (bool, error) {
	defer func() {
		if r := recover(); r != nil {
			rt.c.cfg.Logger.Error("mqtt handler panic; message skipped", "topic", pr.Packet.Topic, "panic", r)
		}
	}()
	rt.c.route(pr.Packet.Topic, pr.Packet.Payload)
	return true, nil
}

// route dispatches by topic (docs/PROTOCOL.md#topics, with strict parsing).
func (c *Client) route(topic string, payload []byte) {
	parts := strings.Split(topic, "/")
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
