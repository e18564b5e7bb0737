package sdkapi

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
)

// API is the SDK REST API: the handlers of /api/v2/sdk/ (and
// /api/v2/mobile/), uploads and /files/.
type API struct {
	cfg    Config
	log    *slog.Logger
	chat   httpapi.Chat
	reads  httpapi.Reads
	store  NonceIssuer
	broker PresenceReader

	uploadMu     sync.Mutex
	uploadDir    string // "" until first needed (then a temporary directory)
	uploadIsTemp bool
}

// Config configures the SDK API.
type Config struct {
	AppID          string // the only app id accepted
	Secret         string // app secret: checks identity tokens ("" disables them)
	MaxUploadBytes int64
	UploadDir      string // "" = a temporary directory, made on first use and removed by close
}

// NonceIssuer issues the nonces of identity-token logins (the store).
type NonceIssuer interface {
	CreateNonce(ctx context.Context, now time.Time, ttl time.Duration) (string, time.Time, error)
}

// PresenceReader is a user's last presence as the broker retains it.
type PresenceReader interface {
	Presence(userID string) (status int, ms int64)
}

func New(cfg Config, log *slog.Logger, chat httpapi.Chat, reads httpapi.Reads, n NonceIssuer, p PresenceReader) *API {
	return &API{cfg: cfg, log: log, chat: chat, reads: reads, store: n, broker: p, uploadDir: cfg.UploadDir}
}

// close removes the temporary upload directory, if one was made.
func (s *API) Close() error {
	s.uploadMu.Lock()
	defer s.uploadMu.Unlock()
	if s.uploadIsTemp {
		return os.RemoveAll(s.uploadDir)
	}
	return nil
}
