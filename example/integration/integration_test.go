//go:build !js

package integration_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/server"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// env is an in-process devserver (REST + broker + SQLite file) on loopback.
type env struct {
	srv  *server.Server
	http *httptest.Server
}

func newEnv(t *testing.T) *env { return newEnvTTL(t, 0) }

// newEnvTTL is newEnv with a token lifetime (0: tokens never expire).
func newEnvTTL(t *testing.T, ttl time.Duration) *env {
	t.Helper()
	ctx := context.Background()
	s, err := server.New(ctx, server.Config{AppID: "dev", Secret: "dev-secret",
		DBPath: filepath.Join(t.TempDir(), "q.db"), TokenTTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.CloseClientConnections(); hs.Close(); s.Close() })
	return &env{srv: s, http: hs}
}

func (e *env) mqttURL() string { return "ws" + strings.TrimPrefix(e.http.URL, "http") + "/mqtt" }

// events records a client's events and lets tests wait for them. Reading
// first waits for the events the client emitted so far.
type events struct {
	c      *sdk.Client
	mu     sync.Mutex
	list   []sdk.Event
	notify chan struct{}
}

func (ev *events) on(e sdk.Event) {
	ev.mu.Lock()
	ev.list = append(ev.list, e)
	ev.mu.Unlock()
	select {
	case ev.notify <- struct{}{}:
	default:
	}
}

// eventsOf is the events of type T so far, in order.
func eventsOf[T sdk.Event](ev *events) []T {
	if ev.c != nil {
		_ = ev.c.FlushEvents(context.Background())
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	var out []T
	for _, e := range ev.list {
		if x, ok := e.(T); ok {
			out = append(out, x)
		}
	}
	return out
}

// waitFor polls cond until it holds or 10 s pass.
func (ev *events) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-ev.notify:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (e *env) login(t *testing.T, id string, tweak func(*sdk.Config)) (*sdk.Client, *events) {
	t.Helper()
	ev := &events{notify: make(chan struct{}, 1)}
	cfg := sdk.Config{AppID: "dev", BaseURL: e.http.URL, MQTTURL: e.mqttURL(), OnEvent: ev.on}
	if tweak != nil {
		tweak(&cfg)
	}
	ctx := context.Background()
	c, err := sdk.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ev.c = c
	t.Cleanup(func() { c.Close() })
	if _, err := c.SetUser(ctx, id, "secret-"+id, sdk.LoginOptions{Username: strings.ToUpper(id[:1]) + id[1:]}); err != nil {
		t.Fatalf("setUser %s: %v", id, err)
	}
	return c, ev
}

// chatWith opens (or creates) c's 1:1 room with peer; the test stops if it fails.
func chatWith(t *testing.T, c *sdk.Client, peer string) *sdk.Room {
	t.Helper()
	room, err := c.ChatTarget(context.Background(), peer, sdk.ChatTargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return room
}

func newMessagesWith(ev *events, uniq string) int {
	n := 0
	for _, e := range eventsOf[sdk.MessageReceived](ev) {
		if e.Comment != nil && e.Comment.UniqueTempID == uniq {
			n++
		}
	}
	return n
}

func TestChatEndToEnd(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, aev := e.login(t, "alice", nil)
	bob, bev := e.login(t, "bob", nil)

	if u := alice.User(); u == nil || u.Email != "alice" || u.Token == "" {
		t.Fatalf("alice user = %+v", u)
	}
	if n := len(eventsOf[sdk.LoginSucceeded](aev)); n != 1 {
		t.Fatalf("loginSuccess fired %d times", n)
	}

	room := chatWith(t, alice, "bob")
	if room.ID <= 0 || room.ChatType != "single" || len(room.Participants) != 2 {
		t.Fatalf("room = %+v", room)
	}
	if len(eventsOf[sdk.RoomCreated](aev)) != 1 {
		t.Fatal("chatRoomCreated not fired")
	}
	broom, err := bob.ChatTarget(ctx, "alice", sdk.ChatTargetOptions{})
	if err != nil || broom.ID != room.ID {
		t.Fatalf("bob's room %v, err %v; want the same room %d", broom, err, room.ID)
	}

	// alice → bob over MQTT, same unique id; alice's own copy once.
	sent, err := alice.SendComment(ctx, room.ID, "hello bob", sdk.SendOptions{UniqueTempID: "uniq-1"})
	if err != nil {
		t.Fatal(err)
	}
	if sent.ID <= 0 || sent.UniqueTempID != "uniq-1" || sent.Status != sdk.StatusSent {
		t.Fatalf("sent = %+v", sent)
	}
	bev.waitFor(t, "bob receives uniq-1", func() bool { return newMessagesWith(bev, "uniq-1") == 1 })
	aev.waitFor(t, "alice's echo", func() bool { return newMessagesWith(aev, "uniq-1") == 1 })

	// bob replies; alice receives.
	if _, err := bob.SendComment(ctx, room.ID, "hi alice", sdk.SendOptions{UniqueTempID: "uniq-2"}); err != nil {
		t.Fatal(err)
	}
	aev.waitFor(t, "alice receives uniq-2", func() bool { return newMessagesWith(aev, "uniq-2") == 1 })

	// The selected room mirrors both, in order, acknowledged.
	aev.waitFor(t, "selected room has both", func() bool {
		sel := alice.Selected()
		return sel != nil && len(sel.Comments) >= 2 && sel.Comments[len(sel.Comments)-1].UniqueTempID == "uniq-2"
	})

	// History, oldest first.
	hist, err := bob.LoadComments(ctx, room.ID, sdk.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].UniqueTempID != "uniq-1" || hist[1].UniqueTempID != "uniq-2" || hist[0].ID >= hist[1].ID {
		t.Fatalf("history = %v", ids(hist))
	}
	// Paging backwards from the newest.
	older, err := bob.LoadComments(ctx, room.ID, sdk.LoadOptions{LastCommentID: hist[1].ID, Limit: 10})
	if err != nil || len(older) != 1 || older[0].ID != hist[0].ID {
		t.Fatalf("older page = %v, err %v", ids(older), err)
	}

	// Nothing was delivered twice, despite echo + send response + sync.
	if err := alice.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	for _, u := range []string{"uniq-1", "uniq-2"} {
		if n := newMessagesWith(aev, u); n != 1 {
			t.Fatalf("alice got %s %d times", u, n)
		}
		if n := newMessagesWith(bev, u); n != 1 {
			t.Fatalf("bob got %s %d times", u, n)
		}
	}
	if got := alice.LastReceivedCommentID(); got != hist[1].ID {
		t.Fatalf("alice cursor = %d, want %d", got, hist[1].ID)
	}
}

func ids(cs []*sdk.Comment) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%d/%s", c.ID, c.UniqueTempID))
	}
	return out
}

