//go:build !js

package integration_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/server"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// TestReconnectFillsGapExactlyOnce: the broker drops everyone and refuses
// reconnects while messages are posted; after it comes back, each message
// reaches the app once, in order, and onReconnect fires.
func TestReconnectFillsGapExactlyOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	fast := func(c *sdk.Config) { c.ReconnectMin = 50 * time.Millisecond; c.ReconnectMax = 300 * time.Millisecond }
	alice, _ := e.login(t, "alice", fast)
	_, bev := e.login(t, "bob", fast)
	room := chatWith(t, alice, "bob")
	if _, err := alice.SendComment(ctx, room.ID, "before", sdk.SendOptions{UniqueTempID: "before-outage"}); err != nil {
		t.Fatal(err)
	}
	bev.waitFor(t, "message before the outage", func() bool { return newMessagesWith(bev, "before-outage") == 1 })

	e.srv.SetMQTTEnabled(false)
	e.srv.DisconnectMQTT()
	var during []string
	for i := 0; i < 5; i++ {
		u := fmt.Sprintf("during-%d", i)
		if _, err := e.srv.PostComment(ctx, "alice", room.ID, "while bob is offline "+u, u); err != nil {
			t.Fatal(err)
		}
		during = append(during, u)
	}
	time.Sleep(400 * time.Millisecond) // a few refused reconnect attempts
	if n := len(eventsOf[sdk.Reconnected](bev)); n != 0 {
		t.Fatalf("onReconnect fired %d times while the broker refused connections (v2 fired per attempt)", n)
	}
	e.srv.SetMQTTEnabled(true)

	bev.waitFor(t, "onReconnect", func() bool { return len(eventsOf[sdk.Reconnected](bev)) >= 1 })
	bev.waitFor(t, "the outage's messages", func() bool {
		for _, u := range during {
			if newMessagesWith(bev, u) != 1 {
				return false
			}
		}
		return true
	})
	// Realtime works again, and nothing arrived twice.
	if _, err := alice.SendComment(ctx, room.ID, "after", sdk.SendOptions{UniqueTempID: "after-outage"}); err != nil {
		t.Fatal(err)
	}
	bev.waitFor(t, "message after the outage", func() bool { return newMessagesWith(bev, "after-outage") == 1 })
	var order []string
	for _, ev := range eventsOf[sdk.MessageReceived](bev) {
		order = append(order, ev.Comment.UniqueTempID)
	}
	want := append(append([]string{"before-outage"}, during...), "after-outage")
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Fatalf("bob's messages %v, want exactly once and in order %v", order, want)
	}
}

// TestExpiredTokenRefreshesOnceAndRetries: a 403 "token is expired"
// triggers one refresh and one retry; the app hears authTokenRefreshed.
func TestExpiredTokenRefreshesOnceAndRetries(t *testing.T) {
	ctx := context.Background()
	e := newEnvTTL(t, 2*time.Second)
	alice, aev := e.login(t, "alice", nil)
	e.login(t, "bob", nil)
	old := alice.User().Token
	if alice.User().TokenExpiresAt == "" || alice.User().RefreshToken == "" {
		t.Fatalf("login returned no expiry/refresh token: %+v", alice.User())
	}
	// The proactive refresh runs ~1.8 s in; either it or the 403 path
	// must leave the client working past the expiry.
	time.Sleep(2500 * time.Millisecond)
	room, err := alice.ChatTarget(ctx, "bob", sdk.ChatTargetOptions{})
	if err != nil {
		t.Fatalf("call after expiry: %v", err)
	}
	if _, err := alice.SendComment(ctx, room.ID, "still here", sdk.SendOptions{UniqueTempID: "after-expiry"}); err != nil {
		t.Fatal(err)
	}
	if alice.User().Token == old {
		t.Fatal("token was not refreshed")
	}
	refreshed := eventsOf[sdk.TokenRefreshed](aev)
	if len(refreshed) == 0 {
		t.Fatal("authTokenRefreshed not fired")
	}
	if r := refreshed[0]; r.OldToken != old || r.Token == "" || r.Token == old {
		t.Fatalf("TokenRefreshed = %+v", r)
	}
	// Realtime moved to the new token's topics: messages still arrive.
	aev.waitFor(t, "own message over the new token topic", func() bool { return newMessagesWith(aev, "after-expiry") == 1 })
}

