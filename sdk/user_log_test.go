//go:build !js

package sdk

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestUserOutputHidesToken: printing or logging a User, or a *User as
// Client.User returns it, never shows the token or the refresh token.
func TestUserOutputHidesToken(t *testing.T) {
	u := &User{ID: 1, Email: "alice", Username: "Alice", Token: "SECRET-TOKEN", RefreshToken: "SECRET-REFRESH"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("login", "user", u)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("login", "user", *u)
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		fmt.Fprintf(&buf, f+"\n", u)
		fmt.Fprintf(&buf, f+"\n", *u)
	}
	out := buf.String()
	if strings.Contains(out, "SECRET") {
		t.Fatalf("credentials in the output:\n%s", out)
	}
	if !strings.Contains(out, "alice") || !strings.Contains(out, "[redacted]") {
		t.Fatalf("the user is not recognisable in the output:\n%s", out)
	}
}
