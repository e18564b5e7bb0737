package server

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// The docs' create_room example: {creator, participants[], room_id, room_name, room_type}.
func TestRESTCreateRoom(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob"), e.restLogin("carol", "Carol")
	r := e.restForm("create_room", url.Values{
		"name": {"gege"}, "participants[]": {bob.ID, carol.ID, bob.ID}, "creator": {alice.ID},
		"avatar_url": {"https://example.com/g.png"},
	})
	mustStatus(t, r, 200)
	id := r.num("results.room_id")
	checkFields(t, r, []fieldWant{
		{"results.creator", "alice"}, {"results.participants.0", "alice"}, {"results.participants.1", "bob"},
		{"results.participants.2", "carol"}, {"results.room_name", "gege"}, {"results.room_type", "group"},
	})
	if n := len(r.list("results.participants")); n != 3 {
		t.Errorf("%d participants, want 3", n)
	}
	// The SDK sees the room too.
	g := e.get(fmt.Sprint("get_room_by_id?id=", id), bob)
	mustStatus(t, g, 200)
	checkFields(t, g, []fieldWant{{"results.room.room_name", "gege"}, {"results.room.chat_type", "group"},
		{"results.room.avatar_url", "https://example.com/g.png"}})

	t.Run("JSON body", func(t *testing.T) {
		e := e.in(t)
		r := e.restJSON("create_room", map[string]any{"name": "j", "participants": []string{"bob"}, "creator": "alice"})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.participants.1", "bob"}})
	})

	errs := []struct {
		name   string
		v      url.Values
		status int
		msg    string
	}{
		{"missing name", url.Values{"participants[]": {"bob"}, "creator": {"alice"}}, 400, "name is required"},
		{"missing participants", url.Values{"name": {"x"}, "creator": {"alice"}}, 400, "participants[] is required"},
		{"missing creator", url.Values{"name": {"x"}, "participants[]": {"bob"}}, 400, "creator is required"},
		{"unknown creator", url.Values{"name": {"x"}, "participants[]": {"bob"}, "creator": {"ghost"}}, 404, `creator: user not found: "ghost"`},
		{"unknown participants", url.Values{"name": {"x"}, "participants[]": {"bob", "ghost", "spook"}, "creator": {"alice"}}, 404, `"ghost", "spook"`},
		{"bad avatar", url.Values{"name": {"x"}, "participants[]": {"bob"}, "creator": {"alice"}, "avatar_url": {"ftp://x"}}, 400, "avatar_url must be"},
		{"bad options", url.Values{"name": {"x"}, "participants[]": {"bob"}, "creator": {"alice"}, "options": {"{"}}, 400, "options must be valid JSON"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.unchanged(func() { checkError(t, e.restForm("create_room", tt.v), tt.status, tt.msg) })
		})
	}
}

