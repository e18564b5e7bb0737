package sdk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// Nonce starts an identity-token login: the app's backend signs it into
// a JWT for VerifyIdentityToken.
type Nonce struct {
	Nonce     string
	ExpiresAt time.Time  // zero if the server sent no expired_at
	Raw       RawMessage // the server's results object
}

// GetNonce starts an identity-token login.
func (c *Client) GetNonce(ctx context.Context) (*Nonce, error) {
	if err := c.requireInit("GetNonce"); err != nil {
		return nil, err
	}
	res, err := c.call(ctx, "POST", "auth/nonce", nil, nil)
	if err != nil {
		return nil, err
	}
	var r struct {
		Nonce     string `json:"nonce"`
		ExpiredAt int64  `json:"expired_at"` // unix seconds
	}
	if err := jsonx.Unmarshal(res, &r); err != nil {
		return nil, fmt.Errorf("qiscus: auth/nonce: decode: %w", err)
	}
	n := &Nonce{Nonce: r.Nonce, Raw: res}
	if r.ExpiredAt > 0 {
		n.ExpiresAt = time.Unix(r.ExpiredAt, 0)
	}
	return n, nil
}

// IdentityLogin is VerifyIdentityToken's answer.
type IdentityLogin struct {
	User *User // nil if the server sent none
	// Raw is the server's results object: pass it to
	// SetUserWithIdentityToken.
	Raw RawMessage
}

