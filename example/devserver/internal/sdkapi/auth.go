package sdkapi

import (
	"context"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/idtoken"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
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
func (s *API) handleConfig(*httpapi.Call) (any, error) {
	return configJSON{
		EnableRealtime: true, EnableRealtimeCheck: true,
		SyncInterval: 5000, SyncOnConnect: 10000, EnableSync: true,
	}, nil
}

// handleLoginOrRegister is POST login_or_register (form: email, password,
// username, avatar_url, extras as a JSON string).
func (s *API) handleLoginOrRegister(c *httpapi.Call) (any, error) {
	rd := c.P.Read()
	id, pw, extras := rd.Require("email"), rd.Require("password"), rd.JSONObject("extras")
	if err := rd.Err(); err != nil {
		return nil, err
	}
	if err := wire.ValidUserID(id); err != nil {
		return nil, err
	}
	u, err := s.chat.Login(c.Ctx, store.LoginInput{
		ID: id, Password: pw,
		Profile: store.Profile{Username: c.P.String("username"), AvatarURL: c.P.String("avatar_url"), Extras: extras},
	}, c.Now)
	if err != nil {
		return nil, err
	}
	lu, err := s.loginUserJSON(c.Ctx, &u)
	if err != nil {
		return nil, err
	}
	return map[string]any{"user": lu}, nil
}

func (s *API) loginUserJSON(ctx context.Context, u *store.User) (wire.LoginUser, error) {
	lastComment, err := s.reads.LastCommentID(ctx, u.PK)
	if err != nil {
		return wire.LoginUser{}, err
	}
	lastEvent, err := s.reads.LastEventID(ctx, u.PK)
	if err != nil {
		return wire.LoginUser{}, err
	}
	android, ios, err := s.reads.PushConfigured(ctx, u.PK)
	if err != nil {
		return wire.LoginUser{}, err
	}
	out := wire.LoginUser{
		User: wire.UserOf(u), Token: u.Token, RefreshToken: u.RefreshToken,
		PnAndroidConfigured: android, PnIOSConfigured: ios,
		LastCommentID: lastComment, LastCommentIDStr: wire.IDStr(lastComment), LastSyncEventID: lastEvent,
		RtKey: "devserver",
		App:   wire.App{Code: s.cfg.AppID, ID: 1, IDStr: "1", Name: s.cfg.AppID},
	}
	if u.TokenExpiresAt > 0 {
		out.TokenExpiresAt = wire.RFC3339(u.TokenExpiresAt)
	}
	return out, nil
}

// handleNonce is POST auth/nonce: a single-use nonce for an identity token,
// valid for 10 minutes. expired_at is in unix seconds, like the JWT claims.
func (s *API) handleNonce(c *httpapi.Call) (any, error) {
	nonce, exp, err := s.store.CreateNonce(c.Ctx, c.Now, idtoken.NonceTTL)
	if err != nil {
		return nil, err
	}
	return map[string]any{"nonce": nonce, "expired_at": exp.Unix()}, nil
}

// handleVerifyIdentityToken is POST auth/verify_identity_token (JSON:
// identity_token). A valid token (HS256 with the app secret, iss = app id,
// unexpired, with an unused nonce, which it consumes) logs its prn user in,
// creating or updating them from name, avatar_url and extras.
func (s *API) handleVerifyIdentityToken(c *httpapi.Call) (any, error) {
	token, err := c.P.RequireString("identity_token")
	if err != nil {
		return nil, err
	}
	cl, err := idtoken.Parse(s.cfg.Secret, s.cfg.AppID, token, c.Now)
	if err != nil {
		return nil, err
	}
	u, err := s.chat.IdentityLogin(c.Ctx, cl.Nce, cl.Prn,
		store.Profile{Username: cl.Name, AvatarURL: cl.AvatarURL, Extras: cl.Extras}, c.Now)
	if err != nil {
		return nil, err
	}
	lu, err := s.loginUserJSON(c.Ctx, &u)
	if err != nil {
		return nil, err
	}
	return map[string]any{"user": lu, "identity_token": token}, nil
}

type tokenPairJSON struct {
	Token          string `json:"token"`
	RefreshToken   string `json:"refresh_token"`
	TokenExpiresAt string `json:"token_expires_at"` // RFC 3339, "" when tokens never expire
}

// handleRefreshUserToken is POST refresh_user_token (form: user_id,
// refresh_token). It needs no valid token (it is how an expired one is
// replaced) and rotates both: the old token and refresh token stop working.
func (s *API) handleRefreshUserToken(c *httpapi.Call) (any, error) {
	rd := c.P.Read()
	id, refresh := rd.Require("user_id"), rd.Require("refresh_token")
	if err := rd.Err(); err != nil {
		return nil, err
	}
	u, err := s.chat.RefreshToken(c.Ctx, id, refresh, c.Now)
	if err != nil {
		return nil, err
	}
	out := tokenPairJSON{Token: u.Token, RefreshToken: u.RefreshToken}
	if u.TokenExpiresAt > 0 {
		out.TokenExpiresAt = wire.RFC3339(u.TokenExpiresAt)
	}
	return out, nil
}

// handleExpireUserToken is POST expire_user_token (form: user_id): the
// caller's token expires now, so the next request gets 403 and the client
// refreshes.
func (s *API) handleExpireUserToken(c *httpapi.Call) (any, error) {
	if id := c.P.String("user_id"); id != "" && id != c.User.ID {
		return nil, apierr.New(apierr.ErrForbidden, "user_id %q is not the caller (%q)", id, c.User.ID)
	}
	if err := s.chat.ExpireToken(c.Ctx, &c.User, c.Now); err != nil {
		return nil, err
	}
	return map[string]any{"changed": true, "token_expires_at": wire.RFC3339(c.User.TokenExpiresAt)}, nil
}

// handleLogout is POST logout (form: user_id, token). It invalidates nothing
// (the token stays valid for the user's other devices) and never fails for a
// known app, so the v2 client always gets to clean up (reference G.1 #14).
func (s *API) handleLogout(*httpapi.Call) (any, error) {
	return map[string]any{}, nil
}

// handleMyProfile is GET my_profile: the full login user, token included.
func (s *API) handleMyProfile(c *httpapi.Call) (any, error) {
	lu, err := s.loginUserJSON(c.Ctx, &c.User)
	if err != nil {
		return nil, err
	}
	return map[string]any{"user": lu}, nil
}

// handleUpdateProfile is PATCH my_profile (form: name, avatar_url, extras as a
// JSON string; each optional, null or "" leaves it alone). The v2 client
// replaces userData with the result, so it is the full user with the token.
func (s *API) handleUpdateProfile(c *httpapi.Call) (any, error) {
	var up store.ProfileUpdate
	if v := c.P.String("name"); v != "" {
		if len(v) > 255 {
			return nil, apierr.BadRequest("name is too long (max 255 bytes)")
		}
		up.Name = &v
	}
	if v := c.P.String("avatar_url"); v != "" {
		up.AvatarURL = &v
	}
	extras, err := c.P.JSONObject("extras")
	if err != nil {
		return nil, err
	}
	up.Extras = extras
	if err := s.chat.UpdateProfile(c.Ctx, &c.User, up); err != nil {
		return nil, err
	}
	return s.handleMyProfile(c)
}