// The docs' update_room example: {changed, room{chat_type, id, last_comment_id,
// last_comment_message, last_topic_id, avatar_url, options, participants[{avatar_url,
// email, username, last_comment_read_id, last_comment_received_id}], room_name}, comments[]}.
func TestRESTUpdateRoom(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob"), e.restLogin("carol", "Carol")
	id := e.restGroup("before", alice, bob)
	c1 := e.restPost(alice, id, "text", "Hello Post 1", nil).num("results.comment.id")
	c2 := e.restPost(bob, id, "text", "Hello Post 2", nil).num("results.comment.id")
	single := e.chat(&testUser{ID: alice.ID, Token: alice.Token}, bob)

	r := e.restForm("update_room", url.Values{
		"user_email": {"bob"}, "room_id": {fmt.Sprint(id)}, "room_name": {"uwooo"},
		"room_avatar_url": {"http://avatar.jpg"}, "options": {`{"color":"red"}`},
	})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.changed", true}, {"results.room.chat_type", "group"}, {"results.room.id", int(id)},
		{"results.room.last_comment_id", int(c2)}, {"results.room.last_comment_message", "Hello Post 2"},
		{"results.room.last_topic_id", int(id)}, {"results.room.avatar_url", "http://avatar.jpg"},
		{"results.room.options", `{"color":"red"}`}, {"results.room.room_name", "uwooo"},
		{"results.room.participants.0.email", "alice"}, {"results.room.participants.0.username", "Alice"},
		{"results.room.participants.0.avatar_url", ""}, {"results.room.participants.0.last_comment_read_id", 0},
		{"results.room.participants.0.last_comment_received_id", 0}, {"results.room.participants.1.email", "bob"},
		{"results.comments.0.id", int(c2)}, {"results.comments.0.comment_before_id", int(c1)},
		{"results.comments.0.message", "Hello Post 2"}, {"results.comments.0.type", "text"},
		{"results.comments.0.disable_link_preview", false}, {"results.comments.0.email", "bob"},
		{"results.comments.0.username", "Bob"}, {"results.comments.0.user_avatar.avatar.url", ""},
		{"results.comments.0.user_avatar_url", ""}, {"results.comments.1.id", int(c1)},
	})
	for _, k := range []string{"timestamp", "unique_temp_id"} {
		if r.str("results.comments.0."+k) == "" {
			t.Errorf("comments.0.%s is empty", k)
		}
	}
	if r.num("results.comments.0.unix_timestamp") == 0 {
		t.Error("comments.0.unix_timestamp is 0")
	}
	t.Run("same values again: changed false", func(t *testing.T) {
		e := e.in(t)
		r := e.restForm("update_room", url.Values{"user_email": {"alice"}, "room_id": {fmt.Sprint(id)}, "room_name": {"uwooo"}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.changed", false}, {"results.room.room_name", "uwooo"}})
	})
	t.Run("by unique id", func(t *testing.T) {
		e := e.in(t)
		uid := e.restGet("get_rooms_info", url.Values{"user_email": {"alice"}, "room_id[]": {fmt.Sprint(id)}}).str("results.rooms_info.0.room_unique_id")
		r := e.restForm("update_room", url.Values{"user_email": {"alice"}, "room_id": {uid}, "room_name": {"by uid"}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.room.id", int(id)}, {"results.room.room_name", "by uid"}})
	})

	room := fmt.Sprint(id)
	errs := []struct {
		name   string
		v      url.Values
		status int
		msg    string
	}{
		{"missing user", url.Values{"room_id": {room}, "room_name": {"x"}}, 400, "user_email is required"},
		{"missing room", url.Values{"user_email": {"alice"}, "room_name": {"x"}}, 400, "room_id is required"},
		{"unknown user", url.Values{"user_email": {"ghost"}, "room_id": {room}}, 404, "user not found"},
		{"unknown room", url.Values{"user_email": {"alice"}, "room_id": {"9999"}}, 404, "room not found"},
		{"not a participant", url.Values{"user_email": {carol.ID}, "room_id": {room}, "room_name": {"x"}}, 403, "not a participant"},
		{"single room", url.Values{"user_email": {"alice"}, "room_id": {fmt.Sprint(single)}, "room_name": {"x"}}, 400, "single room"},
		{"empty name", url.Values{"user_email": {"alice"}, "room_id": {room}, "room_name": {" "}}, 400, "room_name must not be empty"},
		{"bad avatar", url.Values{"user_email": {"alice"}, "room_id": {room}, "room_avatar_url": {"x"}}, 400, "room_avatar_url must be"},
		{"bad options", url.Values{"user_email": {"alice"}, "room_id": {room}, "options": {"{x"}}, 400, "options must be valid JSON"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.unchanged(func() { checkError(t, e.restForm("update_room", tt.v), tt.status, tt.msg) })
		})
	}
}

// The docs' get_or_create_room_with_target example: {comments[], room{avatar_url,
// chat_type, id, last_comment_id, last_comment_message, last_topic_id, options,
// participants[{avatar_url, email, username}], room_name}}.
func TestRESTGetOrCreateRoomWithTarget(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	e.restLogin("carol", "Carol")
	r := e.restGet("get_or_create_room_with_target", url.Values{"emails[]": {"alice", "bob"}})
	mustStatus(t, r, 200)
	id := r.num("results.room.id")
	checkFields(t, r, []fieldWant{
		{"results.room.avatar_url", ""}, {"results.room.chat_type", "single"}, {"results.room.last_comment_id", 0},
		{"results.room.last_comment_message", ""}, {"results.room.last_topic_id", int(id)}, {"results.room.options", ""},
		{"results.room.participants.0.email", "alice"}, {"results.room.participants.0.username", "Alice"},
		{"results.room.participants.0.avatar_url", ""}, {"results.room.participants.1.email", "bob"},
		{"results.room.room_name", "alice bob"},
	})
	if cs := r.list("results.comments"); cs == nil || len(cs) != 0 {
		t.Errorf("comments = %v, want []", r.get("results.comments"))
	}
	// The SDK's chatTarget opens the same room.
	if got := e.chat(alice, bob); got != id {
		t.Errorf("SDK room %d, REST room %d", got, id)
	}
	c := e.restPost(bob, id, "text", "testing", nil).num("results.comment.id")

	again := []struct {
		name string
		r    func() resp
	}{
		{"reverse order", func() resp {
			return e.restGet("get_or_create_room_with_target", url.Values{"emails[]": {"bob", "alice"}})
		}},
		{"POST form", func() resp {
			return e.restForm("get_or_create_room_with_target", url.Values{"emails[]": {"alice", "bob"}})
		}},
		{"POST JSON", func() resp {
			return e.restJSON("get_or_create_room_with_target", map[string]any{"emails": []string{"alice", "bob"}})
		}},
	}
	for _, tt := range again {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r()
			mustStatus(t, r, 200)
			checkFields(t, r, []fieldWant{
				{"results.room.id", int(id)}, {"results.room.last_comment_id", int(c)},
				{"results.room.last_comment_message", "testing"}, {"results.comments.0.id", int(c)},
				{"results.comments.0.message", "testing"}, {"results.comments.0.email", "bob"},
				{"results.comments.0.room_name", "alice bob"},
			})
		})
	}

	errs := []struct {
		name   string
		v      url.Values
		status int
		msg    string
	}{
		{"no emails", nil, 400, "exactly 2"},
		{"one email", url.Values{"emails[]": {"alice"}}, 400, "exactly 2"},
		{"the same twice", url.Values{"emails[]": {"alice", "alice"}}, 400, "exactly 2"},
		{"three", url.Values{"emails[]": {"alice", "bob", "carol"}}, 400, "exactly 2"},
		{"unknown user", url.Values{"emails[]": {"alice", "ghost"}}, 404, `"ghost"`},
		{"bad options", url.Values{"emails[]": {"alice", "carol"}, "options": {"{"}}, 400, "options must be valid JSON"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.unchanged(func() { checkError(t, e.restGet("get_or_create_room_with_target", tt.v), tt.status, tt.msg) })
		})
	}
}

