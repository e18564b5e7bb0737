package sdk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// params is an ordered form/query builder with the v2 array spelling k[].
type params struct{ kv [][2]string }

func (p *params) set(k string, v any) *params {
	switch x := v.(type) {
	case nil:
		return p
	case string:
		p.kv = append(p.kv, [2]string{k, x})
	case int64:
		p.kv = append(p.kv, [2]string{k, strconv.FormatInt(x, 10)})
	case int:
		p.kv = append(p.kv, [2]string{k, strconv.Itoa(x)})
	case bool:
		p.kv = append(p.kv, [2]string{k, strconv.FormatBool(x)})
	case []string:
		for _, s := range x {
			p.kv = append(p.kv, [2]string{k + "[]", s})
		}
	default:
		p.kv = append(p.kv, [2]string{k, fmt.Sprint(x)})
	}
	return p
}

func (p *params) encode() string {
	var sb strings.Builder
	for i, kv := range p.kv {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(url.QueryEscape(kv[0]))
		sb.WriteByte('=')
		sb.WriteString(url.QueryEscape(kv[1]))
	}
	return sb.String()
}

type envelope struct {
	Status  int        `json:"status"`
	Results RawMessage `json:"results"`
	Error   *struct {
		Message string `json:"message"`
	} `json:"error"`
	Message string `json:"message"`
}

const tokenExpiredMessage = "unauthorized. token is expired"

// call performs one REST call under the in-flight bound and decodes the
// envelope. body is a *params (form) or any JSON value; nil for none.
// It returns results (the whole body when the envelope has none).
//
// A token rotation can catch a request twice: sent with the old token it
// gets 401, and the new token may have expired by the time of the retry
// (403). Each answer is handled in turn, at most twice in all, never a loop.
func (c *Client) call(ctx context.Context, method, path string, query *params, body any) (RawMessage, error) {
	for retries := 0; ; retries++ {
		used := c.token()
		res, err := c.callOnce(ctx, method, path, query, body)
		if err == nil || retries == 2 {
			return res, err
		}
		switch {
		case errors.Is(err, ErrTokenExpired) && c.canRefresh():
			if rerr := c.refreshTokenFrom(ctx, used); rerr != nil {
				return res, err
			}
		case StatusOf(err) == 401 && used != "":
			// A refresh rotated the token while this request was in flight:
			// wait for it to finish, then retry with the new token.
			c.refreshMu.Lock()
			c.refreshMu.Unlock() // only waits for an in-flight refresh
			if t := c.token(); t == "" || t == used {
				return res, err
			}
		default:
			return res, err
		}
	}
}

func (c *Client) token() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.user == nil {
		return ""
	}
	return c.user.Token
}

