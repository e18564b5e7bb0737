package sdk

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/internal/mirror"
)

// Client is one chat session. Its methods are safe for concurrent use.
type Client struct {
	cfg    Config
	debug  atomic.Bool // a Logger is set: log every call and event (debugMode)
	v2     v2state     // v2opts.go
	sem    chan struct{}
	events eventQueue
	// mirrorSink is the v2 adapter's receiver of mirror events (see
	// internal/mirror); nil for Go programs.
	mirrorSink atomic.Pointer[mirror.Sink]
	// syncMu serialises syncs: each one delivers pages in id order.
	syncMu sync.Mutex
	// refreshMu serialises token refreshes; calls that got a 401 wait on it.
	refreshMu sync.Mutex

	mu            sync.Mutex
	inited        bool
	closed        bool
	user          *User
	selected      *Room
	lastEventID   int64 // sync_event cursor
	customHeaders map[string]string
	eventSubs     map[string]func(RawMessage) // room id → subscribeEvent handler
	typing        map[int64]*typingState

	gate     *gate
	hooks    hookSet
	predial  *predialer // nil when the app gave its own Dialer
	rt       *realtime
	receipts *receipts
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// NewClient returns a Client that must be initialised with Init.
func NewClient() *Client {
	ctx, cancel := context.WithCancel(context.Background())
	return &Client{ctx: ctx, cancel: cancel, gate: newGate(),
		eventSubs: map[string]func(RawMessage){}, typing: map[int64]*typingState{}}
}

// New returns an initialised Client.
func New(ctx context.Context, cfg Config) (*Client, error) {
	c := NewClient()
	if err := c.Init(ctx, cfg); err != nil {
		return nil, err
	}
	return c, nil
}

// Init validates cfg and, with cfg.WithConfig, loads the app config. Unlike
// v2 it opens no anonymous MQTT connection: realtime starts at login.
func (c *Client) Init(ctx context.Context, cfg Config) error {
	debug := cfg.Logger != nil
	var pre *predialer
	if cfg.Dialer == nil {
		pre = &predialer{next: WebSocketDialer{}}
		cfg.Dialer = pre
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return err
	}
	cfg.Logger = newSwapLogger(cfg.Logger) // SetLogger may replace it later
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	c.predial.discard() // a second Init: the first one's spare connection
	c.cfg = cfg
	c.predial = pre
	c.setDebug(debug)
	c.sem = make(chan struct{}, cfg.MaxInFlight)
	c.customHeaders = map[string]string{}
	for k, v := range cfg.CustomHeaders {
		c.customHeaders[k] = v
	}
	c.mu.Unlock()
	if cfg.WithConfig {
		if err := c.loadAppConfig(ctx); err != nil {
			c.cfg.Logger.Warn("app config not loaded, using defaults", "err", err)
		}
	}
	c.initV2()
	c.mu.Lock()
	c.inited = true
	c.mu.Unlock()
	return nil
}

// loadAppConfig applies GET config with the v2 merge rule: a non-empty
// server value wins, an empty or missing one keeps the current value.
func (c *Client) loadAppConfig(ctx context.Context) error {
	res, err := c.callOnce(ctx, "GET", "config", nil, nil)
	if err != nil {
		return err
	}
	var ac struct {
		BaseURL        string `json:"base_url"`
		BrokerURL      string `json:"broker_url"`
		EnableRealtime *bool  `json:"enable_realtime"`
		SyncInterval   int64  `json:"sync_interval"`
		SyncOnConnect  int64  `json:"sync_on_connect"`
		// server-only fields (v2: no user value to merge with)
		Extras          RawMessage `json:"extras"`
		EnableSync      *bool      `json:"enable_sync"`
		EnableSyncEvent *bool      `json:"enable_sync_event"`
		BrokerLBURL     string     `json:"broker_lb_url"`
	}
	if err := jsonx.Unmarshal(res, &ac); err != nil {
		return fmt.Errorf("qiscus: config: %w", err)
	}
	if ac.BaseURL != "" {
		c.cfg.BaseURL = strings.TrimRight(ac.BaseURL, "/")
	}
	if ac.BrokerURL != "" {
		if isWebSocketURL(ac.BrokerURL) {
			c.cfg.MQTTURL = ac.BrokerURL
		} else {
			c.cfg.MQTTURL = "wss://" + ac.BrokerURL + ":1886/mqtt"
		}
	}
	if ac.EnableRealtime != nil && !*ac.EnableRealtime {
		c.cfg.DisableRealtime = true
	}
	if ac.SyncInterval > 0 {
		c.cfg.SyncInterval = time.Duration(ac.SyncInterval) * time.Millisecond
	}
	if ac.SyncOnConnect > 0 {
		c.cfg.SyncOnConnect = time.Duration(ac.SyncOnConnect) * time.Millisecond
	}
	applyServerOnly(&c.cfg, ac.Extras, ac.EnableSync, ac.EnableSyncEvent, ac.BrokerLBURL)
	return nil
}

func (c *Client) requireInit(method string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	if !c.inited {
		return fmt.Errorf("%s: %w", method, ErrNotInitialized)
	}
	return nil
}

func (c *Client) requireLogin(method string) error {
	if err := c.requireInit(method); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.user == nil {
		return fmt.Errorf("%s: %w", method, ErrNotLoggedIn)
	}
	return nil
}

// LoginOptions are SetUser's optional parts.
type LoginOptions struct {
	Username  string     // display name; "" is the user id
	AvatarURL string     // "" keeps the current avatar
	Extras    RawMessage // a JSON object, or nil
}

// SetUser logs in (or registers) and starts realtime. It returns a copy of
// the session user (User.Raw is the server's user object).
func (c *Client) SetUser(ctx context.Context, userID, userKey string, o LoginOptions) (*User, error) {
	username, avatarURL, extras := o.Username, o.AvatarURL, o.Extras
	if err := c.requireInit("SetUser"); err != nil {
		return nil, err
	}
	switch {
	case strings.TrimSpace(userID) == "":
		return nil, argError("SetUser", "userId", "is required")
	case userKey == "":
		return nil, argError("SetUser", "userKey", "is required")
	}
	if username == "" {
		username = userID
	}
	p := (&params{}).set("email", userID).set("password", userKey).set("username", username)
	if len(extras) > 0 && string(extras) != "null" {
		p.set("extras", string(extras))
	}
	if avatarURL != "" {
		p.set("avatar_url", avatarURL)
	}
	c.startPredial()
	res, err := c.call(ctx, "POST", "login_or_register", nil, p)
	if err != nil {
		c.dropPredial()
		c.emit(LoginFailed{Err: err})
		return nil, err
	}
	var r struct {
		User RawMessage `json:"user"`
	}
	var u User
	if jsonx.Unmarshal(res, &r) == nil && len(r.User) > 0 {
		_ = jsonx.Unmarshal(r.User, &u) // a user that does not decode has no token: refused below
	}
	if u.Token == "" || u.Email == "" {
		c.dropPredial()
		err := &APIError{Status: 500, Message: "login response has no user token", Path: "login_or_register"}
		c.emit(LoginFailed{Err: err})
		return nil, err
	}
	u.Raw = r.User
	out := u.clone() // before login shares u with the session
	c.login(ctx, &u, userKey, res)
	return out, nil
}

// startPredial opens the broker's WebSocket while the login request is in
// flight (no MQTT is sent on it until the login's token is known), so the
// first connect of the session finds the handshake done: a cold start then
// waits for the login and the socket together, not one after the other.
// v2 had its anonymous connection open since init for the same effect.
func (c *Client) startPredial() {
	c.mu.Lock()
	pre, off := c.predial, c.cfg.DisableRealtime
	c.mu.Unlock()
	if pre != nil && !off {
		pre.start(c.ctx, c.currentMQTTURL())
	}
}

// dropPredial closes the connection opened for a login that failed.
func (c *Client) dropPredial() {
	c.mu.Lock()
	pre := c.predial
	c.mu.Unlock()
	pre.discard()
}

// predialTTL bounds how long a connection opened ahead of the login may
// wait for its CONNECT; an older one is closed and a fresh one dialled.
const predialTTL = 10 * time.Second

// predialer is the default Dialer with one connection opened ahead of
// time (startPredial). Dial takes that connection when it is for the same
// URL and young enough; otherwise, or if opening it failed, it dials anew,
// so opening ahead never makes a connect fail that would have succeeded.
type predialer struct {
	next Dialer
	mu   sync.Mutex
	pend *pendingDial
}

type pendingDial struct {
	url  string
	at   time.Time
	done chan struct{} // closed when conn, err are set
	conn net.Conn
	err  error
}

func (p *predialer) start(ctx context.Context, url string) {
	pd := &pendingDial{url: url, at: time.Now(), done: make(chan struct{})}
	p.mu.Lock()
	old := p.pend
	p.pend = pd
	p.mu.Unlock()
	old.close()
	go func() {
		dctx, cancel := context.WithTimeout(ctx, predialTTL)
		defer cancel()
		pd.conn, pd.err = p.next.Dial(dctx, url)
		close(pd.done)
	}()
}

// take removes and returns the pending dial.
func (p *predialer) take() *pendingDial {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pd := p.pend
	p.pend = nil
	return pd
}

// discard closes the connection opened ahead, if any (login failed).
func (p *predialer) discard() { p.take().close() }

// close closes the connection once its dial has finished.
func (pd *pendingDial) close() {
	if pd == nil {
		return
	}
	go func() {
		<-pd.done
		if pd.conn != nil {
			pd.conn.Close()
		}
	}()
}

func (p *predialer) Dial(ctx context.Context, url string) (net.Conn, error) {
	if pd := p.take(); pd != nil {
		if pd.url != url {
			pd.close()
		} else {
			select {
			case <-pd.done:
				if pd.err == nil && time.Since(pd.at) < predialTTL {
					return pd.conn, nil
				}
				pd.close()
			case <-ctx.Done():
				pd.close()
				return nil, ctx.Err()
			}
		}
	}
	return p.next.Dial(ctx, url)
}

// startSession begins realtime, receipts and the presence heartbeat. It
// waits (bounded by ConnectWait) for the first connection, so messages
// sent right after SetUser returns are not missed.
func (c *Client) startSession(ctx context.Context) {
	c.mu.Lock()
	sctx, cancel := context.WithCancel(c.ctx)
	rc := newReceipts(c, sctx)
	c.receipts = rc
	c.mu.Unlock()
	c.wg.Add(2)
	go func() { defer c.wg.Done(); rc.run() }()
	go func() { defer c.wg.Done(); c.refreshLoop(sctx) }()
	if c.cfg.DisableRealtime {
		c.mu.Lock()
		c.rt = &realtime{c: c, cancel: cancel, disabled: true, syncKick: make(chan struct{}, 1)}
		c.mu.Unlock()
		c.wg.Add(1)
		go func() { defer c.wg.Done(); c.pollLoop(sctx) }()
		return
	}
	rt := newRealtime(c, sctx, cancel)
	c.mu.Lock()
	c.rt = rt
	c.mu.Unlock()
	c.wg.Add(1)
	go func() { defer c.wg.Done(); rt.run() }()
	wait := time.NewTimer(c.cfg.ConnectWait)
	defer wait.Stop()
	select {
	case <-rt.firstUp:
	case <-wait.C:
		c.cfg.Logger.Warn("realtime not connected yet; continuing, sync will fill the gap")
	case <-ctx.Done():
	}
}

// stopSession ends realtime and background loops of the current user.
func (c *Client) stopSession() {
	c.mu.Lock()
	rt := c.rt
	c.rt = nil
	c.receipts = nil
	c.mu.Unlock()
	if rt != nil {
		rt.stop()
	}
}

// Disconnect logs out locally: it publishes offline presence, closes the
// realtime connection and clears the session. Unlike v2 it always cleans up,
// even when the server's logout call fails.
func (c *Client) Disconnect(ctx context.Context) error {
	c.mu.Lock()
	u := c.user
	c.mu.Unlock()
	if u == nil {
		return nil
	}
	var lerr error
	if _, err := c.call(ctx, "POST", "logout", nil, (&params{}).set("user_id", u.Email).set("token", u.Token)); err != nil {
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != 404 { // older servers have no logout
			lerr = err
		}
	}
	c.stopSession()
	c.mu.Lock()
	c.user = nil
	c.selected = nil
	c.v2.known, c.v2.order = nil, nil
	c.eventSubs = map[string]func(RawMessage){}
	c.mu.Unlock()
	c.emitMirror("_selected", nil)
	c.emitMirror("_state", map[string]any{"isLogin": false, "isInit": false, "userData": map[string]any{}})
	return lerr
}

// Close stops everything. The Client cannot be used afterwards.
func (c *Client) Close() error {
	c.stopSession()
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.dropPredial()
	c.cancel()
	c.wg.Wait()
	c.closeEvents() // the events queued so far still reach the app
	return nil
}

// User returns a copy of the logged-in user, or nil.
func (c *Client) User() *User {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.user == nil {
		return nil
	}
	return c.user.clone()
}

// LastReceivedCommentID is the /sync cursor. It moves only when /sync
// returns comments (see gate), never on a realtime comment, so it can lag
// behind the messages already delivered.
func (c *Client) LastReceivedCommentID() int64 {
	c.gate.mu.Lock()
	defer c.gate.mu.Unlock()
	return c.gate.cursor
}

// LastDeliveredCommentID is the highest comment id delivered to the app
// (v2's last_received_comment_id property; it only moves forward). It is
// informational: /sync resumes from LastReceivedCommentID.
// The mirrored property is not sent per message: the wasm bridge adds the
// current value once per event batch.
func (c *Client) LastDeliveredCommentID() int64 {
	c.gate.mu.Lock()
	defer c.gate.mu.Unlock()
	return c.gate.newest
}

// SetCustomHeader adds headers to every REST call.
func (c *Client) SetCustomHeader(h map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.customHeaders == nil {
		c.customHeaders = map[string]string{}
	}
	for k, v := range h {
		c.customHeaders[k] = v
	}
}