// VerifyIdentityToken exchanges a JWT signed by the app's backend for the
// login results ({user, …}); pass them to SetUserWithIdentityToken.
func (c *Client) VerifyIdentityToken(ctx context.Context, identityToken string) (*IdentityLogin, error) {
	if err := c.requireInit("VerifyIdentityToken"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(identityToken) == "" {
		return nil, argError("VerifyIdentityToken", "identityToken", "is required")
	}
	res, err := c.call(ctx, "POST", "auth/verify_identity_token", nil, map[string]string{"identity_token": identityToken})
	if err != nil {
		return nil, err
	}
	il := &IdentityLogin{Raw: res}
	if u, err := userField(res); err == nil {
		il.User = u
	}
	return il, nil
}

// SetUserWithIdentityToken logs in with verifyIdentityToken's results.
// Unlike v2 it returns a result, and it starts realtime for that user (v2
// kept the anonymous connection, docs/PROTOCOL.md#differences).
func (c *Client) SetUserWithIdentityToken(ctx context.Context, data RawMessage) (*User, error) {
	if err := c.requireInit("SetUserWithIdentityToken"); err != nil {
		return nil, err
	}
	var r struct {
		User RawMessage `json:"user"`
	}
	var u User
	if err := jsonx.Unmarshal(data, &r); err == nil && len(r.User) > 0 && string(r.User) != "null" {
		_ = jsonx.Unmarshal(r.User, &u)
	}
	if u.Email == "" || u.Token == "" {
		err := argError("SetUserWithIdentityToken", "data", "must be verifyIdentityToken's result, with user.email and user.token")
		c.emit(LoginFailed{Err: err, Data: data})
		return nil, err
	}
	u.Raw = r.User
	out := u.clone() // before login shares u with the session
	c.login(ctx, &u, "", data)
	return out, nil
}

// login installs u as the session user and starts realtime.
func (c *Client) login(ctx context.Context, u *User, key string, results RawMessage) {
	c.stopSession()
	cursor := c.resetGate(u.LastCommentID)
	me := *u // read below without the lock, once other calls may edit u
	c.mu.Lock()
	c.user = u
	if u.LastSyncEventID > c.lastEventID {
		c.lastEventID = u.LastSyncEventID
	}
	c.mu.Unlock()
	st := map[string]any{
		"isLogin": true, "isInit": true, "userData": me.Raw, "user_id": me.Email,
		"username": me.Username, "avatar_url": me.AvatarURL, "email": me.Email,
		"last_received_comment_id": cursor, "refresh_token": me.RefreshToken,
	}
	if key != "" {
		st["key"] = key
	}
	c.emitMirror("_state", st)
	c.emit(LoginSucceeded{User: me, Results: results})
	c.startSession(ctx)
}

// AuthToken is the user's token pair after a refresh.
type AuthToken struct {
	Token        string
	RefreshToken string
	ExpiresAt    string // RFC 3339, as the server sent it
}

// RefreshAuthToken trades the refresh token for a new token now.
func (c *Client) RefreshAuthToken(ctx context.Context) (*AuthToken, error) {
	if err := c.requireLogin("RefreshAuthToken"); err != nil {
		return nil, err
	}
	if !c.canRefresh() {
		return nil, fmt.Errorf("refreshAuthToken: %w: the login returned no refresh_token", ErrInvalidArgument)
	}
	if err := c.refreshToken(ctx); err != nil {
		return nil, err
	}
	u := c.User()
	return &AuthToken{Token: u.Token, RefreshToken: u.RefreshToken, ExpiresAt: u.TokenExpiresAt}, nil
}

// refreshLoop refreshes the token shortly before it expires (v2 waited
// until the exact expiry, so requests raced a 403).
func (c *Client) refreshLoop(ctx context.Context) {
	for {
		u := c.User()
		if u == nil || u.RefreshToken == "" || u.TokenExpiresAt == "" {
			return
		}
		exp, err := time.Parse(time.RFC3339, u.TokenExpiresAt)
		if err != nil {
			return
		}
		wait := time.Until(exp)
		wait -= min(wait/10, 30*time.Second) // early, by 10 % of the lifetime, at most 30 s
		if wait < time.Second {
			wait = time.Second
		}
		if !sleepCtx(ctx, wait) {
			return
		}
		if err := c.refreshTokenFrom(ctx, u.Token); err != nil && ctx.Err() == nil {
			c.cfg.Logger.Warn("token refresh failed", "err", err)
			if !sleepCtx(ctx, 5*time.Second) {
				return
			}
		}
	}
}

// ProfileUpdate is what UpdateProfile changes; empty fields stay as they are.
type ProfileUpdate struct {
	Name      string
	AvatarURL string
	Extras    RawMessage // a JSON object, or nil
}

// UpdateProfile changes the user's name, avatar or extras and returns a
// copy of the session user. Unlike v2 it reports errors, and it keeps the
// session token if the server's user object has none.
func (c *Client) UpdateProfile(ctx context.Context, up ProfileUpdate) (*User, error) {
	name, avatarURL, extras := up.Name, up.AvatarURL, up.Extras
	if err := c.requireLogin("UpdateProfile"); err != nil {
		return nil, err
	}
	p := &params{}
	if name != "" {
		p.set("name", name)
	}
	if avatarURL != "" {
		p.set("avatar_url", avatarURL)
	}
	if len(extras) > 0 && string(extras) != "null" {
		p.set("extras", string(extras))
	}
	res, err := c.call(ctx, "PATCH", "my_profile", nil, p)
	if err != nil {
		return nil, err
	}
	if err := c.mergeUser(res); err != nil {
		return nil, err
	}
	if u := c.User(); u != nil {
		return u, nil
	}
	return nil, fmt.Errorf("UpdateProfile: %w", ErrNotLoggedIn) // logged out meanwhile
}

// mergeUser applies a {user} result to the session user.
func (c *Client) mergeUser(res RawMessage) error {
	var r struct {
		User map[string]any `json:"user"`
	}
	if err := jsonx.Unmarshal(res, &r); err != nil || r.User == nil {
		return fmt.Errorf("qiscus: my_profile: response has no user")
	}
	c.mu.Lock()
	if c.user == nil {
		c.mu.Unlock()
		return ErrNotLoggedIn
	}
	if _, ok := r.User["token"]; !ok || r.User["token"] == "" {
		r.User["token"] = c.user.Token
	}
	if v, ok := r.User["username"].(string); ok {
		c.user.Username = v
	}
	if v, ok := r.User["avatar_url"].(string); ok {
		c.user.AvatarURL = v
	}
	raw, _ := jsonx.Marshal(r.User)
	c.user.Raw = raw
	c.mu.Unlock()
	c.emitMirror("_state", map[string]any{"userData": RawMessage(raw)})
	return nil
}

// GetUserProfile fetches the user's profile (User.Raw is the server's
// object; it has no token).
func (c *Client) GetUserProfile(ctx context.Context) (*User, error) {
	if err := c.requireLogin("GetUserProfile"); err != nil {
		return nil, err
	}
	res, err := c.call(ctx, "GET", "my_profile", nil, nil)
	if err != nil {
		return nil, err
	}
	return userField(res)
}

// userField decodes results.user, keeping its bytes in Raw.
func userField(res RawMessage) (*User, error) {
	raw, err := field(res, "user")
	if err != nil {
		return nil, err
	}
	var u User
	if err := jsonx.Unmarshal(raw, &u); err != nil {
		return nil, fmt.Errorf("qiscus: decode user: %w", err)
	}
	u.Raw = raw
	return &u, nil
}

// field extracts one key of a results object.
func field(res RawMessage, key string) (RawMessage, error) {
	var m map[string]RawMessage
	if err := jsonx.Unmarshal(res, &m); err != nil {
		return nil, fmt.Errorf("qiscus: decode results: %w", err)
	}
	v, ok := m[key]
	if !ok {
		return nil, fmt.Errorf("qiscus: results have no %q", key)
	}
	return v, nil
}