// The docs' get_user_rooms example: {meta{current_page, total_room}, rooms_info[
// {last_comment_id, last_comment_message, last_comment_timestamp, room_avatar_url,
// room_id, room_name, room_type, unread_count, participants?[{avatar_url, email, id,
// last_comment_read_id, last_comment_received_id, username}]}]}.
func TestRESTGetUserRooms(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	single := e.restGet("get_or_create_room_with_target", url.Values{"emails[]": {"alice", "bob"}}).num("results.room.id")
	groups := make([]int64, 24)
	for i := range groups {
		groups[i] = e.restGroup(fmt.Sprint("g", i), alice, bob)
	}
	// Activity order: single (newest comment), then g3, then the rest by id, newest first.
	e.restPost(alice, groups[3], "text", "in g3", nil)
	last := e.restPost(bob, single, "text", "halo", nil)
	lastID := last.num("results.comment.id")
	e.restPost(alice, single, "text", "mine", nil) // alice's own: not unread for alice
	bobSDK := &testUser{ID: bob.ID, Token: bob.Token}
	mustStatus(t, e.form("update_comment_status", bobSDK, fmt.Sprint("room_id=", single, "&last_comment_read_id=", lastID)), 200)

	r := e.restGet("get_user_rooms", url.Values{"user_email": {"alice"}})
	mustStatus(t, r, 200)
	infos := r.list("results.rooms_info")
	if len(infos) != 25 {
		t.Fatalf("%d rooms, want all 25 without a page", len(infos))
	}
	checkFields(t, r, []fieldWant{
		{"results.meta.current_page", 1}, {"results.meta.total_room", 25},
		{"results.rooms_info.0.room_id", int(single)}, {"results.rooms_info.0.room_name", "Bob"},
		{"results.rooms_info.0.room_type", "single"}, {"results.rooms_info.0.room_avatar_url", ""},
		{"results.rooms_info.0.last_comment_message", "mine"}, {"results.rooms_info.0.unread_count", 1},
		{"results.rooms_info.1.room_id", int(groups[3])}, {"results.rooms_info.1.room_name", "g3"},
		{"results.rooms_info.1.room_type", "group"}, {"results.rooms_info.1.unread_count", 0},
		{"results.rooms_info.2.room_id", int(groups[23])}, {"results.rooms_info.2.last_comment_id", 0},
		{"results.rooms_info.2.last_comment_message", ""}, {"results.rooms_info.2.last_comment_timestamp", "0001-01-01T00:00:00Z"},
	})
	if r.get("results.rooms_info.0.participants") != nil {
		t.Error("participants without show_participants")
	}
	if !strings.HasSuffix(r.str("results.rooms_info.0.last_comment_timestamp"), "Z") {
		t.Errorf("last_comment_timestamp %q", r.str("results.rooms_info.0.last_comment_timestamp"))
	}

	pages := []struct {
		name  string
		v     url.Values
		n     int
		first int64
		page  int
		total int
	}{
		{"page 1", url.Values{"page": {"1"}}, 20, single, 1, 25},
		{"page 2", url.Values{"page": {"2"}}, 5, groups[5], 2, 25}, // single, g3, g23…g6 | g5, g4, g2, g1, g0
		{"page 3", url.Values{"page": {"3"}}, 0, 0, 3, 25},
		{"single rooms", url.Values{"room_type": {"single"}}, 1, single, 1, 1},
		{"group rooms", url.Values{"room_type": {"group"}, "page": {"2"}}, 4, groups[4], 2, 24},
	}
	for _, tt := range pages {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			tt.v.Set("user_email", "alice")
			r := e.restGet("get_user_rooms", tt.v)
			mustStatus(t, r, 200)
			if n := len(r.list("results.rooms_info")); n != tt.n || r.list("results.rooms_info") == nil {
				t.Fatalf("%d rooms, want %d: %s", n, tt.n, r.raw)
			}
			checkFields(t, r, []fieldWant{{"results.meta.current_page", tt.page}, {"results.meta.total_room", tt.total}})
			if tt.n > 0 {
				checkFields(t, r, []fieldWant{{"results.rooms_info.0.room_id", int(tt.first)}})
			}
		})
	}
	t.Run("show participants", func(t *testing.T) {
		e := e.in(t)
		r := e.restGet("get_user_rooms", url.Values{"user_email": {"bob"}, "show_participants": {"true"}, "room_type": {"single"}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{
			{"results.rooms_info.0.room_name", "Alice"}, {"results.rooms_info.0.unread_count", 1},
			{"results.rooms_info.0.participants.0.id", int(alice.PK)}, {"results.rooms_info.0.participants.0.email", "alice"},
			{"results.rooms_info.0.participants.0.username", "Alice"}, {"results.rooms_info.0.participants.0.avatar_url", ""},
			{"results.rooms_info.0.participants.1.email", "bob"},
			{"results.rooms_info.0.participants.1.last_comment_read_id", int(lastID)},
			{"results.rooms_info.0.participants.1.last_comment_received_id", int(lastID)},
		})
	})

	errs := []struct {
		name   string
		v      url.Values
		status int
		msg    string
	}{
		{"missing user", nil, 400, "user_email is required"},
		{"unknown user", url.Values{"user_email": {"ghost"}}, 404, "user not found"},
		{"bad page", url.Values{"user_email": {"alice"}, "page": {"x"}}, 400, "page must be an integer"},
		{"page 0", url.Values{"user_email": {"alice"}, "page": {"0"}}, 400, "page must be a positive integer"},
		{"bad room type", url.Values{"user_email": {"alice"}, "room_type": {"channel"}}, 400, "room_type must be"},
		{"bad show_participants", url.Values{"user_email": {"alice"}, "show_participants": {"yes"}}, 400, "show_participants must be true or false"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, e.in(t).restGet("get_user_rooms", tt.v), tt.status, tt.msg)
		})
	}
}