func (c *Client) callOnce(ctx context.Context, method, path string, query *params, body any) (RawMessage, error) {
	u := c.cfg.BaseURL + "/api/v2/sdk/" + path
	if query != nil && len(query.kv) > 0 {
		u += "?" + query.encode()
	}
	h := c.headers()
	var b []byte
	switch x := body.(type) {
	case nil:
	case *params:
		b = []byte(x.encode())
		h["Content-Type"] = "application/x-www-form-urlencoded"
	default:
		var err error
		if b, err = jsonx.Marshal(x); err != nil {
			return nil, fmt.Errorf("qiscus: %s: encode body: %w", path, err)
		}
		h["Content-Type"] = "application/json"
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	resp, err := c.cfg.HTTP.Do(ctx, &Request{Method: method, URL: u, Header: h, Body: b})
	<-c.sem
	if c.debugOn() {
		st := 0
		if resp != nil {
			st = resp.Status
		}
		c.cfg.Logger.Debug("rest", "method", method, "path", path, "status", st, "err", err)
	}
	if err != nil {
		return nil, fmt.Errorf("qiscus: %s: %w", path, err)
	}
	var env envelope
	decErr := jsonx.Unmarshal(resp.Body, &env)
	if resp.Status < 200 || resp.Status > 299 || (decErr == nil && env.Status != 0 && env.Status != 200) {
		msg := ""
		if decErr == nil {
			if env.Error != nil {
				msg = env.Error.Message
			} else {
				msg = env.Message
			}
		}
		if msg == "" {
			msg = strings.TrimSpace(string(resp.Body))
			if len(msg) > 200 {
				msg = msg[:200]
			}
		}
		st := resp.Status
		if st >= 200 && st < 300 {
			st = env.Status
		}
		ae := &APIError{Status: st, Message: msg, Path: path}
		if st == 403 && strings.EqualFold(strings.TrimSpace(msg), tokenExpiredMessage) {
			return nil, fmt.Errorf("%w: %w", ErrTokenExpired, ae)
		}
		return nil, ae
	}
	if decErr != nil {
		return nil, fmt.Errorf("qiscus: %s: decode response: %w", path, decErr)
	}
	if len(env.Results) == 0 {
		return RawMessage(resp.Body), nil
	}
	return env.Results, nil
}

func (c *Client) headers() map[string]string {
	h := map[string]string{
		"QISCUS-SDK-APP-ID":   c.cfg.AppID,
		"QISCUS-SDK-VERSION":  c.cfg.Version,
		"QISCUS-SDK-PLATFORM": "javascript",
	}
	c.mu.Lock()
	if c.user != nil {
		h["QISCUS-SDK-USER-ID"] = c.user.Email
		h["QISCUS-SDK-TOKEN"] = c.user.Token
	}
	keys := make([]string, 0, len(c.customHeaders))
	for k := range c.customHeaders {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		h[k] = c.customHeaders[k]
	}
	c.mu.Unlock()
	return h
}

// canRefresh and refreshToken are the 403 "token expired" path: one
// refresh, one retry, never a loop.
func (c *Client) canRefresh() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user != nil && c.user.RefreshToken != ""
}

func (c *Client) refreshToken(ctx context.Context) error { return c.refreshTokenFrom(ctx, "") }

// refreshTokenFrom refreshes once at a time. With stale set, it does
// nothing if the token is no longer stale: another refresh got there
// first, and a second one would spend the already-rotated refresh token.
func (c *Client) refreshTokenFrom(ctx context.Context, stale string) error {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	if stale != "" && c.token() != stale {
		return nil
	}
	c.mu.Lock()
	if c.user == nil {
		c.mu.Unlock()
		return ErrNotLoggedIn
	}
	p := (&params{}).set("user_id", c.user.Email).set("refresh_token", c.user.RefreshToken)
	c.mu.Unlock()
	res, err := c.callOnce(ctx, "POST", "refresh_user_token", nil, p)
	if err != nil {
		return err
	}
	var r struct {
		Token          string `json:"token"`
		RefreshToken   string `json:"refresh_token"`
		TokenExpiresAt string `json:"token_expires_at"`
	}
	if err := jsonx.Unmarshal(res, &r); err != nil || r.Token == "" {
		return fmt.Errorf("qiscus: refresh_user_token: bad response")
	}
	c.mu.Lock()
	old := c.user.Token
	c.user.Token, c.user.RefreshToken, c.user.TokenExpiresAt = r.Token, r.RefreshToken, r.TokenExpiresAt
	var u map[string]any
	if jsonx.Unmarshal(c.user.Raw, &u) != nil || u == nil {
		u = map[string]any{}
	}
	u["token"], u["refresh_token"], u["token_expires_at"] = r.Token, r.RefreshToken, r.TokenExpiresAt
	raw, _ := jsonx.Marshal(u)
	c.user.Raw = raw
	c.mu.Unlock()
	c.emitMirror("_state", map[string]any{"userData": RawMessage(raw), "refresh_token": r.RefreshToken})
	if c.rt != nil {
		c.rt.retoken(old, r.Token)
	}
	c.emit(TokenRefreshed{Token: r.Token, RefreshToken: r.RefreshToken, ExpiresAt: r.TokenExpiresAt, OldToken: old})
	return nil
}
