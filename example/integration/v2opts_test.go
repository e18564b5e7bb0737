//go:build !js

package integration_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// recDoer forwards to the real devserver and records every request.
type recDoer struct {
	inner sdk.HTTPDoer
	mu    sync.Mutex
	reqs  []sdk.Request
}

func (d *recDoer) Do(ctx context.Context, r *sdk.Request) (*sdk.Response, error) {
	d.mu.Lock()
	d.reqs = append(d.reqs, *r)
	d.mu.Unlock()
	return d.inner.Do(ctx, r)
}

// matching returns the recorded requests whose URL contains path.
func (d *recDoer) matching(path string) []sdk.Request {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []sdk.Request
	for _, r := range d.reqs {
		if strings.Contains(r.URL, path) {
			out = append(out, r)
		}
	}
	return out
}

// sendTo posts text from c into room and returns the sent comment.
func sendTo(t *testing.T, c *sdk.Client, room int64, text string) *sdk.Comment {
	t.Helper()
	cm, err := c.SendComment(context.Background(), room, text, sdk.SendOptions{Type: "text"})
	if err != nil {
		t.Fatalf("send %q: %v", text, err)
	}
	return cm
}

func delivered(ev *events, uniq string) bool { return newMessagesWith(ev, uniq) > 0 }

// TestUpdateCommentStatusMode: in the disabled mode no "received" receipt
// goes out (not for a delivered message, not with a later read); "read"
// still does. The enabled and throttled modes send both. Before the mode
// was honoured the disabled row sent last_comment_received_id.
func TestUpdateCommentStatusMode(t *testing.T) {
	for _, tc := range []struct {
		mode     string
		received bool
	}{
		{sdk.UpdateStatusEnabled, true},
		{sdk.UpdateStatusThrottled, true},
		{sdk.UpdateStatusDisabled, false},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			e := newEnv(t)
			rec := &recDoer{inner: sdk.NetHTTPDoer{}}
			alice, aev := e.login(t, "alice", func(c *sdk.Config) {
				c.HTTP = rec
				c.UpdateCommentStatusMode = tc.mode
				c.UpdateStatusThrottle = 50 * time.Millisecond
			})
			bob, _ := e.login(t, "bob", nil)
			room := chatWith(t, bob, "alice")
			m := sendTo(t, bob, room.ID, "hello")
			aev.waitFor(t, "alice gets the message", func() bool { return delivered(aev, m.UniqueTempID) })
			if err := alice.ReadComment(room.ID, m.ID); err != nil {
				t.Fatal(err)
			}
			var reads []url.Values
			aev.waitFor(t, "a read receipt", func() bool {
				reads = reads[:0]
				for _, r := range rec.matching("/update_comment_status") {
					v, _ := url.ParseQuery(string(r.Body))
					reads = append(reads, v)
				}
				for _, v := range reads {
					if v.Get("last_comment_read_id") != "" {
						return true
					}
				}
				return false
			})
			sawReceived := false
			for _, v := range reads {
				if v.Get("last_comment_received_id") != "" {
					sawReceived = true
				}
			}
			if sawReceived != tc.received {
				t.Fatalf("mode %s: a received receipt was sent: %v, want %v (requests %v)", tc.mode, sawReceived, tc.received, reads)
			}
		})
	}
}

// TestUpdateLastReceivedCommentMovesSyncCursor: the application vouches
// for everything up to an id, so /sync starts after it; the cursor never
// moves back. Before, the call only changed the JS mirror and /sync
// delivered m1 and m2 again.
func TestUpdateLastReceivedCommentMovesSyncCursor(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	alice, aev := e.login(t, "alice", func(c *sdk.Config) {
		c.DisableRealtime = true
		c.SyncInterval = time.Hour // only the Sync below
	})
	bob, _ := e.login(t, "bob", nil)
	room := chatWith(t, bob, "alice")
	m1 := sendTo(t, bob, room.ID, "one")
	m2 := sendTo(t, bob, room.ID, "two")
	m3 := sendTo(t, bob, room.ID, "three")
	if got := alice.UpdateLastReceivedComment(m2.ID); got != m2.ID {
		t.Fatalf("cursor = %d, want %d", got, m2.ID)
	}
	if got := alice.UpdateLastReceivedComment(m1.ID); got != m2.ID {
		t.Fatalf("a lower id moved the cursor back to %d", got)
	}
	if err := alice.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if delivered(aev, m1.UniqueTempID) || delivered(aev, m2.UniqueTempID) {
		t.Fatal("/sync delivered comments at or below the cursor the app set")
	}
	if !delivered(aev, m3.UniqueTempID) {
		t.Fatal("/sync did not deliver the comment after the cursor")
	}
	if got := alice.LastReceivedCommentID(); got != m3.ID {
		t.Fatalf("cursor after sync = %d, want %d", got, m3.ID)
	}
}

