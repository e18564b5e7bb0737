package server

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var blockUserFields = []string{"id", "id_str", "email", "username", "avatar_url", "avatar", "extras"}

func TestBlockUnblock(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice", "Alice")
	for _, id := range []string{"bob", "carol", "dave"} {
		e.login(id, strings.ToUpper(id[:1])+id[1:])
	}
	for _, ep := range []string{"block_user", "unblock_user"} {
		t.Run(ep+" shape", func(t *testing.T) {
			e := e.in(t)
			r := e.form(ep, alice, "user_email=bob")
			mustStatus(t, r, 200)
			checkFields(t, r, []fieldWant{
				{"results.user.email", "bob"}, {"results.user.username", "Bob"}, {"results.user.avatar_url", ""},
				{"results.user.avatar.avatar.url", ""}, {"results.user.id_str", fmt.Sprint(r.num("results.user.id"))},
			})
			m := r.get("results.user").(map[string]any)
			for _, k := range blockUserFields {
				if _, ok := m[k]; !ok {
					t.Errorf("user has no %s", k)
				}
			}
			if _, ok := m["token"]; ok {
				t.Error("another user's token leaked")
			}
		})
	}
	for _, id := range []string{"carol", "bob", "dave", "bob"} { // repeating is a no-op
		mustStatus(t, e.form("block_user", alice, "user_email="+id), 200)
	}
	tests := []struct {
		name, query string
		want        []string
	}{
		{"all", "", []string{"carol", "bob", "dave"}},
		{"page 1", "?page=1&limit=2", []string{"carol", "bob"}},
		{"page 2", "?page=2&limit=2", []string{"dave"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.get("get_blocked_users"+tt.query, alice)
			mustStatus(t, r, 200)
			if got := field(r.list("results.blocked_users"), "email"); !slices.Equal(got, tt.want) {
				t.Errorf("blocked_users %v, want %v", got, tt.want)
			}
			if got := field(r.list("results.users"), "email"); !slices.Equal(got, tt.want) {
				t.Errorf("users %v, want %v", got, tt.want)
			}
			checkFields(t, r, []fieldWant{{"results.total", 3}})
		})
	}
	mustStatus(t, e.form("unblock_user", alice, "user_email=bob"), 200)
	if got := field(e.get("get_blocked_users", alice).list("results.blocked_users"), "email"); !slices.Equal(got, []string{"carol", "dave"}) {
		t.Errorf("after unblock: %v", got)
	}
	if l := e.get("get_blocked_users", e.login("bob", "Bob")).list("results.blocked_users"); l == nil || len(l) != 0 {
		t.Errorf("bob's list %v, want []", l)
	}
	for _, ep := range []string{"block_user", "unblock_user"} {
		checkError(t, e.form(ep, alice, "user_email=alice"), 400, "cannot block or unblock yourself")
		checkError(t, e.form(ep, alice, "user_email=nobody"), 404, `user_email: user not found: "nobody"`)
		checkError(t, e.form(ep, alice, ""), 400, "user_email is required")
		checkError(t, e.form(ep, nil, "user_email=bob"), 401, "missing token")
	}
}

func TestGetUserList(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice", "Alice")
	e.login("bob", "Bobby")
	e.login("carol", "Carol")
	e.login("rob_x", "R")
	tests := []struct {
		name, query string
		want        []string
		total, page int
	}{
		{"everyone", "", []string{"alice", "bob", "carol", "rob_x"}, 4, 1},
		{"by id or name, any case", "?query=OB", []string{"bob", "rob_x"}, 2, 1},
		{"by name", "?query=bobby", []string{"bob"}, 1, 1},
		{"underscore is literal", "?query=b_", []string{"rob_x"}, 1, 1},
		{"paged", "?page=2&limit=3", []string{"rob_x"}, 4, 2},
		{"nobody", "?query=zzz", []string{}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.get("get_user_list"+tt.query, alice)
			mustStatus(t, r, 200)
			if got := field(r.list("results.users"), "email"); !slices.Equal(got, tt.want) {
				t.Errorf("users %v, want %v", got, tt.want)
			}
			checkFields(t, r, []fieldWant{{"results.meta.total_data", tt.total}, {"results.meta.total_page", tt.page}})
		})
	}
	checkError(t, e.get("get_user_list?limit=x", alice), 400, "limit must be an integer")
}

