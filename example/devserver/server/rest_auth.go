package server

import (
	"context"
	"strings"
	"unicode"
)

type configJSON struct {
	BaseURL             string `json:"base_url"`
	BrokerLBURL         string `json:"broker_lb_url"`
	BrokerURL           string `json:"broker_url"`
	EnableRealtime      bool   `json:"enable_realtime"`
	EnableRealtimeCheck bool   `json:"enable_realtime_check"`
	SyncInterval        int    `json:"sync_interval"`
	SyncOnConnect       int    `json:"sync_on_connect"`
	EnableEventReport   bool   `json:"enable_event_report"`
	Extras              string `json:"extras"`
	EnableSync          bool   `json:"enable_sync"`
	EnableSyncEvent     bool   `json:"enable_sync_event"`
	AutoRefreshToken    bool   `json:"auto_refresh_token"`
}

// handleConfig is GET config. Empty URLs keep whatever the app passed to init.
func (s *Server) handleConfig(*call) (any, error) {
	return configJSON{
		EnableRealtime: true, EnableRealtimeCheck: true,
		SyncInterval: 5000, SyncOnConnect: 10000, EnableSync: true,
	}, nil
}

// handleLoginOrRegister is POST login_or_register (form: email, password,
// username, avatar_url, extras as a JSON string).
func (s *Server) handleLoginOrRegister(c *call) (any, error) {
	id, err := c.p.requireString("email")
	if err != nil {
		return nil, err
	}
	if err := validUserID(id); err != nil {
		return nil, err
	}
	pw, err := c.p.requireString("password")
	if err != nil {
		return nil, err
	}
	extras, err := c.p.JSONObject("extras")
	if err != nil {
		return nil, err
	}
	u, err := s.store.loginOrRegister(c.ctx, loginInput{
		ID: id, Password: pw, Username: c.p.String("username"),
		AvatarURL: c.p.String("avatar_url"), Extras: extras,
	}, c.now, s.cfg.TokenTTL)
	if err != nil {
		return nil, err
	}
	lu, err := s.loginUserJSON(c.ctx, &u)
	if err != nil {
		return nil, err
	}
	return map[string]any{"user": lu}, nil
}

// validUserID keeps user ids usable as MQTT topic levels (u/{id}/s, r/…/{id}/t).
func validUserID(id string) error {
	if len(id) > 255 || strings.TrimSpace(id) == "" || strings.ContainsAny(id, "/+#") ||
		strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return badRequest("email (the user id) must be 1-255 characters without / + # or control characters")
	}
	return nil
}

func (s *Server) loginUserJSON(ctx context.Context, u *user) (loginUserJSON, error) {
	lastComment, err := s.store.lastCommentID(ctx, u.PK)
	if err != nil {
		return loginUserJSON{}, err
	}
	lastEvent, err := s.store.lastEventID(ctx, u.PK)
	if err != nil {
		return loginUserJSON{}, err
	}
	out := loginUserJSON{
		userJSON: userJSONOf(u), Token: u.Token, RefreshToken: u.RefreshToken,
		LastCommentID: lastComment, LastCommentIDStr: idStr(lastComment), LastSyncEventID: lastEvent,
		RtKey: "devserver",
		App:   appJSON{Code: s.cfg.AppID, ID: 1, IDStr: "1", Name: s.cfg.AppID},
	}
	if u.TokenExpiresAt > 0 {
		out.TokenExpiresAt = rfc3339(u.TokenExpiresAt)
	}
	return out, nil
}
