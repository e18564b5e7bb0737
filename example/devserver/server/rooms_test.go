package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// participantFields are the keys every room.participants[] entry carries.
var participantFields = []string{
	"id", "id_str", "email", "username", "avatar_url", "avatar", "extras",
	"last_comment_read_id", "last_comment_read_id_str", "last_comment_received_id", "last_comment_received_id_str",
}

func checkParticipants(t *testing.T, list []any, emails ...string) {
	t.Helper()
	if got := field(list, "email"); !slices.Equal(got, emails) {
		t.Fatalf("participants %v, want %v", got, emails)
	}
	for _, p := range list {
		m := p.(map[string]any)
		for _, k := range participantFields {
			if _, ok := m[k]; !ok {
				t.Errorf("participant %v has no %s", m["email"], k)
			}
		}
	}
}

func TestCreateRoom(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	r := e.form("create_room", alice, "name=Team&participants[]=bob&participants[]=carol&avatar_url=http%3A%2F%2Fa%2Fg.png&options=%7B%22topic%22%3A%22x%22%7D")
	mustStatus(t, r, 200)
	id := r.num("results.room.id")
	checkFields(t, r, []fieldWant{
		{"results.room.id_str", fmt.Sprint(id)}, {"results.room.room_name", "Team"}, {"results.room.raw_room_name", "Team"},
		{"results.room.chat_type", "group"}, {"results.room.room_type", "group"}, {"results.room.is_public_channel", false},
		{"results.room.avatar_url", "http://a/g.png"}, {"results.room.options", `{"topic":"x"}`},
		{"results.room.last_comment_id", 0}, {"results.room.last_comment_message", ""},
		{"results.room.last_topic_id", int(id)}, {"results.room.room_total_participants", 3}, {"results.room.unread_count", 0},
	})
	checkParticipants(t, r.list("results.room.participants"), "alice", "bob", "carol")
	if !strings.HasPrefix(r.str("results.room.unique_id"), "group_") {
		t.Errorf("unique_id %q", r.str("results.room.unique_id"))
	}
	if c := r.list("results.comments"); c == nil || len(c) != 0 {
		t.Errorf("comments = %#v, want []", r.get("results.comments"))
	}
	mustStatus(t, e.get(fmt.Sprint("get_room_by_id?id=", id), carol), 200)

	forms := []struct {
		name, body string
		want       []string
	}{
		{"creator only, null options", "name=Solo&options", []string{"alice"}},
		{"qs arrays and creator listed", "name=Q&participants[][0]=bob&participants[][1]=alice", []string{"alice", "bob"}},
		{"duplicates", "name=D&participants[]=bob&participants[]=bob", []string{"alice", "bob"}},
	}
	for _, tt := range forms {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.form("create_room", alice, tt.body)
			mustStatus(t, r, 200)
			checkParticipants(t, r.list("results.room.participants"), tt.want...)
		})
	}
	t.Run("json body", func(t *testing.T) {
		e := e.in(t)
		r := e.postJSON("create_room", bob, map[string]any{"name": "J", "participants": []string{"carol"}, "options": map[string]any{"a": 1}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.room.options", `{"a":1}`}})
		checkParticipants(t, r.list("results.room.participants"), "bob", "carol")
	})
	errs := []struct {
		name, body string
		status     int
		msg        string
	}{
		{"missing name", "participants[]=bob", 400, "name is required"},
		{"unknown participant", "name=X&participants[]=bob&participants[]=nobody", 404, `participants: user not found: "nobody"`},
		{"bad options", "name=X&options=%7B", 400, "options must be valid JSON"},
		{"long name", "name=" + strings.Repeat("x", 256), 400, "name is too long"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.form("create_room", alice, tt.body), tt.status, tt.msg)
		})
	}
	checkError(t, e.form("create_room", nil, "name=X"), 401, "missing token")
}