func TestUsersStatus(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	e.login("carol", "Carol")
	mb := e.mqtt("b", bob)
	mb.publish("u/bob/s", "1", true)
	ma := e.mqtt("a", alice)
	ma.mustSubscribe("u/bob/s")
	online := ma.next() // the retained presence: the broker has it now
	ms, _ := strconv.ParseInt(strings.TrimPrefix(string(online.Payload), "1:"), 10, 64)

	r := e.postJSON("users/status", alice, map[string]any{"user_ids": []string{"bob", "carol", "nobody"}})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.user_status.0.email", "bob"}, {"results.user_status.0.status", 1},
		{"results.user_status.0.timestamp", int(ms)},
		{"results.user_status.1.email", "carol"}, {"results.user_status.1.status", 0}, {"results.user_status.1.timestamp", 0},
	})
	if n := len(r.list("results.user_status")); n != 2 {
		t.Errorf("%d statuses, want 2 (unknown users are left out)", n)
	}
	mb.publish("u/bob/s", "0", true)
	ma.next()
	checkFields(t, e.postJSON("users/status", alice, map[string]any{"user_ids": []string{"bob"}}),
		[]fieldWant{{"results.user_status.0.status", 0}})
	if ts := e.postJSON("users/status", alice, map[string]any{"user_ids": []string{"bob"}}).num("results.user_status.0.timestamp"); ts < ms {
		t.Errorf("offline timestamp %d before online %d", ts, ms)
	}
	checkError(t, e.postJSON("users/status", alice, map[string]any{}), 400, "user_ids is required")
	many := make([]string, 501)
	for i := range many {
		many[i] = fmt.Sprint("u", i)
	}
	checkError(t, e.postJSON("users/status", alice, map[string]any{"user_ids": many}), 400, "at most 500")
}

func TestDeviceTokens(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice", "Alice")
	steps := []struct {
		name, ep, body   string
		changed, android bool
		ios              bool
	}{
		{"register (v2: platform rn)", "set_user_device_token", "device_token=T1&device_platform=rn&is_development=false", true, false, false},
		{"android", "set_user_device_token", "device_token=T2&device_platform=android&is_development=true", true, true, false},
		{"same again", "set_user_device_token", "device_token=T2&device_platform=android&is_development=true", false, true, false},
		{"ios", "set_user_device_token", "device_token=T3&device_platform=ios", true, true, true},
		{"remove android", "remove_user_device_token", "device_token=T2&device_platform=android", true, false, true},
		{"remove unknown", "remove_user_device_token", "device_token=T9", false, false, true},
	}
	for _, st := range steps {
		r := e.form(st.ep, alice, st.body)
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{
			{"results.changed", st.changed}, {"results.pn_android_configured", st.android}, {"results.pn_ios_configured", st.ios},
		})
	}
	checkFields(t, e.get("my_profile", alice), []fieldWant{
		{"results.user.pn_android_configured", false}, {"results.user.pn_ios_configured", true},
	})
	for _, ep := range []string{"set_user_device_token", "remove_user_device_token"} {
		checkError(t, e.form(ep, alice, "device_platform=rn"), 400, "device_token is required")
		checkError(t, e.form(ep, alice, "device_token=x&is_development=maybe"), 400, "is_development must be true or false")
		checkError(t, e.form(ep, nil, "device_token=x"), 401, "missing token")
	}
}

