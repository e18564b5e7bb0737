package serverapi

import (
	"context"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// handleRESTLoginOrRegister is POST login_or_register (email, password?,
// username?, avatar_url?, device_token?, device_platform?, extras?). A new user
// without a password gets a random one; an existing user is updated only when a
// password is given, and that password becomes theirs.
func (s *API) handleRESTLoginOrRegister(c *httpapi.Call) (any, error) {
	id, err := c.P.RequireString("email")
	if err != nil {
		return nil, err
	}
	if err := wire.ValidUserID(id); err != nil {
		return nil, err
	}
	in := store.UserInput{
		LoginInput: store.LoginInput{ID: id, Password: c.P.String("password"), Profile: store.Profile{
			Username: strings.TrimSpace(c.P.String("username")), AvatarURL: strings.TrimSpace(c.P.String("avatar_url")),
		}},
		DeviceToken: strings.TrimSpace(c.P.String("device_token")), DevicePlatform: c.P.String("device_platform"),
	}
	if len(in.Username) > 255 {
		return nil, apierr.BadRequest("username is too long (max 255 characters)")
	}
	if in.AvatarURL != "" {
		if err := httpapi.CheckURL("avatar_url", in.AvatarURL); err != nil {
			return nil, err
		}
	}
	switch {
	case in.DevicePlatform != "" && in.DevicePlatform != "ios" && in.DevicePlatform != "android":
		return nil, apierr.BadRequest(`device_platform must be "ios" or "android", got %q`, in.DevicePlatform)
	case in.DeviceToken != "" && in.DevicePlatform == "":
		return nil, apierr.BadRequest(`device_platform ("ios" or "android") is required with device_token`)
	}
	if in.Extras, err = c.P.JSONObject("extras"); err != nil {
		return nil, err
	}
	u, _, err := s.chat.UpsertUser(c.Ctx, in, c.Now)
	if err != nil {
		return nil, err
	}
	return s.restUserResult(c.Ctx, &u)
}

// handleRESTUserProfile is GET user_profile?user_email=.
func (s *API) handleRESTUserProfile(c *httpapi.Call) (any, error) {
	u, err := s.restUser(c.Ctx, c.P, "user_email")
	if err != nil {
		return nil, err
	}
	return s.restUserResult(c.Ctx, &u)
}

// handleRESTResetUserToken is POST reset_user_token (user_email). The old token
// stops working at once: on the REST API, for new MQTT subscriptions, and for
// the user's current MQTT connections, which are disconnected.
func (s *API) handleRESTResetUserToken(c *httpapi.Call) (any, error) {
	id, err := c.P.RequireString("user_email")
	if err != nil {
		return nil, err
	}
	u, err := s.chat.ResetToken(c.Ctx, id, c.Now)
	if err != nil {
		return nil, err
	}
	n := s.broker.DisconnectUser(u.PK)
	s.log.Info("user token reset", "user", u.ID, "mqtt_sessions_closed", n)
	return s.restUserResult(c.Ctx, &u)
}

func (s *API) restUserResult(ctx context.Context, u *store.User) (any, error) {
	last, err := s.reads.LastCommentID(ctx, u.PK)
	if err != nil {
		return nil, err
	}
	android, ios, err := s.reads.PushConfigured(ctx, u.PK)
	if err != nil {
		return nil, err
	}
	return map[string]any{"user": restUserJSON{
		ID: u.PK, Email: u.ID, Username: u.Username, AvatarURL: u.AvatarURL,
		Avatar: restAvatarJSON{URL: u.AvatarURL}, Token: u.Token, Extras: wire.Object(u.Extras),
		LastCommentID: last, PnAndroidConfigured: android, PnIOSConfigured: ios, RtKey: "devserver",
	}}, nil
}
