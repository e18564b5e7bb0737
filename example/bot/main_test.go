//go:build !js

package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/server"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// devserver starts an in-process devserver (REST, broker, SQLite file)
// behind a real HTTP server on loopback.
func devserver(t *testing.T) (baseURL string) {
	t.Helper()
	ctx := context.Background()
	srv, err := server.New(ctx, server.Config{AppID: "dev", Secret: "s", DBPath: filepath.Join(t.TempDir(), "bot.db")})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return hs.URL
}

// startBot runs the bot until the test ends and waits until it is logged in.
func startBot(t *testing.T, baseURL string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{BaseURL: baseURL, AppID: "dev", UserID: "echo-bot", UserKey: "bot-key",
			Name: "Echo Bot", Prefix: "echo: "}, func() { close(ready) })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v after cancel", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("bot stopped before it was ready: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("bot not ready after 30 s")
	}
}

// user is a person chatting with the bot; heard collects what others post.
type user struct {
	c     *sdk.Client
	heard chan string
}

func newUser(t *testing.T, baseURL, id string) *user {
	t.Helper()
	ctx := context.Background()
	u := &user{heard: make(chan string, 64)}
	c, err := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: baseURL, MQTTURL: "ws" + strings.TrimPrefix(baseURL, "http") + "/mqtt",
		OnEvent: func(ev sdk.Event) {
			if m, ok := ev.(sdk.MessageReceived); ok && m.Comment.Email != id {
				u.heard <- m.Comment.Email + ": " + m.Comment.Message
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.SetUser(ctx, id, id+"-key", sdk.LoginOptions{Username: id}); err != nil {
		t.Fatal(err)
	}
	u.c = c
	return u
}

func (u *user) expect(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-u.heard:
		if got != want {
			t.Fatalf("heard %q, want %q", got, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("did not hear %q within 30 s", want)
	}
}

func messages(t *testing.T, c *sdk.Client, roomID int64) []string {
	t.Helper()
	list, err := c.LoadComments(context.Background(), roomID, sdk.LoadOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, cm := range list {
		out = append(out, cm.Email+": "+cm.Message)
	}
	return out
}

// The bot answers each message in a 1-on-1 room once, and never its own.
func TestEchoOneOnOne(t *testing.T) {
	base := devserver(t)
	startBot(t, base)
	alice := newUser(t, base, "alice")
	ctx := context.Background()
	room, err := alice.c.ChatTarget(ctx, "echo-bot", sdk.ChatTargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"hello", "second"} {
		if _, err := alice.c.SendComment(ctx, room.ID, text, sdk.SendOptions{}); err != nil {
			t.Fatal(err)
		}
		alice.expect(t, "echo-bot: echo: "+text)
	}
	// The history holds each message and one reply to it, nothing more: the
	// bot did not answer its own replies.
	got := messages(t, alice.c, room.ID)
	want := []string{"alice: hello", "echo-bot: echo: hello", "alice: second", "echo-bot: echo: second"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("room history %q, want %q", got, want)
	}
}

// In a group the bot joined after it logged in, it answers each member.
func TestEchoGroup(t *testing.T) {
	base := devserver(t)
	startBot(t, base)
	alice := newUser(t, base, "alice")
	bob := newUser(t, base, "bob")
	ctx := context.Background()
	summary, err := alice.c.CreateGroupRoom(ctx, "team", []string{"bob", "echo-bot"}, sdk.GroupRoomOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.c.SendComment(ctx, summary.ID, "hi team", sdk.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	bob.expect(t, "alice: hi team")
	bob.expect(t, "echo-bot: echo: hi team")
	if _, err := bob.c.SendComment(ctx, summary.ID, "hi alice", sdk.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	// alice hears bob and the bot's answer to bob (and before that, the
	// answer to her own message).
	var heard []string
	for range 3 {
		select {
		case s := <-alice.heard:
			heard = append(heard, s)
		case <-time.After(30 * time.Second):
			t.Fatalf("alice heard only %q", heard)
		}
	}
	sort.Strings(heard)
	want := []string{"bob: hi alice", "echo-bot: echo: hi alice", "echo-bot: echo: hi team"}
	if strings.Join(heard, "|") != strings.Join(want, "|") {
		t.Fatalf("alice heard %q, want %q", heard, want)
	}
}

func TestMQTTURL(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"http://127.0.0.1:8080", "ws://127.0.0.1:8080/mqtt", nil},
		{"https://chat.example.com/", "wss://chat.example.com/mqtt", nil},
		{"ftp://x", "", errBadURL},
		{"127.0.0.1:8080", "", errBadURL},
	}
	for _, tc := range tests {
		got, err := mqttURL(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("mqttURL(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}
