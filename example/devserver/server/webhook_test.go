package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

// hookRequest is one request a test receiver got.
type hookRequest struct {
	body               map[string]any
	delivery, attempt  string
	contentType, agent string
}

// receiver is a local webhook endpoint; status decides each answer (n is 1-based).
func receiver(t *testing.T, status func(n int64) int) (*httptest.Server, chan hookRequest) {
	t.Helper()
	got := make(chan hookRequest, 64)
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Errorf("webhook body is not JSON: %v: %s", err, b)
		}
		got <- hookRequest{m, r.Header.Get("X-Qiscus-Webhook-Delivery"), r.Header.Get("X-Qiscus-Webhook-Attempt"),
			r.Header.Get("Content-Type"), r.Header.Get("User-Agent")}
		w.WriteHeader(status(n.Add(1)))
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func nextHook(t *testing.T, got chan hookRequest) hookRequest {
	t.Helper()
	select {
	case h := <-got:
		return h
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook request")
		return hookRequest{}
	}
}

func hookEnv(t *testing.T, url string, attempts int) *testEnv {
	return newEnv(t, func(c *Config) {
		c.WebhookURL, c.WebhookMaxAttempts, c.WebhookBackoff = url, attempts, 10*time.Millisecond
	})
}

// The receiver fails twice, then succeeds: three attempts, one success, and the
// documented payload.
func TestWebhookRetries(t *testing.T) {
	srv, got := receiver(t, func(n int64) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	e := hookEnv(t, srv.URL, 5)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	mustStatus(t, e.restForm("login_or_register", url.Values{"email": {"bob"}, "password": {bob.Password},
		"avatar_url": {"http://avatar2.jpg"}}), 200)
	room := e.restGroup("ini grup", alice, bob)
	r := e.restPost(alice, room, "text", "ini pesan", nil)
	mustStatus(t, r, 200)
	id := r.num("results.comment.id")

	var hs []hookRequest
	for range 3 {
		hs = append(hs, nextHook(t, got))
	}
	for i, h := range hs {
		if h.attempt != fmt.Sprint(i+1) || h.delivery == "" || h.delivery != hs[0].delivery {
			t.Errorf("request %d: attempt %q delivery %q (first %q)", i, h.attempt, h.delivery, hs[0].delivery)
		}
		if h.contentType != "application/json" {
			t.Errorf("Content-Type %q", h.contentType)
		}
	}
	w := resp{body: hs[2].body}
	checkFields(t, w, []fieldWant{
		{"type", "post_comment_rest"},
		{"payload.from.id", int(alice.PK)}, {"payload.from.email", "alice"}, {"payload.from.name", "Alice"},
		{"payload.room.id", int(room)}, {"payload.room.topic_id", int(room)}, {"payload.room.type", "group"},
		{"payload.room.name", "ini grup"},
		{"payload.room.participants.0.id", int(alice.PK)}, {"payload.room.participants.0.email", "alice"},
		{"payload.room.participants.0.username", "Alice"}, {"payload.room.participants.0.avatar_url", ""},
		{"payload.room.participants.1.id", int(bob.PK)}, {"payload.room.participants.1.email", "bob"},
		{"payload.room.participants.1.username", "Bob"}, {"payload.room.participants.1.avatar_url", "http://avatar2.jpg"},
		{"payload.message.type", "text"}, {"payload.message.text", "ini pesan"}, {"payload.message.id", int(id)},
	})
	jsonEq(t, "payload.message.payload", w.get("payload.message.payload"), `{}`)

	eventually(t, 5*time.Second, "3 recorded attempts", func() bool {
		return e.count("webhook_deliveries", "delivery_id = ?", hs[0].delivery) == 3
	})
	if n := e.count("webhook_deliveries", "delivery_id = ? AND success = 1", hs[0].delivery); n != 1 {
		t.Errorf("%d successes recorded, want exactly 1", n)
	}
	if n := e.count("webhook_deliveries", "delivery_id = ? AND success = 0 AND status_code = 500 AND error = 'HTTP 500' AND attempt IN (1, 2)", hs[0].delivery); n != 2 {
		t.Errorf("%d failed attempts recorded, want 2", n)
	}
	if n := e.count("webhook_deliveries", "delivery_id = ? AND success = 1 AND attempt = 3 AND status_code = 200 AND comment_id = ? AND event_type = 'post_comment_rest' AND url = ?",
		hs[0].delivery, id, srv.URL); n != 1 {
		t.Error("the success is not attempt 3 with status 200")
	}
	select {
	case h := <-got:
		t.Errorf("request after the success: attempt %s", h.attempt)
	case <-time.After(200 * time.Millisecond):
	}

	t.Run("system events are post_comment_rest too", func(t *testing.T) {
		e := e.in(t)
		mustStatus(t, e.restForm("post_system_event_message", url.Values{"system_event_type": {"join_room"},
			"room_id": {fmt.Sprint(room)}, "subject_email": {"bob"}}), 200)
		h := nextHook(t, got)
		checkFields(t, resp{body: h.body}, []fieldWant{{"type", "post_comment_rest"}, {"payload.message.type", "system_event"},
			{"payload.message.text", "Bob joined room"}, {"payload.message.payload.type", "join_room"}, {"payload.from.name", "System"}})
	})
	t.Run("refused posts send nothing", func(t *testing.T) {
		e := e.in(t)
		checkError(t, e.restPost(alice, room, "custom", "x", json.RawMessage(`{}`)), 400, "needs a type")
		select {
		case h := <-got:
			t.Errorf("webhook for a refused post: %v", h.body)
		case <-time.After(200 * time.Millisecond):
		}
	})
}

// SDK posts are post_comment_mobile; a receiver that hangs slows neither the
// post nor its realtime fan-out.
func TestWebhookMobileSlowReceiver(t *testing.T) {
	release := make(chan struct{})
	got := make(chan map[string]any, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		got <- m
	}))
	t.Cleanup(srv.Close)
	var once atomic.Bool
	releaseOnce := func() {
		if once.CompareAndSwap(false, true) {
			close(release)
		}
	}
	t.Cleanup(releaseOnce) // runs before srv.Close
	e := hookEnv(t, srv.URL, 3)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	room := e.chat(alice, bob)
	mb := e.mqtt("dev_bob_1", bob)
	mb.mustSubscribe(bob.Token + "/c")

	for i := range 3 {
		start := time.Now()
		r := e.postJSON("post_comment", alice, map[string]any{"comment": fmt.Sprint("deal ", i), "topic_id": room, "type": "card",
			"payload": map[string]any{"title": "T", "image_url": "http://x/i.png"}})
		mustStatus(t, r, 200)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("post %d took %s with a hanging webhook receiver", i, d)
		}
		if m := mb.next(); m.Topic != bob.Token+"/c" {
			t.Errorf("fan-out topic %s", m.Topic)
		}
	}
	releaseOnce()
	seen := map[string]bool{}
	for range 3 {
		select {
		case m := <-got:
			w := resp{body: m}
			if w.str("type") != "post_comment_mobile" || w.str("payload.message.type") != "card" ||
				w.str("payload.message.payload.image") != "http://x/i.png" || w.str("payload.room.type") != "single" ||
				w.str("payload.from.email") != "alice" || w.str("payload.room.name") != "alice bob" {
				t.Errorf("webhook body %v", m)
			}
			seen[w.str("payload.message.text")] = true
		case <-time.After(10 * time.Second):
			t.Fatal("webhooks not delivered after the receiver recovered")
		}
	}
	if len(seen) != 3 {
		t.Errorf("messages %v", seen)
	}
}

// A dead receiver: the bounded attempts are all recorded as failures, then the
// delivery is given up.
func TestWebhookDeadReceiverGivesUp(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	e := hookEnv(t, deadURL, 3)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	room := e.restGroup("g", alice, bob)
	start := time.Now()
	mustStatus(t, e.restPost(alice, room, "text", "anyone?", nil), 200)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("post took %s with a dead receiver", d)
	}
	eventually(t, 10*time.Second, "3 failed attempts", func() bool { return e.count("webhook_deliveries", "") == 3 })
	time.Sleep(150 * time.Millisecond) // no fourth attempt
	if n := e.count("webhook_deliveries", "success = 0 AND status_code = 0 AND error != ''"); n != 3 {
		t.Errorf("%d failed attempts recorded, want 3", n)
	}
	if n := e.count("webhook_deliveries", ""); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

// Without a webhook URL nothing is queued or recorded.
func TestWebhookOff(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	mustStatus(t, e.restPost(alice, e.restGroup("g", alice, bob), "text", "x", nil), 200)
	if e.s.webhooks != nil || e.count("webhook_deliveries", "") != 0 {
		t.Error("webhooks active without a URL")
	}
}
