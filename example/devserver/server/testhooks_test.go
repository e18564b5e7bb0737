package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestDisconnectMQTT(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	watcher := e.mqtt("w", bob)
	watcher.mustSubscribe("u/alice/s")
	ma := e.mqtt("a", alice)
	// The official client's will: alice goes offline when the network drops.
	rc, code := e.raw311("dev_alice_1700000000000", "u/alice/s")
	if code != 0 {
		t.Fatalf("CONNACK %d", code)
	}
	if got := rc.subscribe(1, alice.Token+"/c"); got != 0 { // proves alice: her will is honoured
		t.Fatalf("SUBACK 0x%02x", got)
	}

	e.s.DisconnectMQTT()
	select {
	case <-ma.c.Done():
	case <-time.After(waitFor):
		t.Fatal("paho client still connected")
	}
	_ = rc.conn.SetReadDeadline(time.Now().Add(waitFor))
	if _, err := rc.r.ReadByte(); err == nil {
		t.Error("raw client still connected")
	}
	select {
	case <-watcher.c.Done():
	case <-time.After(waitFor):
		t.Fatal("watcher still connected")
	}
	// Reconnecting works right away: the switch is separate.
	again := e.mqtt("w2", bob)
	again.mustSubscribe("u/alice/s")
	checkPresence(t, again.next().Payload, "0") // the will was published and retained
}

func TestSetMQTTEnabled(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice", "Alice")
	url := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/mqtt"
	dial := func() (*http.Response, error) {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		c, res, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"mqtt"}})
		if err == nil {
			c.CloseNow()
		}
		return res, err
	}
	ma := e.mqtt("a", alice)

	e.s.SetMQTTEnabled(false)
	res, err := dial()
	if err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial while off: %v, response %+v; want 503", err, res)
	}
	mustStatus(t, e.get("sync", alice), 200) // REST keeps working
	ma.mustSubscribe(alice.Token + "/c")     // existing connections are left alone

	e.s.SetMQTTEnabled(true)
	if _, err := dial(); err != nil {
		t.Fatalf("dial after switching back on: %v", err)
	}
	e.mqtt("a2", alice).mustSubscribe(alice.Token + "/c")
}

func TestPostCommentHelper(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	roomID := e.chat(alice, bob)
	mb := e.mqtt("b", bob)
	mb.mustSubscribe(bob.Token + "/c")
	ctx := context.Background()

	raw, err := e.s.PostComment(ctx, "alice", roomID, "from a test", "helper-1")
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	if c["message"] != "from a test" || c["unique_temp_id"] != "helper-1" || c["email"] != "alice" || c["room_name"] != "Bob" {
		t.Errorf("comment %s", raw)
	}
	m := mb.nextJSON(bob.Token + "/c")
	checkFields(t, m, []fieldWant{{"message", "from a test"}, {"room_name", "Alice"}, {"id", int(c["id"].(float64))}})
	if again, err := e.s.PostComment(ctx, "alice", roomID, "retry", "helper-1"); err != nil || !strings.Contains(string(again), `"from a test"`) {
		t.Errorf("retry: %s %v", again, err)
	}
	mb.none(200 * time.Millisecond)
	if got := e.visibleIDs(bob, roomID); len(got) != 1 {
		t.Errorf("bob sees %v", got)
	}
	if raw, err := e.s.PostComment(ctx, "bob", roomID, "generated id", ""); err != nil || !strings.Contains(string(raw), `"unique_temp_id":"devserver-`) {
		t.Errorf("generated unique id: %s %v", raw, err)
	}

	errs := []struct {
		name, user string
		room       int64
		text       string
		kind       error
	}{
		{"unknown user", "nobody", roomID, "x", ErrNotFound},
		{"unknown room", "alice", 999, "x", ErrNotFound},
		{"not a participant", carol.ID, roomID, "x", ErrForbidden},
		{"empty", "alice", roomID, " ", ErrBadRequest},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.s.PostComment(ctx, tt.user, tt.room, tt.text, ""); !errors.Is(err, tt.kind) {
				t.Errorf("err %v, want %v", err, tt.kind)
			}
		})
	}
}

func TestDevDisconnectMQTTEndpoint(t *testing.T) {
	for _, tt := range []struct {
		name   string
		hooks  bool
		dev    bool // the dev identity endpoint, which shares /api/v2/dev/
		status int
	}{
		{"off by default", false, false, http.StatusNotFound},
		{"not with the identity endpoint alone", false, true, http.StatusNotFound},
		{"on with TestHooks", true, false, http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.TestHooks, c.DevIdentityEndpoint = tt.hooks, tt.dev })
			alice := e.login("alice", "Alice")
			ma := e.mqtt("a", alice)
			ma.mustSubscribe(alice.Token + "/c")
			r := e.do(http.MethodPost, "/api/v2/dev/disconnect_mqtt", nil, "", "")
			if r.status != tt.status {
				t.Fatalf("HTTP %d, want %d: %s", r.status, tt.status, r.raw)
			}
			select {
			case <-ma.c.Done():
				if !tt.hooks {
					t.Fatal("disconnected although test hooks are off")
				}
			case <-time.After(500 * time.Millisecond):
				if tt.hooks {
					t.Fatal("still connected after POST disconnect_mqtt")
				}
			}
			if tt.hooks {
				if n := fmt.Sprint(at(r.body, "results.disconnected")); n != "1" {
					t.Errorf("results.disconnected = %v, want 1 (%s)", n, r.raw)
				}
			}
		})
	}
}

// TestPostFollowsTokenRotatedBeforeCommit: a participant's token is part of
// the topic a new comment goes to ({token}/c). When the token is rotated
// after post_comment read the room but before the comment is committed, the
// comment must go to the new token's topic: the participant's client has
// moved there and its /sync after the move ran before this commit, so a
// publish to the old topic would be lost for good. Before the fix the
// comment went to the old topic.
func TestPostFollowsTokenRotatedBeforeCommit(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TokenTTL = time.Hour })
	r := e.form("login_or_register", nil, "email=alice&password=pw-alice&username=Alice")
	mustStatus(t, r, 200)
	alice := &testUser{ID: "alice", Password: "pw-alice", Name: "Alice", Token: r.str("results.user.token"), PK: r.num("results.user.id")}
	refresh := r.str("results.user.refresh_token")
	bob := e.login("bob", "Bob")
	roomID := e.chat(alice, bob)

	oldC := e.mqtt("old", alice)
	oldC.mustSubscribe(alice.Token + "/c")
	var newC *mqttClient
	var fresh string
	e.s.chat.BeforeInsert = func() {
		e.s.chat.BeforeInsert = nil // once: the refresh below posts nothing, but be sure
		rr := e.form("refresh_user_token", nil, url.Values{"user_id": {"alice"}, "refresh_token": {refresh}}.Encode())
		mustStatus(t, rr, 200)
		fresh = rr.str("results.token")
		newC = e.mqtt("new", &testUser{ID: "alice", Token: fresh})
		newC.mustSubscribe(fresh + "/c")
	}
	c := e.post(bob, roomID, "while alice's token rotates", "rot-1")
	mustStatus(t, c, 200)
	if fresh == "" || fresh == alice.Token {
		t.Fatalf("token not rotated (%q)", fresh)
	}
	m := newC.nextJSON(fresh + "/c")
	checkFields(t, m, []fieldWant{{"unique_temp_id", "rot-1"}})
	oldC.none(200 * time.Millisecond)
}