func TestTypingThrottleAndAutoStop(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	fast := func(c *sdk.Config) { c.TypingAutoStop = 400 * time.Millisecond; c.TypingThrottle = 5 * time.Second }
	alice, _ := e.login(t, "alice", fast)
	bob, bev := e.login(t, "bob", nil)
	room := chatWith(t, alice, "bob")
	if _, err := bob.ChatTarget(ctx, "alice", sdk.ChatTargetOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ { // a burst of keystrokes
		if err := alice.PublishTypingSelected(ctx, true); err != nil {
			t.Fatal(err)
		}
	}
	bev.waitFor(t, "typing 0 after auto-stop", func() bool {
		ts := eventsOf[sdk.TypingChanged](bev)
		return len(ts) > 0 && !ts[len(ts)-1].Typing
	})
	var msgs []string
	for _, ev := range eventsOf[sdk.TypingChanged](bev) {
		if ev.UserID != "alice" || ev.RoomID != room.ID {
			t.Fatalf("typing = %+v", ev)
		}
		msgs = append(msgs, fmt.Sprint(ev.Typing))
	}
	if strings.Join(msgs, ",") != "true,false" {
		t.Fatalf("bob saw typing %v, want [1 0] (throttled burst, then automatic stop)", msgs)
	}
}

func TestCustomEventsCarrySender(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, _ := e.login(t, "alice", nil)
	bob, bev := e.login(t, "bob", nil)
	room := chatWith(t, alice, "bob")
	rid := fmt.Sprint(room.ID)
	got := make(chan sdk.RawMessage, 4)
	if err := bob.SubscribeEvent(ctx, rid, func(m sdk.RawMessage) { got <- m }); err != nil {
		t.Fatal(err)
	}
	if err := alice.PublishEvent(ctx, rid, sdk.RawMessage(`{"hello":"x"}`)); err != nil {
		t.Fatal(err)
	}
	expectEvent(t, got, "alice", "hello", "x")
	if err := alice.PublishEvent(ctx, rid, sdk.RawMessage(`[1]`)); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("non-object payload: err = %v", err)
	}
	_ = bev
	if err := bob.UnsubscribeEvent(ctx, rid); err != nil {
		t.Fatal(err)
	}
	if err := alice.PublishEvent(ctx, rid, sdk.RawMessage(`{"after":"unsubscribe"}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		t.Fatalf("event after unsubscribe: %s", m)
	case <-time.After(500 * time.Millisecond):
	}
}

func TestPresence(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, _ = e.login(t, "alice", nil)
	bob, bev := e.login(t, "bob", nil)
	if err := bob.SubscribeUserPresence(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	bev.waitFor(t, "alice online", func() bool {
		for _, ev := range eventsOf[sdk.PresenceChanged](bev) {
			if ev.UserID == "alice" && ev.Online && time.Since(ev.At).Abs() < time.Minute {
				return true
			}
		}
		return false
	})
}

func TestMalformedPayloadIsSkipped(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, _ := e.login(t, "alice", nil)
	bob, bev := e.login(t, "bob", nil)
	room := chatWith(t, alice, "bob")
	tok := bob.User().Token
	for _, p := range []string{"garbage", `{"id":"nope"}`, `{}`, "\x00\xff"} {
		if err := e.srv.PublishRaw(tok+"/c", []byte(p), false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := alice.SendComment(ctx, room.ID, "still works", sdk.SendOptions{UniqueTempID: "after-garbage"}); err != nil {
		t.Fatal(err)
	}
	bev.waitFor(t, "the valid message after garbage", func() bool { return newMessagesWith(bev, "after-garbage") == 1 })
	if n := len(eventsOf[sdk.MessageReceived](bev)); n != 1 {
		t.Fatalf("bob got %d newMessages, want only the valid one", n)
	}
}

func TestSendValidationAndIdempotentRetry(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	c, err := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: e.http.URL, MQTTURL: e.mqttURL()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.SendComment(ctx, 1, "hi", sdk.SendOptions{}); !errors.Is(err, sdk.ErrNotLoggedIn) {
		t.Fatalf("before setUser: err = %v", err)
	}

	alice, _ := e.login(t, "alice", nil)
	_, bev := e.login(t, "bob", nil)
	room := chatWith(t, alice, "bob")
	cases := []struct {
		name string
		room int64
		text string
		want error
		arg  string
	}{
		{"no room", 0, "hi", sdk.ErrInvalidArgument, "roomId"},
		{"empty text", room.ID, "  ", sdk.ErrInvalidArgument, "text"},
		{"too long", room.ID, strings.Repeat("é", 4001), sdk.ErrMessageTooLong, "4001"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := alice.SendComment(ctx, tc.room, tc.text, sdk.SendOptions{})
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.arg) {
				t.Fatalf("err = %v, want %v naming %q", err, tc.want, tc.arg)
			}
		})
	}
	// 4000 characters exactly is fine.
	if _, err := alice.SendComment(ctx, room.ID, strings.Repeat("é", 4000), sdk.SendOptions{UniqueTempID: "max"}); err != nil {
		t.Fatalf("4000 chars: %v", err)
	}
	// The same unique id twice is stored and delivered once.
	a, err := alice.SendComment(ctx, room.ID, "once", sdk.SendOptions{UniqueTempID: "dup-id"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := alice.SendComment(ctx, room.ID, "once", sdk.SendOptions{UniqueTempID: "dup-id"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID {
		t.Fatalf("retry stored twice: ids %d and %d", a.ID, b.ID)
	}
	bev.waitFor(t, "dup-id", func() bool { return newMessagesWith(bev, "dup-id") >= 1 })
	time.Sleep(300 * time.Millisecond)
	if n := newMessagesWith(bev, "dup-id"); n != 1 {
		t.Fatalf("bob got dup-id %d times", n)
	}
	hist, err := alice.LoadComments(ctx, room.ID, sdk.LoadOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range hist {
		if c.UniqueTempID == "dup-id" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("history holds dup-id %d times", n)
	}
}

func TestSendFailureReportsUniqueID(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, _ := e.login(t, "alice", func(c *sdk.Config) { c.SendRetries = -1 })
	_, err := alice.SendComment(ctx, 999999, "to nowhere", sdk.SendOptions{UniqueTempID: "lost-1"})
	var se *sdk.SendError
	if !errors.As(err, &se) || se.UniqueTempID != "lost-1" || sdk.StatusOf(err) < 400 {
		t.Fatalf("err = %v (status %d), want a SendError for lost-1 with the server's status", err, sdk.StatusOf(err))
	}
}
