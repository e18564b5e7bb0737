package sdk

import (
	"net/url"
	"strings"
	"time"
)

// Config configures a Client. Only AppID is required.
type Config struct {
	AppID   string
	BaseURL string // REST host; default DefaultBaseURL
	MQTTURL string // ws:// or wss:// broker URL; default DefaultMQTTURL
	// WithConfig fetches GET api/v2/sdk/config during Init and applies the
	// server's base_url, broker_url and sync intervals (v2 merge rule, but
	// without the original's "wss check" that mangles ws:// URLs).
	WithConfig bool

	HTTP   HTTPDoer // nil: net/http natively, fetch in the browser
	Dialer Dialer   // nil: WebSocketDialer

	// OnEvent receives every event, in order, one at a time, on a goroutine
	// of the Client's own (never with a Client lock held). It may call any
	// Client method; the events that call causes follow once it returns.
	// Events queue up without bound while it runs, none is dropped.
	// FlushEvents waits for the events emitted so far.
	OnEvent func(Event)
	Logger  Logger // nil: discard; a *slog.Logger fits

	Version string // QISCUS-SDK-VERSION header; default "WEB_" + Version

	SyncInterval      time.Duration // /sync poll while realtime is down; default 5s
	SyncOnConnect     time.Duration // /sync poll while realtime is up; default 30s, <0 disables
	PresenceInterval  time.Duration // presence heartbeat; default 3.5s as in v2
	TypingAutoStop    time.Duration // send "0" after this long without publishTyping(1); default 5s
	TypingThrottle    time.Duration // at most one "1" per this; default 3s
	ReconnectMin      time.Duration // first reconnect backoff; default 500ms
	ReconnectMax      time.Duration // backoff ceiling; default 30s
	ConnectWait       time.Duration // how long SetUser waits for the first MQTT connection; default 5s
	MaxInFlight       int           // concurrent REST requests; default 6 natively, 256 in the browser (which queues per host itself)
	SendRetries       int           // extra attempts for a failed post_comment; default 3
	DisableRealtime   bool
	CustomHeaders     map[string]string
	UpdateStatusDelay time.Duration // coalescing window for receipts; default 300ms

	// The v2 init options and app-config flags below are explained in v2opts.go.
	UpdateCommentStatusMode  string        // UpdateStatusEnabled (default), UpdateStatusThrottled or UpdateStatusDisabled
	UpdateStatusThrottle     time.Duration // the throttled mode's window; default 300ms
	UploadURL                string        // upload()'s endpoint; default {BaseURL}/api/v2/sdk/upload
	SyncOnlyWhenDisconnected bool          // no periodic /sync while realtime is up
	DisableSync              bool          // no periodic /sync at all (app config enable_sync: false)
	DisableSyncEvent         bool          // no periodic /sync_event (app config enable_sync_event: false)
	Extras                   RawMessage    // default extras of SendComment (app config extras)
	BrokerLBURL              string        // broker load balancer; default DefaultBrokerLBURL
	RealtimeLB               *bool         // use the balancer; nil: v2's custom-server guess

	lbExplicit bool // RealtimeLB was given (it wins over the app config, as in v2.16.9)
}

// Version is this SDK's version, sent as WEB_{Version} like the v2 client.
const Version = "2.16.9-go.0"

// Defaults of the official v2 client.
const (
	DefaultBaseURL = "https://api.qiscus.com"
	DefaultMQTTURL = "wss://realtime-jogja.qiscus.com:1886/mqtt"
	// DefaultBrokerLBURL is v2's broker load balancer.
	DefaultBrokerLBURL = "https://realtime-lb.qiscus.com"
)

func (c Config) withDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	c.lbExplicit = c.RealtimeLB != nil
	if c.RealtimeLB == nil {
		// v2's custom-server guess: another server and no balancer of
		// its own means the public balancer is not the app's.
		lb := c.BrokerLBURL != "" || ((c.BaseURL == "" || c.BaseURL == DefaultBaseURL) && (c.MQTTURL == "" || c.MQTTURL == DefaultMQTTURL))
		c.RealtimeLB = &lb
	}
	if c.BrokerLBURL == "" {
		c.BrokerLBURL = DefaultBrokerLBURL
	}
	if c.MQTTURL == "" {
		c.MQTTURL = DefaultMQTTURL
	}
	if c.HTTP == nil {
		c.HTTP = defaultHTTPDoer()
	}
	if c.Dialer == nil {
		c.Dialer = WebSocketDialer{}
	}
	if c.Version == "" {
		c.Version = "WEB_" + Version
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.SyncInterval, 5*time.Second)
	def(&c.SyncOnConnect, 30*time.Second)
	def(&c.PresenceInterval, 3500*time.Millisecond)
	def(&c.TypingAutoStop, 5*time.Second)
	def(&c.TypingThrottle, 3*time.Second)
	def(&c.ReconnectMin, 500*time.Millisecond)
	def(&c.ReconnectMax, 30*time.Second)
	def(&c.ConnectWait, 5*time.Second)
	def(&c.UpdateStatusDelay, 300*time.Millisecond)
	def(&c.UpdateStatusThrottle, 300*time.Millisecond)
	if c.UpdateCommentStatusMode == "" {
		c.UpdateCommentStatusMode = UpdateStatusEnabled
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = defaultMaxInFlight
	}
	if c.SendRetries == 0 {
		c.SendRetries = 3
	}
	if c.Logger == nil {
		c.Logger = nopLogger{}
	}
	return c
}

func (c Config) validate() error {
	if strings.TrimSpace(c.AppID) == "" {
		return argError("Init", "AppId", "is required (Please provide valid AppId)")
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return argError("Init", "baseURL", "must be an http(s) URL")
	}
	if !isWebSocketURL(c.MQTTURL) {
		return argError("Init", "mqttURL", "must be a ws:// or wss:// URL")
	}
	switch c.UpdateCommentStatusMode {
	case UpdateStatusEnabled, UpdateStatusThrottled, UpdateStatusDisabled:
	default:
		return argError("Init", "updateCommentStatusMode", "must be one of QiscusSDKCore.UpdateCommentStatusMode")
	}
	if c.UploadURL != "" {
		if u, err := url.Parse(c.UploadURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return argError("Init", "uploadURL", "must be an http(s) URL")
		}
	}
	return nil
}

// Logger receives diagnostics. *slog.Logger satisfies it; the interface
// keeps log/slog (about 100 KB of code) out of the wasm build.
type Logger interface {
	Debug(msg string, args ...any)
	Info(msg string, args ...any)
	Warn(msg string, args ...any)
	Error(msg string, args ...any)
}

type nopLogger struct{}

func (nopLogger) Debug(string, ...any) {}
func (nopLogger) Info(string, ...any)  {}
func (nopLogger) Warn(string, ...any)  {}
func (nopLogger) Error(string, ...any) {}
