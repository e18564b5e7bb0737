//go:build !js

package sdk

import "log/slog"

// LogValue keeps the credentials out of slog output, JSON included. It is
// native only: log/slog would add about 100 KB to the wasm build, whose
// console logger prints with fmt (and so String).
func (u User) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("id", u.ID), slog.String("email", u.Email),
		slog.String("username", u.Username), slog.String("token", redacted(u.Token)),
		slog.String("refresh_token", redacted(u.RefreshToken)))
}