// TestReceiptsReachRoomsNotSelected: a read receipt for a room the user
// opened earlier (now another room is selected) arrives by sync_event and
// marks that room's comment read. Before, receipts were applied to the
// selected room only and commentRead never fired.
func TestReceiptsReachRoomsNotSelected(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	alice, aev := e.login(t, "alice", func(c *sdk.Config) { c.SyncInterval = time.Hour; c.SyncOnConnect = -1 })
	bob, _ := e.login(t, "bob", nil)
	e.login(t, "carol", nil)
	r1 := chatWith(t, alice, "bob")
	m := sendTo(t, alice, r1.ID, "read me later")
	if _, err := alice.ChatTarget(ctx, "carol", sdk.ChatTargetOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := bob.ReadComment(r1.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	aev.waitFor(t, "commentRead for the room not selected", func() bool {
		_ = alice.SyncEvents(ctx)
		for _, ev := range eventsOf[sdk.CommentRead](aev) {
			if ev.Comment != nil && ev.Comment.UniqueTempID == m.UniqueTempID {
				return true
			}
		}
		return false
	})
	if ids := alice.KnownRoomIDs(); len(ids) != 2 {
		t.Fatalf("known rooms %v, want both opened rooms", ids)
	}
	alice.ClearRoomsCache()
	if ids := alice.KnownRoomIDs(); len(ids) != 1 || ids[0] == r1.ID {
		t.Fatalf("after ClearRoomsCache known rooms are %v, want only the selected one", ids)
	}
}

// TestChannelTopicFollowsSelection: getRoomById on a public channel
// follows {AppId}/{uniqueId}/c, so its messages arrive in realtime
// (periodic sync is off here); leaving the room drops the topic, checked
// against a later 1:1 message. Before, the channel message never arrived.
func TestChannelTopicFollowsSelection(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	alice, aev := e.login(t, "alice", func(c *sdk.Config) { c.SyncInterval = time.Hour; c.SyncOnConnect = -1 })
	bob, _ := e.login(t, "bob", nil)
	ch, err := bob.GetOrCreateRoomByUniqueID(ctx, "news-"+strings.ReplaceAll(t.Name(), "/", "-"), sdk.RoomOptions{Name: "News"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.GetRoomByID(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	m1 := sendTo(t, bob, ch.ID, "live in the channel")
	aev.waitFor(t, "the channel message in realtime", func() bool { return delivered(aev, m1.UniqueTempID) })

	alice.ExitChatRoom()
	m2 := sendTo(t, bob, ch.ID, "after alice left")
	dm := chatWith(t, bob, "alice")
	m3 := sendTo(t, bob, dm.ID, "a later 1:1 message")
	aev.waitFor(t, "the later 1:1 message", func() bool { return delivered(aev, m3.UniqueTempID) })
	if delivered(aev, m2.UniqueTempID) {
		t.Fatal("a channel message arrived after the channel was left")
	}
}

// TestStopSyncAndSyncOnlyWhenDisconnected: with SyncOnlyWhenDisconnected
// the periodic /sync stops while realtime is up and runs while
// CloseRealtimeConnection holds it down (bringing bob's message); after
// OpenRealtimeConnection messages arrive live again. StopSync stops the
// polling of a closed connection too, StartSync resumes it.
func TestStopSyncAndSyncOnlyWhenDisconnected(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	rec := &recDoer{inner: sdk.NetHTTPDoer{}}
	alice, aev := e.login(t, "alice", func(c *sdk.Config) {
		c.HTTP = rec
		c.SyncInterval = 20 * time.Millisecond
		c.SyncOnConnect = 20 * time.Millisecond
		c.SyncOnlyWhenDisconnected = true
	})
	bob, _ := e.login(t, "bob", nil)
	room := chatWith(t, bob, "alice")
	m0 := sendTo(t, bob, room.ID, "live")
	aev.waitFor(t, "a live message", func() bool { return delivered(aev, m0.UniqueTempID) })
	before := len(rec.matching("/sync?"))
	time.Sleep(300 * time.Millisecond) // fifteen SyncOnConnect periods
	if n := len(rec.matching("/sync?")) - before; n > 1 {
		t.Fatalf("%d periodic /sync while connected with SyncOnlyWhenDisconnected", n)
	}

	if err := alice.CloseRealtimeConnection(); err != nil {
		t.Fatal(err)
	}
	m1 := sendTo(t, bob, room.ID, "while closed")
	aev.waitFor(t, "the message by /sync while closed", func() bool { return delivered(aev, m1.UniqueTempID) })
	polled := len(rec.matching("/sync?"))
	aev.waitFor(t, "polling while closed", func() bool { return len(rec.matching("/sync?")) >= polled+2 })

	alice.StopSync()
	if err := alice.Sync(ctx); err != nil { // after any sync in flight
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // one the loop began before StopSync ends too
	stopped := len(rec.matching("/sync?"))
	m2 := sendTo(t, bob, room.ID, "while stopped")
	time.Sleep(300 * time.Millisecond) // fifteen SyncInterval periods
	if n := len(rec.matching("/sync?")) - stopped; n > 0 || delivered(aev, m2.UniqueTempID) {
		t.Fatalf("StopSync: %d more /sync, m2 delivered %v", n, delivered(aev, m2.UniqueTempID))
	}
	alice.StartSync()
	aev.waitFor(t, "StartSync brings the message", func() bool { return delivered(aev, m2.UniqueTempID) })

	if err := alice.OpenRealtimeConnection(); err != nil {
		t.Fatal(err)
	}
	aev.waitFor(t, "reconnected", func() bool { return len(eventsOf[sdk.Reconnected](aev)) > 0 })
	m3 := sendTo(t, bob, room.ID, "live again")
	aev.waitFor(t, "a live message after reopening", func() bool { return delivered(aev, m3.UniqueTempID) })
}

// TestAppConfigServerOnlyFields: extras, enable_sync and enable_sync_event
// come from the app config only; a custom broker_lb_url turns the balancer
// on. The devserver's config is fixed, so its response is rewritten here
// as an operator's config would be. Before, all four were ignored.
func TestAppConfigServerOnlyFields(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	cfgDoer := &configDoer{inner: sdk.NetHTTPDoer{},
		body: `{"status":200,"results":{"extras":"{\"app\":\"x\"}","enable_sync":false,"enable_sync_event":true,"broker_lb_url":"http://127.0.0.1:1/broker_lb"}}`}
	c, err := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: e.http.URL, MQTTURL: e.mqttURL(), HTTP: cfgDoer, WithConfig: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p := c.Settings()
	if string(p.Extras) != `{"app":"x"}` || p.Sync || !p.SyncEvent || !p.RealtimeLB || p.BrokerLBURL != "http://127.0.0.1:1/broker_lb" {
		t.Fatalf("settings after the app config: %+v", p)
	}
	if _, err := c.SetUser(ctx, "dora", "secret-dora", sdk.LoginOptions{Username: "Dora"}); err != nil {
		t.Fatal(err)
	}
	e.login(t, "bob", nil)
	room := chatWith(t, c, "bob")
	cm := sendTo(t, c, room.ID, "with default extras")
	if !strings.Contains(string(cm.Raw), `"app":"x"`) {
		t.Fatalf("sent comment has no default extras: %s", cm.Raw)
	}
}

// configDoer answers GET config with body and forwards everything else.
type configDoer struct {
	inner sdk.HTTPDoer
	body  string
}

func (d *configDoer) Do(ctx context.Context, r *sdk.Request) (*sdk.Response, error) {
	if strings.HasSuffix(r.URL, "/api/v2/sdk/config") {
		return &sdk.Response{Status: 200, Body: []byte(d.body)}, nil
	}
	return d.inner.Do(ctx, r)
}

// TestSetLoggerWhileRunning: debugMode switched on after Init reaches the
// logger the running client uses, and off again; run with -race.
func TestSetLoggerWhileRunning(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	alice, _ := e.login(t, "alice", nil)
	lg := &countLog{}
	alice.SetLogger(lg)
	if _, err := alice.GetUserProfile(ctx); err != nil {
		t.Fatal(err)
	}
	if lg.n() == 0 {
		t.Fatal("SetLogger: a REST call logged nothing")
	}
	alice.SetLogger(nil)
	n := lg.n()
	if _, err := alice.GetUserProfile(ctx); err != nil {
		t.Fatal(err)
	}
	if lg.n() != n {
		t.Fatal("SetLogger(nil): still logging")
	}
}

type countLog struct {
	mu    sync.Mutex
	lines int
}

func (l *countLog) add()                 { l.mu.Lock(); l.lines++; l.mu.Unlock() }
func (l *countLog) n() int               { l.mu.Lock(); defer l.mu.Unlock(); return l.lines }
func (l *countLog) Debug(string, ...any) { l.add() }
func (l *countLog) Info(string, ...any)  { l.add() }
func (l *countLog) Warn(string, ...any)  { l.add() }
func (l *countLog) Error(string, ...any) { l.add() }

// TestBrokerLoadBalancer: the configured broker is down; as v2 does after a
// close, the client asks the load balancer (the devserver's /broker_lb)
// and connects to the broker it names. Before, realtime never came up.
func TestBrokerLoadBalancer(t *testing.T) {
	e := newEnv(t)
	on := true
	alice, aev := e.login(t, "alice", func(c *sdk.Config) {
		c.MQTTURL = "ws://" + freeLoopbackAddr(t) + "/mqtt" // nothing listens there
		c.BrokerLBURL = e.http.URL + "/broker_lb"
		c.RealtimeLB = &on
		c.SyncOnConnect, c.SyncInterval = -1, time.Hour // messages only in realtime
	})
	aev.waitFor(t, "the broker from the balancer", func() bool { return alice.Settings().MQTTURL == e.mqttURL() })
	bob, _ := e.login(t, "bob", nil)
	room := chatWith(t, bob, "alice")
	m := sendTo(t, bob, room.ID, "through the balanced broker")
	aev.waitFor(t, "a realtime message", func() bool { return delivered(aev, m.UniqueTempID) })
}

// TestAppDefinedTypeOnTheClient: the client has no list of message types.
// sendComment posts an app-defined type with its payload untouched (the
// server decides whether it takes it: the devserver of this branch refuses
// unknown types with 400, the server-side change accepts them), a comment
// of such a type arriving in realtime reaches the app with its type and
// payload, and the one check the client makes, a payload that is JSON,
// still refuses before any request.
func TestAppDefinedTypeOnTheClient(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	rec := &recDoer{inner: sdk.NetHTTPDoer{}}
	alice, aev := e.login(t, "alice", func(c *sdk.Config) { c.HTTP = rec })
	bob, bev := e.login(t, "bob", nil)
	room := chatWith(t, bob, "alice")
	last := sendTo(t, bob, room.ID, "before the poll")
	aev.waitFor(t, "alice has the room's last message", func() bool { return delivered(aev, last.UniqueTempID) })

	payload := sdk.RawMessage(`{"question":"lunch?","options":["noodles","rice"]}`)
	cm, err := alice.SendComment(ctx, room.ID, "a poll", sdk.SendOptions{UniqueTempID: "poll-1", Type: "x-poll", Payload: payload})
	posts := rec.matching("/post_comment")
	if len(posts) == 0 {
		t.Fatalf("sendComment of an app-defined type made no request (err %v)", err)
	}
	body := string(posts[len(posts)-1].Body)
	if !strings.Contains(body, `"type":"x-poll"`) || !strings.Contains(body, `"options":["noodles","rice"]`) {
		t.Fatalf("post_comment body changed the type or payload: %s", body)
	}
	if err != nil {
		t.Fatalf("sendComment of an app-defined type: %v", err)
	}
	if cm.Type != "x-poll" {
		t.Fatalf("sent comment type %q", cm.Type)
	}
	// The server stored and published it: bob hears it with its type and payload.
	bev.waitFor(t, "the poll at bob", func() bool { return delivered(bev, "poll-1") })
	for _, ev := range eventsOf[sdk.MessageReceived](bev) {
		if ev.Comment != nil && ev.Comment.UniqueTempID == "poll-1" &&
			(ev.Comment.Type != "x-poll" || !strings.Contains(string(ev.Comment.Raw), `"options":["noodles","rice"]`)) {
			t.Fatalf("bob heard %s", ev.Comment.Raw)
		}
	}

	// Realtime: the server publishes an app-defined comment to alice.
	u := alice.User()
	raw := fmt.Sprintf(`{"id":%d,"comment_before_id":%d,"room_id":%d,"topic_id":%d,"unique_temp_id":"poll-live","email":"bob","username":"Bob","message":"vote","type":"x-poll","payload":%s,"timestamp":"2026-01-01T00:00:00Z","unix_timestamp":1767225600}`,
		last.ID+1000, last.ID, room.ID, room.ID, payload)
	if err := e.srv.PublishRaw(u.Token+"/c", []byte(raw), false); err != nil {
		t.Fatal(err)
	}
	aev.waitFor(t, "the app-defined comment in realtime", func() bool { return delivered(aev, "poll-live") })
	for _, ev := range eventsOf[sdk.MessageReceived](aev) {
		if ev.Comment != nil && ev.Comment.UniqueTempID == "poll-live" &&
			(ev.Comment.Type != "x-poll" || !strings.Contains(string(ev.Comment.Raw), `"options":["noodles","rice"]`)) {
			t.Fatalf("delivered as %s", ev.Comment.Raw)
		}
	}

	n := len(rec.matching("/post_comment"))
	if _, err := alice.SendComment(ctx, room.ID, "broken", sdk.SendOptions{Type: "x-poll", Payload: sdk.RawMessage(`{"question":`)}); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("a payload that is not JSON: err %v, want ErrInvalidArgument", err)
	}
	if len(rec.matching("/post_comment")) != n {
		t.Fatal("a payload that is not JSON was posted")
	}
}