func TestGetOrCreateRoomWithUniqueID(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	r := e.form("get_or_create_room_with_unique_id", alice, "unique_id=news&name=News&avatar_url=http%3A%2F%2Fa%2Fn.png")
	mustStatus(t, r, 200)
	id := r.num("results.room.id")
	checkFields(t, r, []fieldWant{
		{"results.changed", true}, {"results.room.unique_id", "news"}, {"results.room.room_name", "News"},
		{"results.room.is_public_channel", true}, {"results.room.chat_type", "group"}, {"results.room.room_type", "channel"},
		{"results.room.avatar_url", "http://a/n.png"},
	})
	checkParticipants(t, r.list("results.room.participants"), "alice")
	if r.list("results.comments") == nil {
		t.Error("comments is not an array")
	}

	steps := []struct {
		name    string
		user    *testUser
		body    string
		changed bool
		members []string
		title   string
	}{
		{"another user joins", bob, "unique_id=news", false, []string{"alice", "bob"}, "News"},
		{"joining again", bob, "unique_id=news&name=News", false, []string{"alice", "bob"}, "News"},
		{"renamed", bob, "unique_id=news&name=Headlines", true, []string{"alice", "bob"}, "Headlines"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e := e.in(t)
			r := e.form("get_or_create_room_with_unique_id", st.user, st.body)
			mustStatus(t, r, 200)
			checkFields(t, r, []fieldWant{{"results.room.id", int(id)}, {"results.changed", st.changed}, {"results.room.room_name", st.title}})
			checkParticipants(t, r.list("results.room.participants"), st.members...)
		})
	}
	t.Run("name defaults to the unique id", func(t *testing.T) {
		e := e.in(t)
		r := e.form("get_or_create_room_with_unique_id", alice, "unique_id=bare")
		checkFields(t, r, []fieldWant{{"results.room.room_name", "bare"}})
	})

	group := e.group(alice, "G", bob)
	groupUID := e.uniqueID(alice, group)
	errs := []struct {
		name, body string
		msg        string
	}{
		{"missing unique id", "name=x", "unique_id is required"},
		{"slash", "unique_id=a%2Fb", "unique_id must be"},
		{"wildcard", "unique_id=a%2B", "unique_id must be"},
		{"a group's unique id", "unique_id=" + groupUID, "belongs to a group room"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.form("get_or_create_room_with_unique_id", alice, tt.body), 400, tt.msg)
		})
	}
}

func TestRoomsInfo(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	ab, empty, bc := e.chat(alice, bob), e.group(alice, "Empty", carol), e.chat(bob, carol)
	last := e.mustPost(bob, ab, "latest")
	abUID, emptyUID := e.uniqueID(alice, ab), e.uniqueID(alice, empty)

	r := e.postJSON("rooms_info", alice, map[string]any{
		"room_id": []any{ab, fmt.Sprint(empty), bc, 999}, "room_unique_id": []string{abUID, "nope"},
		"show_participants": true, "show_removed": false,
	})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.meta.request_rooms_total", 6}, {"results.meta.response_rooms_total", 2},
		{"results.rooms_info.0.id", int(ab)}, {"results.rooms_info.0.room_name", "Bob"},
		{"results.rooms_info.0.last_comment.id", int(last.num("results.comment.id"))},
		{"results.rooms_info.0.last_comment.message", "latest"}, {"results.rooms_info.0.last_comment.room_name", "Bob"},
		{"results.rooms_info.0.last_comment_message", "latest"}, {"results.rooms_info.0.unread_count", 1},
		{"results.rooms_info.0.is_removed", false},
		{"results.rooms_info.1.id", int(empty)}, {"results.rooms_info.1.last_comment", nil},
		{"results.rooms_info.1.unique_id", emptyUID},
	})
	checkParticipants(t, r.list("results.rooms_info.0.participants"), "alice", "bob")

	t.Run("participants hidden by default", func(t *testing.T) {
		e := e.in(t)
		r := e.postJSON("rooms_info", alice, map[string]any{"room_unique_id": []string{emptyUID}})
		mustStatus(t, r, 200)
		if p := r.list("results.rooms_info.0.participants"); p == nil || len(p) != 0 {
			t.Errorf("participants = %#v, want []", r.get("results.rooms_info.0.participants"))
		}
		checkFields(t, r, []fieldWant{{"results.rooms_info.0.room_total_participants", 2}})
	})
	t.Run("show_removed", func(t *testing.T) {
		e := e.in(t)
		mustStatus(t, e.form("remove_room_participants", alice, fmt.Sprint("room_id=", empty, "&emails[]=carol")), 200)
		r := e.postJSON("rooms_info", carol, map[string]any{"room_id": []int64{empty}})
		checkFields(t, r, []fieldWant{{"results.meta.response_rooms_total", 0}})
		r = e.postJSON("rooms_info", carol, map[string]any{"room_id": []int64{empty}, "show_removed": true})
		checkFields(t, r, []fieldWant{{"results.meta.response_rooms_total", 1}, {"results.rooms_info.0.is_removed", true}})
	})
	errs := []struct {
		name string
		body map[string]any
		msg  string
	}{
		{"nothing asked", map[string]any{"show_participants": true}, "room_id or room_unique_id is required"},
		{"bad id", map[string]any{"room_id": []any{"x1"}}, `room_id must hold room ids (integers), got "x1"`},
		{"bad flag", map[string]any{"room_id": []int64{ab}, "show_removed": "maybe"}, "show_removed must be true or false"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.postJSON("rooms_info", alice, tt.body), 400, tt.msg)
		})
	}
}

