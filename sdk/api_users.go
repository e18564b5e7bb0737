package sdk

import (
	"context"
	"fmt"
	"strings"
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

// GetBlockedUser pages the blocked users; results.blocked_users.
func (c *Client) GetBlockedUser(ctx context.Context, page, limit int) (RawMessage, error) {
	if err := c.requireLogin("GetBlockedUser"); err != nil {
		return nil, err
	}
	if page <= 0 {
		page = 1
	}
	if limit <= 0 {
		limit = 20
	}
	res, err := c.call(ctx, "GET", "get_blocked_users", (&params{}).set("page", page).set("limit", limit), nil)
	if err != nil {
		return nil, err
	}
	return field(res, "blocked_users")
}

// GetUsers searches users; results {meta, users} (broken in v2.14+).
func (c *Client) GetUsers(ctx context.Context, query string, page, limit int) (RawMessage, error) {
	if err := c.requireLogin("GetUsers"); err != nil {
		return nil, err
	}
	if page <= 0 {
		page = 1
	}
	if limit <= 0 {
		limit = 20
	}
	return c.call(ctx, "GET", "get_user_list", (&params{}).set("query", query).set("page", page).set("limit", limit), nil)
}

// GetUserPresences returns results.user_status for the given users.
func (c *Client) GetUserPresences(ctx context.Context, userIDs []string) (RawMessage, error) {
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
	return field(res, "user_status")
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

// RegisterDeviceToken registers a push token; results as sent.
func (c *Client) RegisterDeviceToken(ctx context.Context, token string, isDevelopment bool, platform string) (RawMessage, error) {
	return c.deviceToken(ctx, "registerDeviceToken", "set_user_device_token", token, isDevelopment, platform)
}

// RemoveDeviceToken removes a push token.
func (c *Client) RemoveDeviceToken(ctx context.Context, token string, isDevelopment bool, platform string) (RawMessage, error) {
	return c.deviceToken(ctx, "removeDeviceToken", "remove_user_device_token", token, isDevelopment, platform)
}

func (c *Client) deviceToken(ctx context.Context, method, path, token string, isDev bool, platform string) (RawMessage, error) {
	if err := c.requireLogin(method); err != nil {
		return nil, err
	}
	if strings.TrimSpace(token) == "" {
		return nil, argError(method, "token", "is required")
	}
	if platform == "" {
		platform = "rn"
	}
	return c.call(ctx, "POST", path, nil, (&params{}).set("device_token", token).set("device_platform", platform).set("is_development", isDev))
}
