package sdkapi

import (
	"fmt"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// blockTarget reads user_email: a known user other than the caller.
func (s *API) blockTarget(c *httpapi.Call) (store.User, error) {
	id, err := c.P.RequireString("user_email")
	if err != nil {
		return store.User{}, err
	}
	if id == c.User.ID {
		return store.User{}, apierr.BadRequest("you cannot block or unblock yourself")
	}
	u, err := s.reads.UserByID(c.Ctx, id)
	if err != nil {
		return store.User{}, fmt.Errorf("user_email: %w", err)
	}
	return u, nil
}

// handleBlockUser is POST block_user (form: user_email). The blocked user's
// comments in single rooms no longer reach the caller.
func (s *API) handleBlockUser(c *httpapi.Call) (any, error) {
	return s.setBlocked(c, true)
}

// handleUnblockUser is POST unblock_user (form: user_email). Comments sent
// while blocked stay hidden.
func (s *API) handleUnblockUser(c *httpapi.Call) (any, error) {
	return s.setBlocked(c, false)
}

func (s *API) setBlocked(c *httpapi.Call, on bool) (any, error) {
	u, err := s.blockTarget(c)
	if err != nil {
		return nil, err
	}
	if err := s.chat.SetBlocked(c.Ctx, c.User.PK, u.PK, on, c.Now); err != nil {
		return nil, err
	}
	return map[string]any{"user": wire.UserOf(&u)}, nil
}

func usersJSON(us []store.User) []wire.User {
	out := make([]wire.User, len(us))
	for i := range us {
		out[i] = wire.UserOf(&us[i])
	}
	return out
}

// handleGetBlockedUsers is GET get_blocked_users?page&limit. The list is under
// both blocked_users (read by v2) and users (read by v3).
func (s *API) handleGetBlockedUsers(c *httpapi.Call) (any, error) {
	page, limit, err := c.P.PageOf(20, 100)
	if err != nil {
		return nil, err
	}
	us, total, err := s.reads.BlockedUsers(c.Ctx, c.User.PK, (page-1)*limit, limit)
	if err != nil {
		return nil, err
	}
	list := usersJSON(us)
	return map[string]any{"blocked_users": list, "users": list, "total": total}, nil
}

// handleGetUserList is GET get_user_list?query&page&limit: users whose id or
// name contains query (every user when it is empty), by id.
func (s *API) handleGetUserList(c *httpapi.Call) (any, error) {
	page, limit, err := c.P.PageOf(20, 100)
	if err != nil {
		return nil, err
	}
	us, total, err := s.reads.ListUsers(c.Ctx, c.P.String("query"), (page-1)*limit, limit)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"meta":  map[string]int{"total_data": total, "total_page": (total + limit - 1) / limit},
		"users": usersJSON(us),
	}, nil
}

type userStatusJSON struct {
	Email     string `json:"email"`
	Status    int    `json:"status"`    // 1 online, 0 offline
	Timestamp int64  `json:"timestamp"` // epoch ms of the last presence change, 0 if never seen
}

// maxStatusUsers bounds one users/status request.
const maxStatusUsers = 500

// handleUsersStatus is POST users/status (JSON: user_ids): each known user's
// PresenceReader from the retained u/{id}/s message, "{0|1}:{epochMs}". Unknown
// user ids are left out.
func (s *API) handleUsersStatus(c *httpapi.Call) (any, error) {
	ids := c.P.Strings("user_ids")
	if len(ids) == 0 {
		return nil, apierr.BadRequest("user_ids is required")
	}
	if len(ids) > maxStatusUsers {
		return nil, apierr.BadRequest("at most %d user_ids per request, got %d", maxStatusUsers, len(ids))
	}
	out := []userStatusJSON{}
	for _, id := range ids {
		if _, err := s.reads.UserByID(c.Ctx, id); err != nil {
			continue
		}
		st := userStatusJSON{Email: id}
		st.Status, st.Timestamp = s.broker.Presence(id)
		out = append(out, st)
	}
	return map[string]any{"user_status": out}, nil
}

// handleSetDeviceToken is POST set_user_device_token (form: device_token,
// device_platform, is_development). changed is false when nothing was new.
func (s *API) handleSetDeviceToken(c *httpapi.Call) (any, error) {
	return s.deviceToken(c, true)
}

// handleRemoveDeviceToken is POST remove_user_device_token (same form).
// changed is false when the token was not registered.
func (s *API) handleRemoveDeviceToken(c *httpapi.Call) (any, error) {
	return s.deviceToken(c, false)
}

func (s *API) deviceToken(c *httpapi.Call, on bool) (any, error) {
	token, err := c.P.RequireString("device_token")
	if err != nil {
		return nil, err
	}
	isDev, err := c.P.Bool("is_development")
	if err != nil {
		return nil, err
	}
	platform := strings.ToLower(c.P.String("device_platform"))
	if platform == "" {
		platform = "rn" // the v2 client's fixed value before 2.16
	}
	changed, push, err := s.chat.SetDeviceToken(c.Ctx, c.User.PK, store.DeviceToken{Token: token, Platform: platform, IsDevelopment: isDev}, on, c.Now)
	if err != nil {
		return nil, err
	}
	return map[string]any{"changed": changed, "pn_android_configured": push.Android, "pn_ios_configured": push.IOS}, nil
}
