package sdk

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func comment(id int64, uniq string) *Comment {
	return &Comment{ID: id, RoomID: 1, UniqueTempID: uniq, Email: "bob", Status: StatusSent,
		Raw: RawMessage(fmt.Sprintf(`{"id":%d,"room_id":1,"unique_temp_id":%q,"email":"bob","message":"m"}`, id, uniq))}
}

// recorder collects events for assertions. Reading it first waits for the
// events emitted so far (they are delivered from the event goroutine).
type recorder struct {
	c   *Client
	mu  sync.Mutex
	evs []Event
}

func (r *recorder) on(ev Event) { r.mu.Lock(); r.evs = append(r.evs, ev); r.mu.Unlock() }

func (r *recorder) all() []Event {
	_ = r.c.FlushEvents(context.Background())
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.evs...)
}

// eventsOf is the events of type T so far, in order.
func eventsOf[T Event](r *recorder) []T {
	_ = r.c.FlushEvents(context.Background())
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []T
	for _, e := range r.evs {
		if x, ok := e.(T); ok {
			out = append(out, x)
		}
	}
	return out
}

func testClient(t *testing.T) (*Client, *recorder) {
	t.Helper()
	c := NewClient()
	rec := &recorder{c: c}
	c.cfg = Config{AppID: "dev", OnEvent: rec.on}.withDefaults()
	c.inited = true
	c.user = &User{Email: "alice", Username: "Alice", Token: "tok"}
	t.Cleanup(func() { c.Close() })
	return c, rec
}

func TestDeliverFiresOnceAcrossPaths(t *testing.T) {
	c, rec := testClient(t)
	c.deliver(comment(7, "u7"), false) // MQTT
	c.deliver(comment(7, "u7"), false) // sync
	c.deliver(comment(7, "u7"), true)  // send response
	if n := len(eventsOf[MessageReceived](rec)); n != 1 {
		t.Fatalf("newMessages fired %d times, want 1", n)
	}
}

func TestBackoffBoundsAndJitter(t *testing.T) {
	base, ceil := 100*time.Millisecond, 2*time.Second
	for attempt := 0; attempt < 12; attempt++ {
		want := base << attempt
		if want > ceil || want <= 0 {
			want = ceil
		}
		seen := map[time.Duration]bool{}
		for i := 0; i < 50; i++ {
			d := backoff(attempt, base, ceil)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, want/2, want)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Fatalf("attempt %d: no jitter", attempt)
		}
	}
}

func TestReceiptAggregationInGroup(t *testing.T) {
	c, rec := testClient(t)
	mine := func(id int64) *Comment {
		return &Comment{ID: id, RoomID: 1, Email: "alice", Status: StatusSent, Raw: RawMessage(fmt.Sprintf(`{"id":%d}`, id))}
	}
	c.selected = &Room{ID: 1, ChatType: "group", Participants: []Participant{{Email: "alice"}, {Email: "bob"}, {Email: "carol"}},
		Comments: []*Comment{mine(1), mine(2), comment(3, "x")}}
	status := func() string {
		var s []string
		for _, cm := range c.selected.Comments {
			s = append(s, cm.Status)
		}
		return strings.Join(s, ",")
	}
	steps := []struct {
		user      string
		id        int64
		read      bool
		want      string
		wantEvent string
	}{
		{"bob", 2, true, "sent,sent,sent", ""},                       // carol has neither
		{"carol", 2, false, "delivered,delivered,sent", "delivered"}, // all got it, bob read it
		{"carol", 1, true, "read,delivered,sent", "read"},
		{"carol", 2, true, "read,read,sent", "read"},
		{"alice", 3, true, "read,read,sent", ""}, // own receipts are ignored
	}
	count := map[string]func() int{
		"read":      func() int { return len(eventsOf[CommentRead](rec)) },
		"delivered": func() int { return len(eventsOf[CommentDelivered](rec)) },
	}
	for i, s := range steps {
		before := len(eventsOf[CommentRead](rec)) + len(eventsOf[CommentDelivered](rec))
		c.handleRoomSignal(1, "1", s.user, map[bool]string{true: "r", false: "d"}[s.read], []byte(fmt.Sprintf("%d:u", s.id)))
		if got := status(); got != s.want {
			t.Fatalf("step %d: statuses %s, want %s", i, got, s.want)
		}
		after := len(eventsOf[CommentRead](rec)) + len(eventsOf[CommentDelivered](rec))
		if (s.wantEvent != "") != (after == before+1) {
			t.Fatalf("step %d: receipt events %d→%d, want event %q", i, before, after, s.wantEvent)
		}
		if s.wantEvent != "" {
			if n := count[s.wantEvent](); n == 0 {
				t.Fatalf("step %d: no %s event", i, s.wantEvent)
			}
		}
	}
}