func TestSyncEvent(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	ab, bc := e.chat(alice, bob), e.chat(bob, carol)
	c1 := e.post(alice, ab, "one", "uid-1").num("results.comment.id")
	mustStatus(t, e.form("update_comment_status", bob, fmt.Sprint("room_id=", ab, "&last_comment_received_id=", c1)), 200)
	mustStatus(t, e.form("update_comment_status", bob, fmt.Sprint("room_id=", ab, "&last_comment_read_id=", c1)), 200)
	c2 := e.mustPost(bob, bc, "bc").num("results.comment.id")
	mustStatus(t, e.form("update_comment_status", carol, fmt.Sprint("room_id=", bc, "&last_comment_read_id=", c2)), 200)

	r := e.get("sync_event?start_event_id=0", alice)
	if r.status != 200 || r.get("status") != nil || r.get("results") != nil {
		t.Fatalf("want a bare {events, is_start_event_id_found} body: %s", r.raw)
	}
	checkFields(t, r, []fieldWant{
		{"is_start_event_id_found", false},
		{"events.0.action_topic", "delivered"}, {"events.1.action_topic", "read"},
		{"events.0.payload.actor.id", int(bob.PK)}, {"events.0.payload.actor.email", "bob"}, {"events.0.payload.actor.name", "Bob"},
		{"events.0.payload.data.comment_id", int(c1)}, {"events.0.payload.data.comment_unique_id", "uid-1"},
		{"events.0.payload.data.email", "bob"}, {"events.0.payload.data.room_id", int(ab)},
	})
	evs := r.list("events")
	if len(evs) != 2 { // carol's read in bc is not alice's business
		t.Fatalf("%d events for alice, want 2: %s", len(evs), r.raw)
	}
	first, _ := strconv.ParseInt(fmt.Sprint(at(evs[0], "id")), 10, 64)
	if ts, _ := strconv.ParseInt(fmt.Sprint(at(evs[0], "timestamp")), 10, 64); time.Since(time.Unix(0, ts)) > time.Minute {
		t.Errorf("timestamp %d is not recent unix ns", ts)
	}

	tests := []struct {
		name   string
		user   *testUser
		start  int64
		topics []string
		found  bool
	}{
		{"after the first", alice, first, []string{"read"}, true},
		{"bob sees both rooms", bob, first - 1, []string{"delivered", "read", "read"}, false},
		{"nothing newer", alice, first + 100, []string{}, false},
		{"an id that is not mine", alice, first + 2, []string{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.get(fmt.Sprint("sync_event?start_event_id=", tt.start), tt.user)
			if got := field(r.list("events"), "action_topic"); !slices.Equal(got, tt.topics) {
				t.Errorf("topics %v, want %v", got, tt.topics)
			}
			checkFields(t, r, []fieldWant{{"is_start_event_id_found", tt.found}})
		})
	}
	t.Run("start 0 only replays recent events", func(t *testing.T) {
		e := e.in(t)
		old := time.Now().Add(-time.Hour).UnixNano()
		if _, err := e.s.store.DB.Exec("UPDATE events SET created_at = ? WHERE id = ?", old, first+1); err != nil {
			t.Fatal(err)
		}
		if got := field(e.get("sync_event?start_event_id=0", alice).list("events"), "action_topic"); !slices.Equal(got, []string{"delivered"}) {
			t.Errorf("topics %v", got)
		}
		if got := field(e.get(fmt.Sprint("sync_event?start_event_id=", first), alice).list("events"), "action_topic"); !slices.Equal(got, []string{"read"}) {
			t.Errorf("an explicit cursor must still reach old events: %v", got)
		}
	})
	t.Run("at most 100 per call, ascending", func(t *testing.T) {
		e := e.in(t)
		for range 120 {
			if _, err := e.s.store.DB.Exec(`INSERT INTO events (room_id, action_topic, payload, created_at)
				VALUES (?, 'read', '{"actor":{},"data":{}}', ?)`, ab, time.Now().UnixNano()); err != nil {
				t.Fatal(err)
			}
		}
		evs := e.get(fmt.Sprint("sync_event?start_event_id=", first), alice).list("events")
		if len(evs) != 100 {
			t.Fatalf("%d events, want 100", len(evs))
		}
		prev := first
		for _, ev := range evs {
			id, _ := strconv.ParseInt(fmt.Sprint(at(ev, "id")), 10, 64)
			if id <= prev {
				t.Fatalf("event %d after %d", id, prev)
			}
			prev = id
		}
	})
	checkError(t, e.get("sync_event?start_event_id=x", alice), 400, "start_event_id must be an integer")
	checkError(t, e.get("sync_event", nil), 401, "missing token")
}
