package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestAppDefinedTypes: a message type the app names itself goes through both
// post_comment endpoints, realtime, load_comments and both searches with its
// type and payload unchanged (exports and imports: TestExportImportRoundTrip).
func TestAppDefinedTypes(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Secret = restSecret })
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	g := e.restGroup("G", alice, bob)
	mb := e.mqtt("b", bob)
	mb.mustSubscribe(bob.Token + "/c")

	sticker := e.postJSON("post_comment", alice, map[string]any{"comment": "", "topic_id": g, "type": "sticker",
		"payload": map[string]any{"pack": "cats", "id": 7}, "unique_temp_id": "s1"})
	mustStatus(t, sticker, 200)
	poll := e.restPost(alice, g, "com.example.poll", "Lunch?", json.RawMessage(`["pizza", "soup"]`))
	mustStatus(t, poll, 200)

	want := []struct{ typ, payload string }{{"sticker", `{"pack":"cats","id":7}`}, {"com.example.poll", `["pizza","soup"]`}}
	for i, w := range want {
		m := mb.nextJSON(bob.Token + "/c")
		checkFields(t, m, []fieldWant{{"type", w.typ}})
		if got := compactJSON(t, m.get("payload")); got != compactJSON(t, json.RawMessage(w.payload)) {
			t.Errorf("realtime %d: payload %s, want %s", i, got, w.payload)
		}
	}
	r := e.get(fmt.Sprint("load_comments?topic_id=", g), bob)
	checkFields(t, r, []fieldWant{
		{"results.comments.0.type", "com.example.poll"}, {"results.comments.0.message", "Lunch?"},
		{"results.comments.1.type", "sticker"}, {"results.comments.1.unique_temp_id", "s1"},
	})
	if got := compactJSON(t, r.get("results.comments.0.payload")); got != `["pizza","soup"]` {
		t.Errorf("load_comments: poll payload %s", got)
	}
	r = e.postJSON("search", bob, map[string]any{"type": "sticker"})
	checkFields(t, r, []fieldWant{{"results.total", 1}, {"results.comments.0.unique_temp_id", "s1"}})
	r = e.restForm("search_messages", url.Values{"user_email": {"bob"}, "query": {"Lunch"}})
	checkFields(t, r, []fieldWant{{"results.comments.0.type", "com.example.poll"}})
	// update_message keeps the type and takes any JSON payload.
	r = e.postJSON("update_message", alice, map[string]any{"unique_id": "s1", "payload": map[string]any{"pack": "dogs"}})
	checkFields(t, r, []fieldWant{{"results.comment.type", "sticker"}, {"results.comment.payload.pack", "dogs"}})
}

// TestAppDefinedTypeNames: names are checked at both doors, before anything is
// stored; the longest allowed name passes.
func TestAppDefinedTypeNames(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Secret = restSecret })
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	g := e.restGroup("G", alice, bob)
	for _, tt := range []struct{ name, typ, msg string }{
		{"65 characters", strings.Repeat("t", 65), "type is too long (max 64 characters)"},
		{"space", "my type", "may only hold ASCII letters"},
		{"topic wildcard", "a/+/#", "may only hold ASCII letters"},
		{"markup", "<script>alert(1)</script>", "may only hold ASCII letters"},
		{"SQL", "x'; DROP TABLE comments; --", "may only hold ASCII letters"},
		{"newline", "stic\nker", "may only hold ASCII letters"},
		{"NUL", "st\x00icker", "may only hold ASCII letters"},
		{"non-ASCII", "стикер", "may only hold ASCII letters"},
		{"homoglyph", "stіcker", "may only hold ASCII letters"}, // Cyrillic і
		{"reserved system_event", "system_event", "post_system_event_message"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e.unchanged(func() {
				checkError(t, e.postJSON("post_comment", alice, map[string]any{"comment": "x", "topic_id": g, "type": tt.typ}), 400, tt.msg)
				checkError(t, e.restPost(alice, g, tt.typ, "x", nil), 400, tt.msg)
				if !strings.Contains(tt.name, "reserved") {
					checkError(t, e.postJSON("search", alice, map[string]any{"type": tt.typ}), 400, tt.msg)
				}
			})
		})
	}
	long := strings.Repeat("t", 64)
	checkFields(t, e.postJSON("post_comment", alice, map[string]any{"comment": "x", "topic_id": g, "type": long}),
		[]fieldWant{{"results.comment.type", long}})
	checkFields(t, e.restPost(alice, g, "A-z_0.9:x", "x", nil), []fieldWant{{"results.comment.type", "A-z_0.9:x"}})
}

func compactJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(out)
	return string(b)
}