func TestUserRooms(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	ab, ac := e.chat(alice, bob), e.chat(alice, carol)
	g := e.group(alice, "G", bob, carol)
	empty := e.group(alice, "Empty")
	e.form("get_or_create_room_with_unique_id", alice, "unique_id=chan")
	e.mustPost(bob, ab, "ab1")
	e.mustPost(alice, g, "g1")
	e.mustPost(carol, ac, "ac1")
	e.mustPost(bob, ab, "ab2") // ab is the most recent again
	chanID := e.form("get_or_create_room_with_unique_id", alice, "unique_id=chan").num("results.room.id")
	e.mustPost(alice, chanID, "c1")
	time.Sleep(time.Millisecond)
	e.mustPost(bob, ab, "ab3")

	tests := []struct {
		name  string
		query string
		ids   []int64
		total int
	}{
		{"default", "", []int64{ab, chanID, ac, g}, 4},
		{"v2 query", "page=1&show_participants=true&limit=20&room_type=default", []int64{ab, chanID, ac, g}, 4},
		{"all", "room_type=all", []int64{ab, chanID, ac, g}, 4},
		{"single", "room_type=single", []int64{ab, ac}, 2},
		{"group", "room_type=group", []int64{g}, 1},
		{"channel", "room_type=channel", []int64{chanID}, 1},
		{"show empty", "show_empty=true", []int64{ab, chanID, ac, g, empty}, 5},
		{"page 1", "limit=3", []int64{ab, chanID, ac}, 4},
		{"page 2", "limit=3&page=2", []int64{g}, 4},
		{"past the end", "limit=3&page=3", nil, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.get("user_rooms?"+tt.query, alice)
			mustStatus(t, r, 200)
			got := r.list("results.rooms_info")
			if got == nil {
				t.Fatalf("rooms_info is not an array: %s", r.raw)
			}
			want := []string{}
			for _, id := range tt.ids {
				want = append(want, fmt.Sprint(id))
			}
			if ids := field(got, "id"); !slices.Equal(ids, want) {
				t.Errorf("rooms %v, want %v", ids, want)
			}
			checkFields(t, r, []fieldWant{{"results.meta.total_room", tt.total}})
		})
	}
	r := e.get("user_rooms?show_participants=true&show_empty=true", alice)
	checkFields(t, r, []fieldWant{
		{"results.meta.current_page", 1},
		{"results.rooms_info.0.last_comment.message", "ab3"}, {"results.rooms_info.0.unread_count", 3},
		{"results.rooms_info.0.room_name", "Bob"}, {"results.rooms_info.0.last_comment_message", "ab3"},
		{"results.rooms_info.1.is_public_channel", true}, {"results.rooms_info.1.unread_count", 0},
		{"results.rooms_info.3.unread_count", 0}, // alice wrote the only comment of g
		// An empty room still has a last_comment object: v2 reads last_comment.id.
		{"results.rooms_info.4.last_comment.id", 0}, {"results.rooms_info.4.last_comment.message", ""},
	})
	checkParticipants(t, r.list("results.rooms_info.3.participants"), "alice", "bob", "carol")
	if r.str("results.rooms_info.4.last_comment.timestamp") == "" {
		t.Error("placeholder last_comment has no timestamp")
	}
	if p := e.get("user_rooms", alice).list("results.rooms_info.0.participants"); len(p) != 0 {
		t.Errorf("participants shown without show_participants: %v", p)
	}
	t.Run("show_removed", func(t *testing.T) {
		e := e.in(t)
		mustStatus(t, e.form("remove_room_participants", bob, fmt.Sprint("room_id=", g, "&emails[]=bob")), 200)
		ids := field(e.get("user_rooms", bob).list("results.rooms_info"), "id")
		if slices.Contains(ids, fmt.Sprint(g)) {
			t.Errorf("removed room listed: %v", ids)
		}
		r := e.get("user_rooms?show_removed=true", bob)
		if ids := field(r.list("results.rooms_info"), "id"); !slices.Equal(ids, []string{fmt.Sprint(ab), fmt.Sprint(g)}) {
			t.Errorf("rooms %v", ids)
		}
		checkFields(t, r, []fieldWant{{"results.rooms_info.1.is_removed", true}, {"results.rooms_info.0.is_removed", false}})
	})
	checkError(t, e.get("user_rooms?room_type=public", alice), 400, "room_type must be")
	checkError(t, e.get("user_rooms?page=x", alice), 400, "page must be an integer")
	checkError(t, e.get("user_rooms?show_empty=yes", alice), 400, "show_empty must be true or false")
}