// The docs' get_rooms_info example: {rooms_info[{last_comment_id, last_comment_message,
// last_comment_timestamp, room_id, room_name, room_type, unread_count}]}.
func TestRESTGetRoomsInfo(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	carol := e.restLogin("carol", "Carol")
	single := e.restGet("get_or_create_room_with_target", url.Values{"emails[]": {"alice", "bob"}}).num("results.room.id")
	group := e.restGroup("Team", alice, bob)
	m := e.restPost(bob, group, "text", "hello team", nil)
	e.restPost(bob, group, "text", "anyone?", nil)
	_ = m
	groupUID := e.restGet("get_user_rooms", url.Values{"user_email": {"alice"}, "room_type": {"group"}}).str("results.rooms_info.0.room_unique_id")

	r := e.restJSON("get_rooms_info", map[string]any{"room_id": []string{fmt.Sprint(single), groupUID}, "user_email": "alice"})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.rooms_info.0.last_comment_id", 0}, {"results.rooms_info.0.last_comment_message", ""},
		{"results.rooms_info.0.last_comment_timestamp", "0001-01-01T00:00:00Z"},
		{"results.rooms_info.0.room_id", int(single)}, {"results.rooms_info.0.room_name", "alice bob"},
		{"results.rooms_info.0.room_type", "single"}, {"results.rooms_info.0.unread_count", 0},
		{"results.rooms_info.1.room_id", int(group)}, {"results.rooms_info.1.room_name", "Team"},
		{"results.rooms_info.1.room_type", "group"}, {"results.rooms_info.1.unread_count", 2},
		{"results.rooms_info.1.last_comment_message", "anyone?"},
	})
	if r.get("results.rooms_info.0.participants") != nil {
		t.Error("participants without show_participants")
	}
	t.Run("form body, show participants", func(t *testing.T) {
		e := e.in(t)
		r := e.restForm("get_rooms_info", url.Values{"room_id[]": {fmt.Sprint(group)}, "user_email": {"bob"}, "show_participants": {"true"}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{
			{"results.rooms_info.0.unread_count", 0}, {"results.rooms_info.0.participants.0.email", "alice"},
			{"results.rooms_info.0.participants.1.email", "bob"},
		})
	})

	errs := []struct {
		name   string
		v      url.Values
		status int
		msg    string
	}{
		{"no rooms", url.Values{"user_email": {"alice"}}, 400, "room_id[] is required"},
		{"missing user", url.Values{"room_id[]": {fmt.Sprint(group)}}, 400, "user_email is required"},
		{"unknown room", url.Values{"room_id[]": {"9999"}, "user_email": {"alice"}}, 404, "room not found"},
		{"not a participant", url.Values{"room_id[]": {fmt.Sprint(group)}, "user_email": {carol.ID}}, 403, "not a participant"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, e.in(t).restForm("get_rooms_info", tt.v), tt.status, tt.msg)
		})
	}
}