func TestRouteSkipsMalformedAndKeepsGoing(t *testing.T) {
	c, rec := testClient(t)
	bad := [][2]string{
		{"tok/c", "not json"},
		{"tok/c", `{"id":"x"}`},
		{"tok/c", `[1,2]`},
		{"tok/c", ``},
		{"u/bob/s", "online"},
		{"u/bob/s", ""},
		{"r/1/1/bob/t", "maybe"},
		{"r/1/1/bob/d", "x:y"},
		{"r/x/x/bob/t", "1"},
		{"r/1/1/e", "{"},
		{"tok/n", "nope"},
		{"weird/topic/that/is/long/very", "1"},
	}
	for _, b := range bad {
		c.route(b[0], []byte(b[1]))
	}
	if evs := rec.all(); len(evs) != 0 {
		t.Fatalf("malformed input produced events: %+v", evs)
	}
	c.route("tok/c", []byte(`{"id":10,"room_id":1,"unique_temp_id":"ok","email":"bob","message":"hi"}`))
	c.route("u/bob/s", []byte("1:1700000000000"))
	c.route("u/bob/s", []byte("0"))
	c.route("r/1/1/bob/t", []byte("1"))
	if n := len(eventsOf[MessageReceived](rec)); n != 1 {
		t.Fatalf("newMessages = %d, want 1", n)
	}
	if n := len(eventsOf[PresenceChanged](rec)); n != 2 {
		t.Fatalf("presence = %d, want 2", n)
	}
	ty := eventsOf[TypingChanged](rec)
	if len(ty) != 1 {
		t.Fatalf("typing = %d, want 1", len(ty))
	}
	if want := (TypingChanged{RoomID: 1, UserID: "bob", Typing: true}); ty[0] != want {
		t.Fatalf("typing = %+v, want %+v", ty[0], want)
	}
}

func TestParamsEncoding(t *testing.T) {
	p := (&params{}).set("a", "x y").set("n", int64(5)).set("b", true).set("arr", []string{"p", "q"}).set("skip", nil)
	if got, want := p.encode(), "a=x+y&n=5&b=true&arr%5B%5D=p&arr%5B%5D=q"; got != want {
		t.Fatalf("encode = %q, want %q", got, want)
	}
}

func TestNewUniqueID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		id := NewUniqueID()
		if !strings.HasPrefix(id, "javascript-") || len(id) != len("javascript-")+21 {
			t.Fatalf("bad id %q", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
}

func TestThumbnailURL(t *testing.T) {
	tests := []struct{ in, want, blurry string }{
		{"https://res.cloudinary.com/q/image/upload/v1/a.jpg",
			"https://res.cloudinary.com/q/image/upload/w_320,h_320,c_limit/v1/a.png",
			"https://res.cloudinary.com/q/image/upload/w_320,h_320,c_limit,e_blur:300/v1/a.png"},
		{"https://example.com/upload/no-extension", "https://example.com/upload/no-extension", "https://example.com/upload/no-extension"},
		{"not a url /upload/x.jpg", "not a url /upload/x.jpg", "not a url /upload/x.jpg"},
		{"https://example.com/files/a.jpg", "https://example.com/files/a.jpg", "https://example.com/files/a.jpg"},
		{"https://example.com/upload/.jpg", "https://example.com/upload/.jpg", "https://example.com/upload/.jpg"},
	}
	for _, tt := range tests {
		if got := ThumbnailURL(tt.in, false); got != tt.want {
			t.Errorf("ThumbnailURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := ThumbnailURL(tt.in, true); got != tt.blurry {
			t.Errorf("blurry(%q) = %q, want %q", tt.in, got, tt.blurry)
		}
	}
}

// r/{room}/typing comes from bots on Qiscus's broker; the devserver has
// no producer, so the routing is tested here.
func TestRoomTypingRouting(t *testing.T) {
	c, rec := testClient(t)
	c.route("r/12/typing", []byte(`{"status":"typing_on","sender_id":"bot","sender_name":"Bot","text":"hmm","room_id":"999"}`))
	c.route("r/12/typing", []byte(`not json`))
	rt := eventsOf[RoomTyping](rec)
	if len(rt) != 1 {
		t.Fatalf("onRoomTyping fired %d times, want 1", len(rt))
	}
	if e := rt[0]; e.RoomID != 12 || e.Status != "typing_on" || e.SenderID != "bot" || e.SenderName != "Bot" || e.Text != "hmm" {
		t.Fatalf("room typing = %+v (the room id must come from the topic)", e)
	}
}