func TestUpdateRoom(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	g := e.group(alice, "G", bob)
	mb := e.mqtt("b", bob)
	mb.mustSubscribe(bob.Token+"/c", bob.Token+"/n", bob.Token+"/update")

	steps := []struct {
		name, body string
		want       []fieldWant
	}{
		{"all fields", fmt.Sprint("id=", g, "&room_name=New&avatar_url=http%3A%2F%2Fa%2Fx.png&options=%7B%22c%22%3A1%7D"),
			[]fieldWant{{"results.room.room_name", "New"}, {"results.room.avatar_url", "http://a/x.png"}, {"results.room.options", `{"c":1}`}}},
		{"name only", fmt.Sprint("id=", g, "&room_name=Newer"),
			[]fieldWant{{"results.room.room_name", "Newer"}, {"results.room.avatar_url", "http://a/x.png"}, {"results.room.options", `{"c":1}`}}},
		{"nothing", fmt.Sprint("id=", g, "&room_name&options"),
			[]fieldWant{{"results.room.room_name", "Newer"}, {"results.room.options", `{"c":1}`}}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e := e.in(t)
			r := e.form("update_room", bob, st.body)
			mustStatus(t, r, 200)
			checkFields(t, r, append(st.want, fieldWant{"results.room.id", int(g)}, fieldWant{"results.room.chat_type", "group"}))
			checkParticipants(t, r.list("results.room.participants"), "alice", "bob")
		})
	}
	mb.none(300 * time.Millisecond) // update_room pushes nothing
	checkFields(t, e.get(fmt.Sprint("get_room_by_id?id=", g), alice), []fieldWant{{"results.room.room_name", "Newer"}})

	errs := []struct {
		name   string
		user   *testUser
		body   string
		status int
		msg    string
	}{
		{"not a participant", carol, fmt.Sprint("id=", g, "&room_name=X"), 403, "not a participant"},
		{"unknown room", alice, "id=999&room_name=X", 404, "room not found"},
		{"missing id", alice, "room_name=X", 400, "id is required"},
		{"bad options", alice, fmt.Sprint("id=", g, "&options=%7B"), 400, "options must be valid JSON"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.form("update_room", tt.user, tt.body), tt.status, tt.msg)
		})
	}
}

