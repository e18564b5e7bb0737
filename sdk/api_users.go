package sdk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// BlockUser blocks a user and returns them (User.Raw is the server's
// object). A UserBlocked event follows.
func (c *Client) BlockUser(ctx context.Context, userID string) (*User, error) {
	return c.blockCall(ctx, "BlockUser", "block_user", userID)
}

// UnblockUser unblocks a user and returns them. A UserUnblocked event
// follows.
func (c *Client) UnblockUser(ctx context.Context, userID string) (*User, error) {
	return c.blockCall(ctx, "UnblockUser", "unblock_user", userID)
}

func (c *Client) blockCall(ctx context.Context, method, path, userID string) (*User, error) {
	if err := c.requireLogin(method); err != nil {
		return nil, err
	}
	if strings.TrimSpace(userID) == "" {
		return nil, argError(method, "userId", "is required")
	}
	res, err := c.call(ctx, "POST", path, nil, (&params{}).set("user_email", userID))
	if err != nil {
		return nil, err
	}
	u, err := userField(res)
	if err != nil {
		return nil, err
	}
	if method == "BlockUser" {
		c.emit(UserBlocked{User: *u})
	} else {
		c.emit(UserUnblocked{User: *u})
	}
	return u.clone(), nil
}

// PageOptions page a list; zero values mean page 1 of 20.
type PageOptions struct {
	Page  int
	Limit int
}

func (o PageOptions) params() *params {
	if o.Page <= 0 {
		o.Page = 1
	}
	if o.Limit <= 0 {
		o.Limit = 20
	}
	return (&params{}).set("page", o.Page).set("limit", o.Limit)
}

// GetBlockedUser pages the users this user blocked (each User.Raw is the
// server's object).
func (c *Client) GetBlockedUser(ctx context.Context, o PageOptions) ([]*User, error) {
	if err := c.requireLogin("GetBlockedUser"); err != nil {
		return nil, err
	}
	res, err := c.call(ctx, "GET", "get_blocked_users", o.params(), nil)
	if err != nil {
		return nil, err
	}
	raw, err := field(res, "blocked_users")
	if err != nil {
		return nil, err
	}
	return parseUsers(raw)
}

// UserSearchOptions are GetUsers' parameters.
type UserSearchOptions struct {
	Query string // part of a user id or name; empty lists everyone
	PageOptions
}

// UserList is a page of users.
type UserList struct {
	Users []*User
	Raw   RawMessage // the server's results object ({meta, users})
}

