package serverapi

import (
	"log/slog"
	"net/http"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
)

// API is the server REST API ("REST API" in the Qiscus docs) that app
// backends call with the app secret.
type API struct {
	cfg    Config
	log    *slog.Logger
	chat   httpapi.Chat
	reads  httpapi.Reads
	broker SessionCloser
	backup Backups
}

// Config configures the server API.
type Config struct {
	AppID  string // the only app id accepted (the header is optional)
	Secret string // the app secret every request must carry ("" disables the API)
}

// SessionCloser ends a user's MQTT connections (the broker), as a token
// reset must.
type SessionCloser interface {
	DisconnectUser(userPK int64) int
}

// Backups serve exports and imports (the backup service).
type Backups interface {
	Endpoints() map[string]func(*httpapi.Call) (any, error)
	ServeDownload(w http.ResponseWriter, r *http.Request, uid string)
}

func New(cfg Config, log *slog.Logger, chat httpapi.Chat, reads httpapi.Reads, b SessionCloser, bk Backups) *API {
	return &API{cfg: cfg, log: log, chat: chat, reads: reads, broker: b, backup: bk}
}