func TestAddRemoveRoomParticipants(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol, dave := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol"), e.login("dave", "Dave")
	g := e.group(alice, "G", bob)
	room := fmt.Sprint("room_id=", g)

	r := e.form("add_room_participants", bob, room+"&emails[]=carol&emails[]=dave&emails[]=alice")
	mustStatus(t, r, 200)
	checkParticipants(t, r.list("results.participants_added"), "carol", "dave")
	checkFields(t, r, []fieldWant{{"results.participants_added.0.username", "Carol"}, {"results.participants_added.0.last_comment_read_id", 0}})
	mustStatus(t, e.get(fmt.Sprint("get_room_by_id?id=", g), dave), 200)

	r = e.form("add_room_participants", alice, room+"&emails[]=carol")
	mustStatus(t, r, 200)
	if l := r.list("results.participants_added"); l == nil || len(l) != 0 {
		t.Errorf("re-adding added %v", r.get("results.participants_added"))
	}

	r = e.form("remove_room_participants", alice, room+"&emails[]=dave&emails[]=carol")
	mustStatus(t, r, 200)
	if got := fmt.Sprint(r.get("results.participants_removed")); got != "[dave carol]" {
		t.Errorf("participants_removed %s", got)
	}
	checkError(t, e.get(fmt.Sprint("get_room_by_id?id=", g), dave), 403, "not a participant")
	r = e.form("remove_room_participants", alice, room+"&emails[]=dave")
	mustStatus(t, r, 200)
	if l := r.list("results.participants_removed"); l == nil || len(l) != 0 {
		t.Errorf("removing again removed %v", r.get("results.participants_removed"))
	}
	t.Run("leave", func(t *testing.T) {
		e := e.in(t)
		mustStatus(t, e.form("remove_room_participants", bob, room+"&emails=bob"), 200)
		checkError(t, e.form("add_room_participants", bob, room+"&emails[]=bob"), 403, "not a participant")
	})

	single := e.chat(alice, carol)
	e.form("get_or_create_room_with_unique_id", alice, "unique_id=ch")
	ch := e.form("get_or_create_room_with_unique_id", alice, "unique_id=ch").num("results.room.id")
	errs := []struct {
		name   string
		user   *testUser
		body   string
		status int
		msg    string
	}{
		{"single room", alice, fmt.Sprint("room_id=", single, "&emails[]=dave"), 400, "only be changed in group rooms (room " + fmt.Sprint(single) + " is a single room)"},
		{"channel", alice, fmt.Sprint("room_id=", ch, "&emails[]=dave"), 400, "is a public channel room"},
		{"not a participant", dave, room + "&emails[]=carol", 403, "not a participant"},
		{"unknown user", alice, room + "&emails[]=nobody", 404, `emails: user not found: "nobody"`},
		{"unknown room", alice, "room_id=999&emails[]=carol", 404, "room not found"},
		{"missing emails", alice, room, 400, "emails is required"},
		{"missing room", alice, "emails[]=carol", 400, "room_id is required"},
	}
	for _, tt := range errs {
		for _, ep := range []string{"add_room_participants", "remove_room_participants"} {
			t.Run(ep+" "+tt.name, func(t *testing.T) {
				e := e.in(t)
				checkError(t, e.form(ep, tt.user, tt.body), tt.status, tt.msg)
			})
		}
	}
}

func TestRoomParticipants(t *testing.T) {
	e := newEnv(t)
	users := []*testUser{}
	for i := range 5 {
		users = append(users, e.login(fmt.Sprint("u", i), fmt.Sprint("U", i)))
	}
	outsider := e.login("zed", "Zed")
	g := e.group(users[0], "G", users[1:]...)
	uid := e.uniqueID(users[0], g)
	base := "room_participants?room_unique_id=" + url.QueryEscape(uid)

	tests := []struct {
		name   string
		query  string
		emails []string
		offset int
		per    int
	}{
		{"default", "", []string{"u0", "u1", "u2", "u3", "u4"}, 0, 20},
		{"page 1", "&page=1&limit=2", []string{"u0", "u1"}, 0, 2},
		{"page 3", "&page=3&limit=2", []string{"u4"}, 4, 2},
		{"offset (deprecated form)", "&offset=3", []string{"u3", "u4"}, 3, 20},
		{"past the end", "&page=9&limit=2", []string{}, 16, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.get(base+tt.query, users[1])
			mustStatus(t, r, 200)
			checkParticipants(t, r.list("results.participants"), tt.emails...)
			checkFields(t, r, []fieldWant{
				{"results.meta.current_offset", tt.offset}, {"results.meta.per_page", tt.per}, {"results.meta.total", 5},
			})
		})
	}
	e.form("get_or_create_room_with_unique_id", users[0], "unique_id=open")
	t.Run("anyone reads a channel's participants", func(t *testing.T) {
		e := e.in(t)
		r := e.get("room_participants?room_unique_id=open", outsider)
		mustStatus(t, r, 200)
		checkParticipants(t, r.list("results.participants"), "u0")
	})
	checkError(t, e.get(base, outsider), 403, "not a participant")
	checkError(t, e.get("room_participants?room_unique_id=nope", outsider), 404, "room not found")
	checkError(t, e.get("room_participants", outsider), 400, "room_unique_id is required")
}