// The docs' add/remove_room_participants example: {creator, participants[], room_id,
// room_name, room_type}.
func TestRESTRoomParticipants(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	e.restLogin("carol", "Carol")
	e.restLogin("dave", "Dave")
	group := e.restGroup("gege", alice, bob)
	single := e.restGet("get_or_create_room_with_target", url.Values{"emails[]": {"alice", "bob"}}).num("results.room.id")

	r := e.restForm("add_room_participants", url.Values{"room_id": {fmt.Sprint(group)}, "emails[]": {"carol", "dave", "bob"}})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.creator", "alice"}, {"results.room_id", int(group)}, {"results.room_name", "gege"},
		{"results.room_type", "group"}, {"results.participants.0", "alice"}, {"results.participants.1", "bob"},
		{"results.participants.2", "carol"}, {"results.participants.3", "dave"},
	})
	r = e.restForm("remove_room_participants", url.Values{"room_id": {fmt.Sprint(group)}, "emails": {"bob", "dave"}})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{{"results.creator", "alice"}, {"results.participants.0", "alice"}, {"results.participants.1", "carol"}})
	if n := len(r.list("results.participants")); n != 2 {
		t.Errorf("%d participants left, want 2", n)
	}
	checkError(t, e.get(fmt.Sprint("get_room_by_id?id=", group), &testUser{ID: bob.ID, Token: bob.Token}), 403, "not a participant")

	for _, ep := range []string{"add_room_participants", "remove_room_participants"} {
		errs := []struct {
			name   string
			v      url.Values
			status int
			msg    string
		}{
			{"missing room", url.Values{"emails[]": {"carol"}}, 400, "room_id is required"},
			{"missing emails", url.Values{"room_id": {fmt.Sprint(group)}}, 400, "emails[] is required"},
			{"unknown room", url.Values{"room_id": {"9999"}, "emails[]": {"carol"}}, 404, "room not found"},
			{"unknown user", url.Values{"room_id": {fmt.Sprint(group)}, "emails[]": {"carol", "ghost"}}, 404, `"ghost"`},
			{"single room", url.Values{"room_id": {fmt.Sprint(single)}, "emails[]": {"carol"}}, 400, "single room"},
		}
		for _, tt := range errs {
			t.Run(ep+"/"+tt.name, func(t *testing.T) {
				e := e.in(t)
				e.unchanged(func() { checkError(t, e.restForm(ep, tt.v), tt.status, tt.msg) })
			})
		}
	}
}
