package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/backup"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/broker"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/chat"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/idtoken"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/sdkapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/serverapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/static"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/webhook"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// Config configures a Server.
type Config struct {
	AppID          string        // the only app id accepted
	Secret         string        // app secret: signs identity tokens and guards /api/v2/rest/ ("" disables both)
	DBPath         string        // file path or ":memory:" ("" means ":memory:")
	SDKDir, WebDir string        // "" = don't serve
	TokenTTL       time.Duration // 0 = no expiry
	Logger         *slog.Logger  // nil = discard
	// UploadDir holds uploaded files, served at /files/. "" means "uploads"
	// next to the database file, or a temporary directory (removed by Close)
	// for ":memory:".
	UploadDir      string
	MaxUploadBytes int64 // 0 = 20 MB

	// DevIdentityEndpoint serves POST /api/v2/dev/identity_token, which
	// mints an identity token for any user without authentication: tests only.
	DevIdentityEndpoint bool
	// MQTTConnectTimeout is how long a new /mqtt WebSocket may take to send
	// its CONNECT (0 = 10s).
	MQTTConnectTimeout time.Duration

	// Webhooks (webhook.go): every new comment is POSTed to WebhookURL ("" = off)
	// from a background queue, retried with exponential backoff.
	WebhookURL         string
	WebhookMaxAttempts int           // 0 = 5
	WebhookBackoff     time.Duration // delay before the first retry, doubling; 0 = 1s

	// TestHooks serves POST /api/v2/dev/disconnect_mqtt (testhooks.go), which
	// cuts every MQTT link, for tests that drive the server from outside the
	// process. Never on by default: anyone could disconnect everyone.
	TestHooks bool
}

// defaultMaxUpload is the upload limit when Config.MaxUploadBytes is 0.
const defaultMaxUpload = 20 << 20

// Server is the dev backend: REST API, MQTT broker and static files. It
// only assembles the layers below (see the package doc).
type Server struct {
	cfg     Config
	log     *slog.Logger
	handler http.Handler

	// ctx lives until Close: it bounds MQTT connections, the broker hooks'
	// queries and the background work.
	ctx    context.Context
	cancel context.CancelFunc

	store    *store.Store
	svc      *chat.Service // every change to the chat (tests reach its seams)
	broker   *broker.Broker
	webhooks *webhook.Queue // nil when Config.WebhookURL is ""
	backup   *backup.Service
	sdk      *sdkapi.API
	rest     *serverapi.API

	closeOnce sync.Once
	closeErr  error
}

// New opens the database (creating the schema) and starts the embedded broker.
// ctx bounds only the setup.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.AppID == "" {
		return nil, errors.New("server: Config.AppID is required")
	}
	if cfg.DBPath == "" {
		cfg.DBPath = ":memory:"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(ctx, cfg.DBPath)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	base, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = defaultMaxUpload
	}
	s := &Server{cfg: cfg, log: log, store: st, ctx: base, cancel: cancel}
	uploadDir := cfg.UploadDir
	if uploadDir == "" && cfg.DBPath != ":memory:" {
		uploadDir = filepath.Join(filepath.Dir(cfg.DBPath), "uploads")
	}
	if s.broker, err = broker.New(base, broker.Config{AppID: cfg.AppID, ConnectTimeout: cfg.MQTTConnectTimeout, Log: log}, st); err != nil {
		cancel()
		st.Close()
		return nil, fmt.Errorf("server: %w", err)
	}
	s.webhooks = webhook.Start(base, webhook.Config{URL: cfg.WebhookURL, MaxAttempts: cfg.WebhookMaxAttempts,
		Backoff: cfg.WebhookBackoff, Log: log}, st)
	s.svc = &chat.Service{Store: st, Publish: s.broker.Comment, Notify: s.webhooks.Notify,
		Unsubscribe: s.broker.DropRoomSubscriptions, PublishReceipt: s.broker.Receipt, ReceiptEvent: wire.ReceiptEvent,
		PublishEdit: s.broker.Edit, PublishRoomEvent: s.broker.RoomEvent, PublishUserEvent: s.broker.UserEvent,
		TokenTTL: cfg.TokenTTL, Ctx: base, Log: log}
	s.backup = backup.New(base, log, st, s.svc, cfg.TokenTTL)
	s.rest = serverapi.New(serverapi.Config{AppID: cfg.AppID, Secret: cfg.Secret}, log, s.svc, st, s.broker, s.backup)
	s.sdk = sdkapi.New(sdkapi.Config{AppID: cfg.AppID, Secret: cfg.Secret, MaxUploadBytes: cfg.MaxUploadBytes, UploadDir: uploadDir},
		log, s.svc, st, st, s.broker)
	s.handler = s.routes()
	return s, nil
}

// Handler serves everything: REST under /api/v2/sdk/ and /api/v2/mobile/, MQTT
// over WebSocket at /mqtt, the SDK build at /sdk/ and the web pages at /.
func (s *Server) Handler() http.Handler { return s.handler }

// PublishRaw injects a message into the broker as the server itself: no ACL and
// no presence rewriting, so tests can deliver malformed payloads to clients.
func (s *Server) PublishRaw(topic string, payload []byte, retain bool) error {
	return s.broker.PublishRaw(topic, payload, retain)
}

// Close disconnects every MQTT client and closes the database.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		berr := s.broker.Close()
		s.cancel()
		s.webhooks.Close()
		if s.backup != nil {
			s.backup.Close() // waits for background jobs, which still write to the store
		}
		s.closeErr = errors.Join(berr, s.store.Close())
		s.closeErr = errors.Join(s.closeErr, s.sdk.Close())
	})
	return s.closeErr
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	api := s.sdk.Handler()
	mux.Handle("/api/v2/sdk/", http.StripPrefix("/api/v2/sdk/", api))
	mux.Handle("/api/v2/mobile/", http.StripPrefix("/api/v2/mobile/", api))
	if eps := s.devEndpoints(); len(eps) > 0 {
		mux.Handle("/api/v2/dev/", http.StripPrefix("/api/v2/dev/", s.sdk.DevHandler(eps)))
	}
	restAPI := s.rest.Handler()
	mux.Handle("/api/v2/rest/", http.StripPrefix("/api/v2/rest/", restAPI))
	mux.Handle("/api/v2.1/rest/", http.StripPrefix("/api/v2.1/rest/", restAPI))
	mux.HandleFunc("/mqtt", s.broker.ServeWS)
	mux.HandleFunc("GET "+broker.LBPath, s.broker.ServeLB)
	mux.Handle("/files/", http.StripPrefix("/files/", s.sdk.FilesHandler()))
	mux.Handle("/sdk/", http.StripPrefix("/sdk", static.Handler(s.cfg.SDKDir)))
	mux.Handle("/", static.Handler(s.cfg.WebDir))
	return mux
}

// SignIdentityToken mints an identity token as an app backend would: HS256
// over the claims iss (appID), iat, nbf, exp (now+ttl; 2 minutes when ttl <= 0),
// nce (a nonce from auth/nonce), prn (the user id) and name. Tests use it to log
// users in through auth/verify_identity_token.
func SignIdentityToken(secret, appID, nonce, userID, name string, ttl time.Duration) (string, error) {
	return idtoken.Sign(secret, appID, nonce, userID, name, ttl)
}