func TestUnreadCounts(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	ab, ac := e.chat(alice, bob), e.chat(alice, carol)
	g := e.group(bob, "G", alice, carol)
	e.mustPost(bob, ab, "1")
	b2 := e.mustPost(bob, ab, "2").num("results.comment.id")
	e.mustPost(carol, g, "3")
	e.mustPost(alice, ac, "mine") // own comments are never unread

	counts := func(u *testUser) (int64, int64) {
		t.Helper()
		a, b := e.get("total_unread_count", u), e.get("get_room_unread_count", u)
		mustStatus(t, a, 200)
		mustStatus(t, b, 200)
		return a.num("results.total_unread_count"), b.num("results.total_unread_count")
	}
	steps := []struct {
		name         string
		do           func()
		total, rooms int64
	}{
		{"start", func() {}, 3, 2},
		{"read part of ab", func() {
			mustStatus(t, e.form("update_comment_status", alice, fmt.Sprint("room_id=", ab, "&last_comment_read_id=", b2-1)), 200)
		}, 2, 2},
		{"read ab", func() {
			mustStatus(t, e.form("update_comment_status", alice, fmt.Sprint("room_id=", ab, "&last_comment_read_id=", b2)), 200)
		}, 1, 1},
		{"received only does not count as read", func() {
			last := e.get(fmt.Sprint("get_room_by_id?id=", g), alice).num("results.room.last_comment_id")
			mustStatus(t, e.form("update_comment_status", alice, fmt.Sprint("room_id=", g, "&last_comment_received_id=", last)), 200)
		}, 1, 1},
		{"new comment", func() { e.mustPost(carol, ac, "4") }, 2, 2},
	}
	for _, st := range steps {
		st.do()
		if total, rooms := counts(alice); total != st.total || rooms != st.rooms {
			t.Errorf("%s: total %d rooms %d, want %d and %d", st.name, total, rooms, st.total, st.rooms)
		}
	}
	if total, rooms := counts(bob); total != 1 || rooms != 1 { // carol's "3" in g
		t.Errorf("bob: total %d rooms %d", total, rooms)
	}
	checkError(t, e.get("total_unread_count", nil), 401, "missing token")
}

// Every endpoint of the table answers under both prefixes.
func TestEndpointsOnBothPrefixes(t *testing.T) {
	e := newEnv(t)
	for key := range e.s.sdk.EndpointAuth() {
		method, name, _ := strings.Cut(key, " ")
		for _, prefix := range []string{"/api/v2/sdk/", "/api/v2/mobile/"} {
			r := e.do(method, prefix+name, nil, "", "")
			if r.status == http.StatusNotFound || r.status == http.StatusMethodNotAllowed {
				t.Errorf("%s %s%s: HTTP %d %s", method, prefix, name, r.status, r.raw)
			}
		}
	}
}

// Every endpoint that needs a user refuses a wrong token (401) and an expired
// one (403 with the text the v2 client looks for).
func TestAuthRequired(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TokenTTL = time.Hour })
	alice := e.login("alice", "Alice")
	expired := e.login("bob", "Bob")
	if _, err := e.s.store.DB.Exec("UPDATE users SET token_expires_at = 1 WHERE email = 'bob'"); err != nil {
		t.Fatal(err)
	}
	for key, auth := range e.s.sdk.EndpointAuth() {
		if !auth && key != "POST upload" {
			continue
		}
		method, name, _ := strings.Cut(key, " ")
		t.Run(key, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.send(method, name, &testUser{ID: "alice", Token: "WRONG"}, "", ""), 401, "invalid user id or token")
			checkError(t, e.send(method, name, &testUser{ID: "bob", Token: alice.Token}, "", ""), 401, "invalid user id or token")
			checkError(t, e.send(method, name, expired, "", ""), 403, "Unauthorized. Token is expired")
		})
	}
}
