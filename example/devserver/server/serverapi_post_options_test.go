package server

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/chat"
)

// TestRESTPostSkipRealtime: skip_realtime=true stores the message without
// publishing it. A real MQTT subscriber gets the next, ordinary post as its
// first message, and load_comments shows both.
func TestRESTPostSkipRealtime(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Secret = restSecret })
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	g := e.restGroup("G", alice, bob)
	mb := e.mqtt("b", bob)
	mb.mustSubscribe(bob.Token + "/c")

	quiet := e.restJSON("post_comment", map[string]any{"sender_email": "alice", "room_id": fmt.Sprint(g),
		"message": "history only", "skip_realtime": true, "unique_temp_id": "q1"})
	mustStatus(t, quiet, 200)
	mustStatus(t, e.restJSON("post_comment", map[string]any{"sender_email": "alice", "room_id": fmt.Sprint(g),
		"message": "live", "unique_temp_id": "l1"}), 200)
	// Publishes leave in commit order, so had "history only" been published,
	// it would come first.
	checkFields(t, mb.nextJSON(bob.Token+"/c"), []fieldWant{{"unique_temp_id", "l1"}})
	checkFields(t, e.get(fmt.Sprint("load_comments?topic_id=", g), bob), []fieldWant{
		{"results.comments.0.unique_temp_id", "l1"}, {"results.comments.1.unique_temp_id", "q1"},
		{"results.comments.1.message", "history only"},
	})
	checkFields(t, e.get("sync?last_received_comment_id=0", bob), []fieldWant{{"results.comments.0.unique_temp_id", "q1"}})
	checkError(t, e.restJSON("post_comment", map[string]any{"sender_email": "alice", "room_id": fmt.Sprint(g),
		"message": "x", "skip_realtime": "sometimes"}), 400, "skip_realtime must be true or false")
}

// TestRESTPostSplitLongMessage: split_long_message=true turns a text over
// 4000 characters into consecutive messages of at most 4000 that add up to
// it, published in order; a retry posts nothing new.
func TestRESTPostSplitLongMessage(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Secret = restSecret })
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	g := e.restGroup("G", alice, bob)
	mb := e.mqtt("b", bob)
	mb.mustSubscribe(bob.Token + "/c")

	long := strings.Repeat("lorem ipsum é ", 700) // 9800 characters
	body := map[string]any{"sender_email": "alice", "room_id": fmt.Sprint(g), "message": long,
		"split_long_message": true, "unique_temp_id": "long"}
	r := e.restJSON("post_comment", body)
	mustStatus(t, r, 200)
	parts := r.list("results.comments")
	if len(parts) != 3 {
		t.Fatalf("%d parts, want 3: %.300s", len(parts), r.raw)
	}
	var joined strings.Builder
	for i, p := range parts {
		m := p.(map[string]any)
		msg := m["message"].(string)
		if n := utf8.RuneCountInString(msg); n > chat.MaxMessageLength || n < chat.MaxMessageLength*7/8 && i < 2 {
			t.Errorf("part %d has %d characters", i+1, n)
		}
		want := "long" // the first part keeps the id; the others get -part{n}
		if i > 0 {
			want += fmt.Sprintf("-part%d", i+1)
		}
		if m["unique_temp_id"] != want {
			t.Errorf("part %d: unique_temp_id %v, want %s", i+1, m["unique_temp_id"], want)
		}
		if i < 2 && !strings.HasSuffix(msg, " ") {
			t.Errorf("part %d splits a word: ends %q", i+1, msg[len(msg)-10:])
		}
		joined.WriteString(msg)
		checkFields(t, mb.nextJSON(bob.Token+"/c"), []fieldWant{{"unique_temp_id", m["unique_temp_id"]}})
	}
	if joined.String() != long {
		t.Error("the parts do not add up to the message")
	}
	checkFields(t, r, []fieldWant{{"results.comment.unique_temp_id", "long"}})

	before := e.count("comments", "")
	again := e.restJSON("post_comment", body)
	mustStatus(t, again, 200)
	if got, want := field(again.list("results.comments"), "id"), field(parts, "id"); !slices.Equal(got, want) {
		t.Errorf("retry: ids %v, want %v", got, want)
	}
	if n := e.count("comments", ""); n != before {
		t.Errorf("retry stored %d comments", n-before)
	}
	// Nothing was published for the retry: the next message is a later post.
	mustStatus(t, e.restJSON("post_comment", map[string]any{"sender_email": "alice", "room_id": fmt.Sprint(g),
		"message": "after", "unique_temp_id": "after"}), 200)
	checkFields(t, mb.nextJSON(bob.Token+"/c"), []fieldWant{{"unique_temp_id", "after"}})

	errs := []struct {
		name string
		body map[string]any
		msg  string
	}{
		{"too long without the option", map[string]any{"message": long}, "message is too long (max 4000 characters)"},
		{"too many parts", map[string]any{"message": strings.Repeat("x", chat.MaxMessageLength*25+1),
			"split_long_message": true}, "too long to split (max 25 parts"},
		{"not text", map[string]any{"message": long, "type": "sticker", "split_long_message": true}, "message is too long"},
		{"with a payload", map[string]any{"message": long, "split_long_message": true, "payload": map[string]any{"a": 1}}, "takes no payload"},
		{"a blank part", map[string]any{"message": "a" + strings.Repeat(" ", 9000), "split_long_message": true}, "part 2 of the split message would be blank"},
		{"unique id too long for the suffixes", map[string]any{"message": long, "split_long_message": true,
			"unique_temp_id": strings.Repeat("u", 250)}, "unique_temp_id is too long"},
		{"bad flag", map[string]any{"message": "x", "split_long_message": "yes please"}, "split_long_message must be true or false"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			tt.body["sender_email"], tt.body["room_id"] = "alice", fmt.Sprint(g)
			e.unchanged(func() { checkError(t, e.restJSON("post_comment", tt.body), 400, tt.msg) })
		})
	}
	// Short text with the option: one message, as without it.
	r = e.restJSON("post_comment", map[string]any{"sender_email": "alice", "room_id": fmt.Sprint(g), "message": "short",
		"split_long_message": true, "unique_temp_id": "short"})
	if got := field(r.list("results.comments"), "unique_temp_id"); !slices.Equal(got, []string{"short"}) {
		t.Errorf("short message: parts %v", got)
	}
}