// TestRefreshFailureDoesNotLoop: with a refresh token the server rejects,
// an expired call fails once with its status instead of looping or hanging.
func TestRefreshFailureDoesNotLoop(t *testing.T) {
	ctx := context.Background()
	e := newEnvTTL(t, time.Second)
	// A long refresh loop delay would hide the 403 path; the other client
	// rotates alice's refresh token away so refreshing must fail.
	alice, _ := e.login(t, "alice", nil)
	other, _ := e.login(t, "alice", nil)
	if _, err := other.RefreshAuthToken(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	start := time.Now()
	_, err := alice.GetUserProfile(ctx)
	if err == nil {
		t.Fatal("the call succeeded with a rotated-away refresh token")
	}
	if st := sdk.StatusOf(err); st != 403 && st != 401 {
		t.Fatalf("err = %v (status %d), want the server's 401/403", err, st)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("the failed refresh took too long (looping?)")
	}
}

func TestIdentityTokenLogin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ev := &events{notify: make(chan struct{}, 1)}
	c, err := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: e.http.URL, MQTTURL: e.mqttURL(), OnEvent: ev.on})
	if err != nil {
		t.Fatal(err)
	}
	ev.c = c
	defer c.Close()
	nres, err := c.GetNonce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if nres.Nonce == "" {
		t.Fatalf("nonce = %s", nres.Raw)
	}
	jwt, err := server.SignIdentityToken("dev-secret", "dev", nres.Nonce, "carol", "Carol", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.VerifyIdentityToken(ctx, jwt)
	if err != nil {
		t.Fatal(err)
	}
	if res.User == nil || res.User.Email != "carol" {
		t.Fatalf("verified user = %+v", res.User)
	}
	if _, err := c.SetUserWithIdentityToken(ctx, res.Raw); err != nil {
		t.Fatal(err)
	}
	if u := c.User(); u == nil || u.Email != "carol" {
		t.Fatalf("user = %+v", u)
	}
	// Unlike v2, realtime is connected as carol: a message to carol arrives.
	bob, _ := e.login(t, "bob", nil)
	room := chatWith(t, bob, "carol")
	if _, err := bob.SendComment(ctx, room.ID, "hi carol", sdk.SendOptions{UniqueTempID: "to-carol"}); err != nil {
		t.Fatal(err)
	}
	ev.waitFor(t, "carol receives over realtime", func() bool { return newMessagesWith(ev, "to-carol") == 1 })
	if _, err := c.SetUserWithIdentityToken(ctx, sdk.RawMessage(`{"nope":1}`)); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("bad data: err = %v", err)
	}
	// The nonce is single use.
	if _, err := c.VerifyIdentityToken(ctx, jwt); sdk.StatusOf(err) < 400 {
		t.Fatalf("reused nonce: err = %v", err)
	}
}

// TestRequestsSurviveTokenRotation: requests in flight while the token is
// rotated (proactive refresh, manual refresh) are retried with the new
// token instead of failing with 401; concurrent refreshes don't spend the
// rotated refresh token twice.
func TestRequestsSurviveTokenRotation(t *testing.T) {
	ctx := context.Background()
	e := newEnvTTL(t, 1200*time.Millisecond)
	alice, _ := e.login(t, "alice", nil)
	deadline := time.Now().Add(4 * time.Second)
	errc := make(chan error, 8)
	for g := 0; g < 3; g++ {
		go func() {
			for time.Now().Before(deadline) {
				if _, err := alice.GetUserProfile(ctx); err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
	}
	go func() {
		for time.Now().Before(deadline) {
			if _, err := alice.RefreshAuthToken(ctx); err != nil {
				errc <- fmt.Errorf("manual refresh: %w", err)
				return
			}
			time.Sleep(300 * time.Millisecond)
		}
		errc <- nil
	}()
	for i := 0; i < 4; i++ {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
}