// GetUsers searches users (broken in v2.14+).
func (c *Client) GetUsers(ctx context.Context, o UserSearchOptions) (*UserList, error) {
	if err := c.requireLogin("GetUsers"); err != nil {
		return nil, err
	}
	res, err := c.call(ctx, "GET", "get_user_list", o.params().set("query", o.Query), nil)
	if err != nil {
		return nil, err
	}
	var r struct {
		Users RawMessage `json:"users"`
	}
	if err := jsonx.Unmarshal(res, &r); err != nil {
		return nil, fmt.Errorf("qiscus: get_user_list: decode: %w", err)
	}
	l := &UserList{Raw: res}
	if len(r.Users) > 0 && string(r.Users) != "null" {
		if l.Users, err = parseUsers(r.Users); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// parseUsers decodes a JSON array of users, keeping each one's bytes.
func parseUsers(arr RawMessage) ([]*User, error) {
	var raws []RawMessage
	if err := jsonx.Unmarshal(arr, &raws); err != nil {
		return nil, fmt.Errorf("qiscus: decode users: %w", err)
	}
	out := make([]*User, 0, len(raws))
	for _, raw := range raws {
		var u User
		if err := jsonx.Unmarshal(raw, &u); err != nil {
			return nil, fmt.Errorf("qiscus: decode user: %w", err)
		}
		u.Raw = raw
		out = append(out, &u)
	}
	return out, nil
}

// Presence is one user's online status.
type Presence struct {
	UserID   string
	Online   bool
	LastSeen time.Time  // zero when the server sent no timestamp
	Raw      RawMessage // the server's object
}

// GetUserPresences returns the given users' online status.
func (c *Client) GetUserPresences(ctx context.Context, userIDs []string) ([]Presence, error) {
	if err := c.requireLogin("GetUserPresences"); err != nil {
		return nil, err
	}
	if err := validIDs("GetUserPresences", "userIds", userIDs); err != nil {
		return nil, err
	}
	res, err := c.call(ctx, "POST", "users/status", nil, map[string]any{"user_ids": userIDs})
	if err != nil {
		return nil, err
	}
	arr, err := field(res, "user_status")
	if err != nil {
		return nil, err
	}
	var raws []RawMessage
	if err := jsonx.Unmarshal(arr, &raws); err != nil {
		return nil, fmt.Errorf("qiscus: decode user_status: %w", err)
	}
	out := make([]Presence, 0, len(raws))
	for _, raw := range raws {
		var p struct {
			Email     string `json:"email"`
			Status    int    `json:"status"`
			Timestamp int64  `json:"timestamp"` // milliseconds
		}
		if err := jsonx.Unmarshal(raw, &p); err != nil {
			return nil, fmt.Errorf("qiscus: decode user_status: %w", err)
		}
		pr := Presence{UserID: p.Email, Online: p.Status == 1, Raw: raw}
		if p.Timestamp > 0 {
			pr.LastSeen = time.UnixMilli(p.Timestamp)
		}
		out = append(out, pr)
	}
	return out, nil
}

// PublishOnlinePresence turns the presence heartbeat on or off. Calling
// it twice with true does not stack heartbeats (v2 did, G.1 #15).
func (c *Client) PublishOnlinePresence(ctx context.Context, online bool) error {
	rt, err := c.currentRealtime("publishOnlinePresence")
	if err != nil {
		return err
	}
	rt.mu.Lock()
	rt.presenceOff = !online
	rt.mu.Unlock()
	u := c.User()
	if err := rt.publish(ctx, "u/"+u.Email+"/s", presencePayload(online), true); err != nil {
		return fmt.Errorf("publishOnlinePresence: %w", err)
	}
	return nil
}

// DeviceTokenOptions are the push token calls' options; the zero value
// is a production token of platform "rn" (v2's defaults).
type DeviceTokenOptions struct {
	Development bool
	Platform    string
}

// DeviceTokenResult is the server's answer to a push token call.
type DeviceTokenResult struct {
	Changed bool       // v3 servers report whether the token was new
	Raw     RawMessage // the server's results object
}

// RegisterDeviceToken registers a push token.
func (c *Client) RegisterDeviceToken(ctx context.Context, token string, o DeviceTokenOptions) (*DeviceTokenResult, error) {
	return c.deviceToken(ctx, "registerDeviceToken", "set_user_device_token", token, o)
}

// RemoveDeviceToken removes a push token.
func (c *Client) RemoveDeviceToken(ctx context.Context, token string, o DeviceTokenOptions) (*DeviceTokenResult, error) {
	return c.deviceToken(ctx, "removeDeviceToken", "remove_user_device_token", token, o)
}

func (c *Client) deviceToken(ctx context.Context, method, path, token string, o DeviceTokenOptions) (*DeviceTokenResult, error) {
	if err := c.requireLogin(method); err != nil {
		return nil, err
	}
	if strings.TrimSpace(token) == "" {
		return nil, argError(method, "token", "is required")
	}
	if o.Platform == "" {
		o.Platform = "rn"
	}
	res, err := c.call(ctx, "POST", path, nil, (&params{}).set("device_token", token).set("device_platform", o.Platform).set("is_development", o.Development))
	if err != nil {
		return nil, err
	}
	var r struct {
		Changed bool `json:"changed"`
	}
	_ = jsonx.Unmarshal(res, &r) // v2 servers may send no object at all
	return &DeviceTokenResult{Changed: r.Changed, Raw: res}, nil
}
