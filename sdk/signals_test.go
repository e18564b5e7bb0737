package sdk

import (
	"strings"
	"testing"
)

// TestHostileSignalPayloadsAreDropped feeds what any room member (or anyone
// who can publish on the broker) may send on the typing, custom event and
// receipt topics to the routing function. Nothing may panic (onPublish's
// recover is a last resort, not the parser) and nothing malformed may reach
// the app; a valid payload afterwards still gets through.
func TestHostileSignalPayloadsAreDropped(t *testing.T) {
	huge := `{"status":"typing_on","sender_id":"bot","sender_name":"Bot","text":"` + strings.Repeat("x", 2<<20) + `"}`
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	hostile := []string{
		"null", "", " ", "true", "2", `"str"`, "[]", "[null]", "{", "}", "\xff\xfe", deep,
		`{"a":` + deep[:50000] + `}`,
	}
	perTopic := map[string][]string{
		"r/12/typing": {
			huge,
			`{"status":1,"sender_id":"bot","sender_name":"Bot"}`,
			`{"status":"typing_on","sender_id":{"x":1},"sender_name":"Bot"}`,
			`{"status":"typing_on","sender_id":"bot","sender_name":"Bot","text":["a"]}`,
			`{"status":"typing_on","sender_id":"bot","sender_name":"B\xffot"}`,
			`{"status":null}`,
		},
		"r/12/12/e": {
			`{"sender":5,"data":{}}`,
			`{"sender":"bob","data":"\xff"}`,
			`{"sender":"bob"}`,
			`{"sender":"bob","data":null}`,
			`{"sender":"bob","data":[1]}`,
			`{"sender":"bob","data":{}} trailing`,
		},
		"r/12/12/bob/d": {"x:y", "0:u", "-1:u", "99999999999999999999:u", "5", ":", "5:\xff"},
		"r/12/12/bob/r": {"x:y", "0:u", "-1:u", "5"},
		"r/12/12/bob/t": {"maybe", "10", "1 "},
		"u/bob/s":       {"online", "1:x", "2:1", "1:" + strings.Repeat("9", 40)},
	}
	c, rec := testClient(t)
	var events []RawMessage
	c.mu.Lock()
	c.eventSubs["12"] = func(ev RawMessage) { events = append(events, ev) }
	c.mu.Unlock()
	for topic, extra := range perTopic {
		for _, p := range append(append([]string{}, hostile...), extra...) {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("route(%q, %.40q) panicked: %v", topic, p, r)
					}
				}()
				c.route(topic, []byte(p))
			}()
		}
	}
	if len(rec.evs) != 0 || len(events) != 0 {
		for _, e := range rec.evs {
			t.Errorf("malformed input produced event %T %.200v", e, e)
		}
		for _, e := range events {
			t.Errorf("malformed input reached the custom event subscriber: %.200s", e)
		}
		t.FailNow()
	}
	c.route("r/12/typing", []byte(`{"status":"typing_on","sender_id":"bot","sender_name":"Bot","text":"hmm"}`))
	c.route("r/12/12/e", []byte(`{"sender":"bob","data":{"k":1}}`))
	c.route("r/12/12/e", []byte(`{"data":{"k":2}}`)) // the official v2 client sends no sender
	if n := len(eventsOf[RoomTyping](rec)); n != 1 {
		t.Fatalf("valid room typing fired onRoomTyping %d times, want 1", n)
	}
	if len(events) != 2 {
		t.Fatalf("valid custom events delivered %d times, want 2", len(events))
	}
}
