package v2compat

import (
	"context"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// initConfig is the part of v2's init({…}) the client uses.
type initConfig struct {
	AppID         string            `json:"AppId"`
	BaseURL       string            `json:"baseURL"`
	MQTTURL       string            `json:"mqttURL"`
	BrokerURL     string            `json:"brokerUrl"`
	WithConfig    *bool             `json:"withConfig"`
	SyncInterval  int64             `json:"syncInterval"`
	SyncOnConnect int64             `json:"syncOnConnect"`
	DebugMode     bool              `json:"debugMode"`
	CustomHeaders map[string]string `json:"customHeaders"`
	// issue 11: the v2 options that were ignored
	UploadURL                string `json:"uploadURL"`
	BrokerLBURL              string `json:"brokerLbURL"`
	EnableRealtimeLB         *bool  `json:"enableRealtimeLB"`
	EnableRealtime           *bool  `json:"enableRealtime"`
	SyncOnlyWhenDisconnected bool   `json:"syncOnlyWhenDisconnected"`
	UpdateCommentStatusMode  string `json:"updateCommentStatusMode"`
	UpdateStatusThrottle     int64  `json:"updateCommentStatusThrottleDelay"`
}

// Init is init(config): every callback and mirror update of the client
// goes to s.Push from now on.
func Init(ctx context.Context, s *Session, a Args) ([]byte, error) {
	var ic initConfig
	if !a.present(0) || a.Raw[0][0] != '{' {
		return nil, a.bad("config", "must be an object with AppId")
	}
	if err := jsonx.Unmarshal(a.Raw[0], &ic); err != nil {
		return nil, a.bad("config", "is malformed: "+err.Error())
	}
	cfg := sdk.Config{AppID: ic.AppID, BaseURL: ic.BaseURL, MQTTURL: ic.MQTTURL, WithConfig: true,
		CustomHeaders: ic.CustomHeaders, OnEvent: Bind(s.Client, s.Push)}
	if ic.MQTTURL != "" && ic.BrokerURL != "" {
		cfg.MQTTURL = ic.BrokerURL
	}
	if ic.WithConfig != nil {
		cfg.WithConfig = *ic.WithConfig
	}
	cfg.SyncInterval = time.Duration(ic.SyncInterval) * time.Millisecond
	cfg.SyncOnConnect = time.Duration(ic.SyncOnConnect) * time.Millisecond
	if ic.DebugMode {
		cfg.Logger = s.Logger
	}
	cfg.UploadURL, cfg.BrokerLBURL, cfg.RealtimeLB = ic.UploadURL, ic.BrokerLBURL, ic.EnableRealtimeLB
	cfg.DisableRealtime = ic.EnableRealtime != nil && !*ic.EnableRealtime
	cfg.SyncOnlyWhenDisconnected = ic.SyncOnlyWhenDisconnected
	cfg.UpdateCommentStatusMode = ic.UpdateCommentStatusMode
	cfg.UpdateStatusThrottle = time.Duration(ic.UpdateStatusThrottle) * time.Millisecond
	return none(s.Client.Init(ctx, cfg))
}

// SetUser is setUser(userId, userKey, username?, avatarURL?, extras?).
func SetUser(ctx context.Context, s *Session, a Args) ([]byte, error) {
	r := a.read()
	id := r.str(0, "userId", true)
	key := r.str(1, "userKey", true)
	name := r.str(2, "username", false)
	avatar := r.str(3, "avatarURL", false)
	extras := r.object(4, "extras")
	if r.err != nil {
		return nil, r.err
	}
	s.Push("startInit", nil) // v2's start-init, before the login request
	u, err := s.Client.SetUser(ctx, id, key, sdk.LoginOptions{Username: name, AvatarURL: avatar, Extras: extras})
	if err != nil {
		return nil, err
	}
	return AppendJSON(nil, map[string]any{"user": u.Raw}), nil
}

// GetNonce is getNonce().
func GetNonce(ctx context.Context, s *Session, a Args) ([]byte, error) {
	n, err := s.Client.GetNonce(ctx)
	if err != nil {
		return nil, err
	}
	return n.Raw, nil
}

// VerifyIdentityToken is verifyIdentityToken(identityToken).
func VerifyIdentityToken(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withArg(a.str, "identityToken", func(tok string) ([]byte, error) {
		il, err := s.Client.VerifyIdentityToken(ctx, tok)
		if err != nil {
			return nil, err
		}
		return il.Raw, nil
	})
}

// SetUserWithIdentityToken is setUserWithIdentityToken(data).
func SetUserWithIdentityToken(ctx context.Context, s *Session, a Args) ([]byte, error) {
	data, err := a.object(0, "data")
	if err != nil || data == nil {
		return nil, a.bad("data", "must be the object verifyIdentityToken resolved with")
	}
	if _, err := s.Client.SetUserWithIdentityToken(ctx, data); err != nil {
		return nil, err
	}
	return data, nil
}

// RefreshAuthToken is refreshAuthToken().
func RefreshAuthToken(ctx context.Context, s *Session, a Args) ([]byte, error) {
	t, err := s.Client.RefreshAuthToken(ctx)
	if err != nil {
		return nil, err
	}
	return AppendJSON(nil, map[string]any{"token": t.Token, "refresh_token": t.RefreshToken, "token_expires_at": t.ExpiresAt}), nil
}

// Disconnect is logout() and disconnect().
func Disconnect(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return none(s.Client.Disconnect(ctx))
}

// UpdateProfile is updateProfile({name, avatar_url, extras}); the
// updateProfile callback gets the argument, after the _state it changed.
func UpdateProfile(ctx context.Context, s *Session, a Args) ([]byte, error) {
	var p struct {
		Name      string         `json:"name"`
		AvatarURL string         `json:"avatar_url"`
		Extras    sdk.RawMessage `json:"extras"`
	}
	if err := a.decode(0, "profile", &p, true); err != nil {
		return nil, err
	}
	u, err := s.Client.UpdateProfile(ctx, sdk.ProfileUpdate{Name: p.Name, AvatarURL: p.AvatarURL, Extras: p.Extras})
	if err != nil {
		return nil, err
	}
	_ = s.Client.FlushEvents(ctx)
	s.Push("updateProfile", []any{a.Raw[0]})
	return u.Raw, nil
}

// GetUserProfile is getUserProfile().
func GetUserProfile(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return userReply(s.Client.GetUserProfile(ctx))
}

// SetCustomHeader is setCustomHeader({name: value}).
func SetCustomHeader(ctx context.Context, s *Session, a Args) ([]byte, error) {
	var h map[string]string
	if !a.present(0) || jsonx.Unmarshal(a.Raw[0], &h) != nil {
		return nil, a.bad("headers", "must be an object of strings")
	}
	s.Client.SetCustomHeader(h)
	return nil, nil
}

// RegisterDeviceToken is registerDeviceToken(token, isDevelopment?, platform?).
func RegisterDeviceToken(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return deviceToken(ctx, s, a, s.Client.RegisterDeviceToken)
}

// RemoveDeviceToken is removeDeviceToken(token, isDevelopment?, platform?).
func RemoveDeviceToken(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return deviceToken(ctx, s, a, s.Client.RemoveDeviceToken)
}

func deviceToken(ctx context.Context, s *Session, a Args, call func(context.Context, string, sdk.DeviceTokenOptions) (*sdk.DeviceTokenResult, error)) ([]byte, error) {
	r := a.read()
	tok := r.str(0, "token", true)
	platform := r.str(2, "devicePlatform", false)
	if r.err != nil {
		return nil, r.err
	}
	res, err := call(ctx, tok, sdk.DeviceTokenOptions{Development: a.boolish(1), Platform: platform})
	if err != nil {
		return nil, err
	}
	return res.Raw, nil
}

// SetDebugMode is the debugMode property set after init: the session's
// logger on, or logging off.
func SetDebugMode(ctx context.Context, s *Session, a Args) ([]byte, error) {
	if a.boolish(0) {
		s.Client.SetLogger(s.Logger)
	} else {
		s.Client.SetLogger(nil)
	}
	return nil, nil
}

// SetUploadURL is the uploadURL property set: "" restores the default.
func SetUploadURL(ctx context.Context, s *Session, a Args) ([]byte, error) {
	u, err := a.str(0, "uploadURL", false)
	if err != nil {
		return nil, err
	}
	return none(s.Client.SetUploadURL(u))
}
