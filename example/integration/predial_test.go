//go:build !js

package integration_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/server"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// TestSetUserOpensBrokerDuringLogin: SetUser opens the broker's WebSocket
// while its login request is in flight, and the session's MQTT connection
// runs on that socket (one WebSocket per session, not two); a login that
// fails closes the socket opened for it.
func TestSetUserOpensBrokerDuringLogin(t *testing.T) {
	s, err := server.New(context.Background(), server.Config{AppID: "dev", Secret: "dev-secret",
		DBPath: filepath.Join(t.TempDir(), "q.db")})
	if err != nil {
		t.Fatal(err)
	}
	var (
		upgrades, active atomic.Int32 // WebSocket requests at /mqtt: all, still open
		logins           atomic.Int32 // login responses sent
		socketFirst      atomic.Bool  // a WebSocket arrived before the first login answered
		opened           = make(chan struct{})
		once             sync.Once
	)
	h := s.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/mqtt":
			upgrades.Add(1)
			active.Add(1)
			defer active.Add(-1) // the handler returns when the socket closes
			if logins.Load() == 0 {
				socketFirst.Store(true)
			}
			once.Do(func() { close(opened) })
		case strings.HasSuffix(r.URL.Path, "/login_or_register"):
			// Hold the first login until a socket arrives (bounded): one
			// opened only after the login answered never arrives here.
			if logins.Load() == 0 {
				select {
				case <-opened:
				case <-time.After(3 * time.Second):
				}
			}
			defer logins.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { hs.CloseClientConnections(); hs.Close(); s.Close() })
	ctx := context.Background()
	cfg := sdk.Config{AppID: "dev", BaseURL: hs.URL, MQTTURL: "ws" + strings.TrimPrefix(hs.URL, "http") + "/mqtt"}

	alice, err := sdk.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { alice.Close() })
	if _, err := alice.SetUser(ctx, "alice", "secret-alice", sdk.LoginOptions{}); err != nil {
		t.Fatal(err)
	}
	if !socketFirst.Load() {
		t.Fatal("the broker's WebSocket was not opened while the login request was in flight")
	}
	if n := upgrades.Load(); n != 1 {
		t.Fatalf("%d WebSocket connections after SetUser, want 1 (the one opened during the login)", n)
	}
	// The session is connected, on that socket.
	if err := alice.PublishOnlinePresence(ctx, true); err != nil {
		t.Fatalf("publish after SetUser: %v", err)
	}
	if n := upgrades.Load(); n != 1 {
		t.Fatalf("%d WebSocket connections, want 1", n)
	}

	bad, err := sdk.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bad.Close() })
	if _, err := bad.SetUser(ctx, "not/valid", "k", sdk.LoginOptions{}); err == nil {
		t.Fatal("SetUser with an id the server refuses succeeded")
	}
	deadline := time.Now().Add(5 * time.Second)
	// Its socket was opened (a second upgrade) and is closed again.
	for (upgrades.Load() != 2 || active.Load() != 1) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n, all := active.Load(), upgrades.Load(); n != 1 || all != 2 {
		t.Fatalf("after a failed login: %d of %d WebSockets open, want alice's alone (1 of 2)", n, all)
	}
}
