//go:build !js

package integration_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// TestOnEventMayCallClient: a bot answers from inside OnEvent. Events used
// to be emitted under a lock that SendComment needs, so the first reply
// deadlocked the bot's client for good.
func TestOnEventMayCallClient(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, aev := e.login(t, "alice", nil)

	var bot *sdk.Client
	var once sync.Once
	ready := make(chan struct{})
	replies := make(chan error, 32)
	cfg := sdk.Config{AppID: "dev", BaseURL: e.http.URL, MQTTURL: e.mqttURL(), OnEvent: func(ev sdk.Event) {
		once.Do(func() { <-ready })
		m, ok := ev.(sdk.MessageReceived)
		if !ok || m.Comment.Email != "alice" {
			return
		}
		// Every kind of call from inside the handler: a send (which emits
		// events of its own), a read of state and a REST fetch.
		_, err := bot.SendComment(context.Background(), m.Comment.RoomID, "echo: "+m.Comment.Message, sdk.SendOptions{UniqueTempID: "echo-" + m.Comment.UniqueTempID})
		if err == nil {
			_ = bot.LastReceivedCommentID()
			_, err = bot.LoadComments(context.Background(), m.Comment.RoomID, sdk.LoadOptions{Limit: 5})
		}
		if err == nil {
			err = bot.FlushEvents(context.Background()) // returns at once from OnEvent
		}
		replies <- err
	}}
	var err error
	if bot, err = sdk.New(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	close(ready)
	t.Cleanup(func() { bot.Close() })
	if _, err := bot.SetUser(ctx, "bot", "secret-bot", sdk.LoginOptions{Username: "Bot"}); err != nil {
		t.Fatal(err)
	}
	room := chatWith(t, alice, "bot")
	const n = 20
	for i := 0; i < n; i++ {
		if _, err := alice.SendComment(ctx, room.ID, fmt.Sprintf("ping %d", i), sdk.SendOptions{UniqueTempID: fmt.Sprintf("ping-%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		select {
		case err := <-replies:
			if err != nil {
				t.Fatalf("call from OnEvent: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("the bot answered %d of %d messages: its client is stuck", i, n)
		}
	}
	aev.waitFor(t, "every echo, once", func() bool {
		for i := 0; i < n; i++ {
			if newMessagesWith(aev, fmt.Sprintf("echo-ping-%d", i)) != 1 {
				return false
			}
		}
		return true
	})
	// Close from inside OnEvent returns too.
	closed := make(chan error, 1)
	c2, err := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: e.http.URL, MQTTURL: e.mqttURL()})
	if err != nil {
		t.Fatal(err)
	}
	c3, err := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: e.http.URL, MQTTURL: e.mqttURL(), OnEvent: func(ev sdk.Event) {
		if _, ok := ev.(sdk.LoginSucceeded); ok {
			closed <- c2.Close()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	_ = c3
	t.Cleanup(func() { c3.Close() })
	if _, err := c3.SetUser(ctx, "carol", "secret-carol", sdk.LoginOptions{Username: "Carol"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close from OnEvent did not return")
	}
}

// TestForgedHugeIDDoesNotStopSync (issue 9): a comment with id 2^63-1
// published on bob's topic used to move his sync cursor there, so every
// later message that did not come by realtime was never synced.
func TestForgedHugeIDDoesNotStopSync(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	fast := func(c *sdk.Config) { c.ReconnectMin = 50 * time.Millisecond; c.ReconnectMax = 300 * time.Millisecond }
	alice, _ := e.login(t, "alice", fast)
	bob, bev := e.login(t, "bob", fast)
	room := chatWith(t, alice, "bob")
	forged, _ := jsonx.Marshal(map[string]any{"id": int64(math.MaxInt64), "comment_before_id": 0, "room_id": room.ID,
		"unique_temp_id": "forged", "email": "alice", "username": "Alice", "message": "boom", "type": "text"})
	if err := e.srv.PublishRaw(bob.User().Token+"/c", forged, false); err != nil {
		t.Fatal(err)
	}
	bev.waitFor(t, "the forged comment", func() bool { return newMessagesWith(bev, "forged") == 1 })
	if got := bob.LastReceivedCommentID(); got == math.MaxInt64 {
		t.Fatalf("a realtime comment moved the sync cursor to %d", got)
	}

	// bob misses a message on realtime; only /sync can bring it.
	e.srv.SetMQTTEnabled(false)
	e.srv.DisconnectMQTT()
	if _, err := e.srv.PostComment(ctx, "alice", room.ID, "while bob is offline", "missed"); err != nil {
		t.Fatal(err)
	}
	e.srv.SetMQTTEnabled(true)
	bev.waitFor(t, "the missed message, by sync", func() bool { return newMessagesWith(bev, "missed") == 1 })
	if got := bob.LastReceivedCommentID(); got == math.MaxInt64 || got <= 0 {
		t.Fatalf("cursor = %d", got)
	}
}

// TestUniqueIDCollisionAcrossMembers (issue 9): bob reuses alice's
// unique_temp_id. The devserver now refuses that post (409), so the
// colliding comment is forged onto the broker the way a server that
// allowed it would deliver it. carol used to treat it as a duplicate of
// alice's (no newMessages) and replaced alice's in her open room.
func TestUniqueIDCollisionAcrossMembers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, aev := e.login(t, "alice", nil)
	bob, _ := e.login(t, "bob", nil)
	carol, cev := e.login(t, "carol", nil)
	r, err := alice.CreateGroupRoom(ctx, "trio", []string{"bob", "carol"}, sdk.GroupRoomOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := carol.GetRoomByID(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	first, err := alice.SendComment(ctx, r.ID, "from alice", sdk.SendOptions{UniqueTempID: "shared-uid"})
	if err != nil {
		t.Fatal(err)
	}
	cev.waitFor(t, "alice's comment", func() bool { return newMessagesWith(cev, "shared-uid") == 1 })
	if _, err := bob.SendComment(ctx, r.ID, "from bob", sdk.SendOptions{UniqueTempID: "shared-uid"}); err == nil {
		t.Fatal("the server accepted bob's post with alice's unique_temp_id")
	}
	forged, _ := jsonx.Marshal(map[string]any{"id": first.ID + 1000, "comment_before_id": first.ID, "room_id": r.ID,
		"unique_temp_id": "shared-uid", "email": "bob", "username": "Bob", "message": "from bob", "type": "text"})
	for _, c := range []*sdk.Client{alice, carol} {
		if err := e.srv.PublishRaw(c.User().Token+"/c", forged, false); err != nil {
			t.Fatal(err)
		}
	}
	for _, ev := range []*events{cev, aev} {
		ev.waitFor(t, "bob's comment with the same unique id", func() bool { return newMessagesWith(ev, "shared-uid") == 2 })
	}
	var texts []string
	for _, cm := range carol.Selected().Comments {
		texts = append(texts, cm.Email+":"+cm.Message)
	}
	if got := strings.Join(texts, ","); got != "alice:from alice,bob:from bob" {
		t.Fatalf("carol's open room = %s", got)
	}
}

// rotatingDoer forwards requests to the real server; before the first
// post_comment it lets the client rotate its token and expires the new one
// at the server, so the post (still carrying the old token) meets both.
type rotatingDoer struct {
	base   string
	c      *sdk.Client
	armed  bool
	mu     sync.Mutex
	failed error
}

func (d *rotatingDoer) Do(ctx context.Context, r *sdk.Request) (*sdk.Response, error) {
	d.mu.Lock()
	fire := d.armed && strings.Contains(r.URL, "/post_comment")
	if fire {
		d.armed = false
	}
	d.mu.Unlock()
	if fire {
		if _, err := d.c.RefreshAuthToken(ctx); err != nil {
			d.failed = err
		} else {
			u := d.c.User()
			h := map[string]string{"QISCUS-SDK-APP-ID": "dev", "QISCUS-SDK-USER-ID": u.Email, "QISCUS-SDK-TOKEN": u.Token}
			if _, err := (sdk.NetHTTPDoer{}).Do(ctx, &sdk.Request{Method: "POST", URL: d.base + "/api/v2/sdk/expire_user_token", Header: h}); err != nil {
				d.failed = err
			}
		}
	}
	return sdk.NetHTTPDoer{}.Do(ctx, r)
}

// TestSendAcrossTokenRotation: a post sent with a token that a refresh has
// just rotated gets 401; its retry with the new token, expired meanwhile,
// gets 403. The send must refresh once more and succeed, not fail (seen in
// TestChaosLinksCut with 4 s tokens: about one send in 180 failed so).
func TestSendAcrossTokenRotation(t *testing.T) {
	e := newEnvTTL(t, time.Hour)
	ctx := context.Background()
	d := &rotatingDoer{base: e.http.URL}
	alice, _ := e.login(t, "alice", func(c *sdk.Config) { c.HTTP = d })
	_, bev := e.login(t, "bob", nil)
	d.c = alice
	room := chatWith(t, alice, "bob")
	d.mu.Lock()
	d.armed = true
	d.mu.Unlock()
	if _, err := alice.SendComment(ctx, room.ID, "across a rotation", sdk.SendOptions{UniqueTempID: "rotated"}); err != nil {
		t.Fatalf("send across a token rotation: %v", err)
	}
	if d.failed != nil {
		t.Fatalf("test setup: %v", d.failed)
	}
	bev.waitFor(t, "the message", func() bool { return newMessagesWith(bev, "rotated") == 1 })
}
