package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

func TestDeleteMessages(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	roomID := e.chat(alice, bob)
	ma, mb, mc := e.mqtt("a", alice), e.mqtt("b", bob), e.mqtt("c", carol)
	ma.mustSubscribe(alice.Token + "/n")
	mb.mustSubscribe(bob.Token + "/n")
	mc.mustSubscribe(carol.Token + "/n")
	ids := map[string]int64{}
	for _, uid := range []string{"u1", "u2", "u3", "u4"} {
		r := e.post(alice, roomID, "msg "+uid, uid)
		mustStatus(t, r, 200)
		ids[uid] = r.num("results.comment.id")
	}
	bobsID := e.post(bob, roomID, "bob's", "b1").num("results.comment.id")

	// The v2 client: DELETE with a JSON body.
	r := e.sendJSON(http.MethodDelete, "delete_messages", alice, map[string]any{
		"unique_ids": []string{"u1", "u2"}, "is_delete_for_everyone": true, "is_hard_delete": true,
	})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.comments.0.unique_temp_id", "u1"}, {"results.comments.0.id", int(ids["u1"])},
		{"results.comments.0.is_deleted", true}, {"results.comments.1.unique_temp_id", "u2"},
		{"results.comments.1.is_deleted", true}, {"results.comments.0.room_id", int(roomID)},
	})
	var eventID int64
	for _, tc := range []struct {
		name  string
		c     *mqttClient
		topic string
	}{{"sender", ma, alice.Token + "/n"}, {"other participant", mb, bob.Token + "/n"}} {
		t.Run("notification to "+tc.name, func(t *testing.T) {
			n := tc.c.in(t).nextJSON(tc.topic)
			checkFields(t, n, []fieldWant{
				{"action_topic", "delete_message"},
				{"payload.actor.id", int(alice.PK)}, {"payload.actor.email", "alice"}, {"payload.actor.name", "Alice"},
				{"payload.data.is_hard_delete", true},
				{"payload.data.deleted_messages.0.room_id", fmt.Sprint(roomID)}, // a string
				{"payload.data.deleted_messages.0.message_unique_ids.0", "u1"},
				{"payload.data.deleted_messages.0.message_unique_ids.1", "u2"},
			})
			if n.num("id") <= 0 || n.num("timestamp") < time.Now().Add(-time.Minute).UnixNano() {
				t.Errorf("id %d timestamp %d", n.num("id"), n.num("timestamp"))
			}
			eventID = n.num("id")
		})
	}
	mc.none(200 * time.Millisecond) // not in the room

	t.Run("gone from load_comments and sync", func(t *testing.T) {
		e := e.in(t)
		for _, u := range []*testUser{alice, bob} {
			if got := e.visibleIDs(u, roomID); !slices.Equal(got, []int64{bobsID, ids["u4"], ids["u3"]}) {
				t.Errorf("%s sees %v", u.ID, got)
			}
			r := e.get("sync?last_received_comment_id=0", u)
			if got := field(r.list("results.comments"), "unique_temp_id"); !slices.Equal(got, []string{"u3", "u4", "b1"}) {
				t.Errorf("%s syncs %v", u.ID, got)
			}
		}
		r := e.get(fmt.Sprint("get_room_by_id?id=", roomID), bob)
		checkFields(t, r, []fieldWant{{"results.room.last_comment_message", "bob's"}})
	})
	t.Run("recorded for sync_event", func(t *testing.T) {
		e := e.in(t)
		r := e.get(fmt.Sprint("sync_event?start_event_id=", eventID-1), bob)
		checkFields(t, r, []fieldWant{
			{"events.0.id", int(eventID)}, {"events.0.action_topic", "delete_message"},
			{"events.0.payload.data.deleted_messages.0.message_unique_ids.1", "u2"},
		})
	})
	t.Run("query string form (v3)", func(t *testing.T) {
		e := e.in(t)
		r := e.send(http.MethodDelete, "delete_messages?unique_ids[]=u3&is_delete_for_everyone=true&is_hard_delete=false", alice, "", "")
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.comments.0.unique_temp_id", "u3"}})
		n := mb.in(t).nextJSON(bob.Token + "/n")
		checkFields(t, n, []fieldWant{{"payload.data.is_hard_delete", false}, {"payload.data.deleted_messages.0.message_unique_ids.0", "u3"}})
		ma.in(t).nextJSON(alice.Token + "/n")
	})
	t.Run("deleting again notifies nobody", func(t *testing.T) {
		e := e.in(t)
		r := e.sendJSON(http.MethodDelete, "delete_messages", alice, map[string]any{"unique_ids": []string{"u1"}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.comments.0.is_deleted", true}})
		mb.in(t).none(200 * time.Millisecond)
	})

	errs := []struct {
		name   string
		user   *testUser
		body   map[string]any
		status int
		msg    string
	}{
		{"someone else's comment", alice, map[string]any{"unique_ids": []string{"u4", "b1"}}, 403, `only the sender can delete comment "b1"`},
		{"unknown unique id", alice, map[string]any{"unique_ids": []string{"nope"}}, 404, `comment not found: unique id "nope"`},
		{"missing unique ids", alice, map[string]any{"is_hard_delete": true}, 400, "unique_ids is required"},
		{"bad flag", alice, map[string]any{"unique_ids": []string{"u4"}, "is_hard_delete": "sure"}, 400, "is_hard_delete must be true or false"},
		{"outsider", carol, map[string]any{"unique_ids": []string{"u4"}}, 403, "only the sender"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.sendJSON(http.MethodDelete, "delete_messages", tt.user, tt.body), tt.status, tt.msg)
		})
	}
	if got := e.visibleIDs(bob, roomID); !slices.Contains(got, ids["u4"]) {
		t.Error("a refused delete removed u4")
	}
	checkError(t, e.postJSON("delete_messages", alice, map[string]any{"unique_ids": []string{"u4"}}), 405, "not allowed")
}

func TestClearRoomMessages(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	ab := e.chat(alice, bob)
	g := e.group(alice, "Team", bob)
	e.mustPost(alice, ab, "1")
	e.mustPost(bob, ab, "2")
	gc := e.mustPost(bob, g, "g").num("results.comment.id")
	abUID, gUID := e.uniqueID(alice, ab), e.uniqueID(alice, g)
	ma, mb := e.mqtt("a", alice), e.mqtt("b", bob)
	ma.mustSubscribe(alice.Token + "/n")
	mb.mustSubscribe(bob.Token + "/n")

	r := e.sendJSON(http.MethodDelete, "clear_room_messages", alice, map[string]any{"room_channel_ids": []string{abUID}})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.rooms.0.id", int(ab)}, {"results.rooms.0.id_str", fmt.Sprint(ab)}, {"results.rooms.0.unique_id", abUID},
		{"results.rooms.0.room_name", "Bob"}, {"results.rooms.0.raw_room_name", ""}, {"results.rooms.0.chat_type", "single"},
		{"results.rooms.0.avatar_url", ""}, {"results.rooms.0.options", "{}"}, {"results.rooms.0.last_comment", nil},
	})
	n := ma.nextJSON(alice.Token + "/n")
	checkFields(t, n, []fieldWant{
		{"action_topic", "clear_room"}, {"payload.actor.email", "alice"}, {"payload.actor.name", "Alice"},
		{"payload.data.deleted_rooms.0.id", int(ab)}, {"payload.data.deleted_rooms.0.unique_id", abUID},
		{"payload.data.deleted_rooms.0.room_name", "Bob"}, {"payload.data.deleted_rooms.0.chat_type", "single"},
		{"payload.data.deleted_rooms.0.last_comment", nil},
	})
	for _, k := range []string{"id", "id_str", "unique_id", "room_name", "raw_room_name", "chat_type", "avatar_url", "options", "last_comment"} {
		if _, ok := n.get("payload.data.deleted_rooms.0").(map[string]any)[k]; !ok {
			t.Errorf("deleted_rooms entry has no %s", k)
		}
	}
	mb.none(200 * time.Millisecond) // clearing only affects the caller

	if got := e.visibleIDs(alice, ab); len(got) != 0 {
		t.Errorf("alice still sees %v", got)
	}
	if got := e.visibleIDs(bob, ab); len(got) != 2 {
		t.Errorf("bob sees %v, want both comments", got)
	}
	checkFields(t, e.get("total_unread_count", alice), []fieldWant{{"results.total_unread_count", 1}}) // g only
	later := e.mustPost(bob, ab, "3").num("results.comment.id")
	if got := e.visibleIDs(alice, ab); !slices.Equal(got, []int64{later}) {
		t.Errorf("after a new comment alice sees %v", got)
	}
	if r := e.get("sync_event?start_event_id=0", alice); r.str("events.0.action_topic") != "clear_room" {
		t.Errorf("sync_event %s", r.raw)
	}
	if r := e.get("sync_event?start_event_id=0", bob); len(r.list("events")) != 0 {
		t.Errorf("bob sees alice's clear: %s", r.raw)
	}

	t.Run("query string form, several rooms", func(t *testing.T) {
		e := e.in(t)
		r := e.send(http.MethodDelete, "clear_room_messages?room_channel_ids[]="+url.QueryEscape(gUID)+"&room_channel_ids[]="+url.QueryEscape(abUID), bob, "", "")
		mustStatus(t, r, 200)
		if got := field(r.list("results.rooms"), "id"); !slices.Equal(got, []string{fmt.Sprint(g), fmt.Sprint(ab)}) {
			t.Errorf("rooms %v", got)
		}
		n := mb.in(t).nextJSON(bob.Token + "/n")
		if got := field(n.list("payload.data.deleted_rooms"), "room_name"); !slices.Equal(got, []string{"Team", "Alice"}) {
			t.Errorf("deleted_rooms %v", got)
		}
		if got := e.visibleIDs(alice, g); !slices.Equal(got, []int64{gc}) {
			t.Errorf("alice lost g's comments: %v", got)
		}
	})
	errs := []struct {
		name   string
		user   *testUser
		ids    []string
		status int
		msg    string
	}{
		{"unknown room", alice, []string{"nope"}, 404, "room not found"},
		{"not a participant", carol, []string{abUID}, 403, "not a participant"},
		{"missing ids", alice, nil, 400, "room_channel_ids is required"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.sendJSON(http.MethodDelete, "clear_room_messages", tt.user, map[string]any{"room_channel_ids": tt.ids}), tt.status, tt.msg)
		})
	}
}

func TestUpdateMessage(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	roomID := e.chat(alice, bob)
	orig := e.postJSON("post_comment", alice, map[string]any{
		"comment": "helo", "topic_id": roomID, "unique_temp_id": "m1", "extras": map[string]any{"x": 1},
	})
	mustStatus(t, orig, 200)
	e.post(bob, roomID, "bob's", "b1")
	ma, mb := e.mqtt("a", alice), e.mqtt("b", bob)
	ma.mustSubscribe(alice.Token + "/update")
	mb.mustSubscribe(bob.Token + "/update")

	r := e.postJSON("update_message", alice, map[string]any{"token": "stale-token", "comment": "hello", "unique_id": "m1"})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.comment.id", int(orig.num("results.comment.id"))}, {"results.comment.message", "hello"},
		{"results.comment.unique_temp_id", "m1"}, {"results.comment.extras.x", 1}, {"results.comment.room_name", "Bob"},
		{"results.comment.timestamp", orig.str("results.comment.timestamp")},
	})
	for _, tc := range []struct {
		c        *mqttClient
		topic    string
		roomName string
	}{{ma, alice.Token + "/update", "Bob"}, {mb, bob.Token + "/update", "Alice"}} {
		m := tc.c.nextJSON(tc.topic)
		checkFields(t, m, []fieldWant{
			{"message", "hello"}, {"unique_temp_id", "m1"}, {"id", int(orig.num("results.comment.id"))},
			{"room_name", tc.roomName}, {"email", "alice"},
		})
	}
	checkFields(t, e.get(fmt.Sprint("load_comments?topic_id=", roomID), bob), []fieldWant{{"results.comments.1.message", "hello"}})

	t.Run("payload and extras", func(t *testing.T) {
		e := e.in(t)
		r := e.postJSON("update_message", alice, map[string]any{"comment": "hi", "unique_id": "m1",
			"extras": map[string]any{"edited": true}, "payload": map[string]any{"p": 2}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.comment.extras.edited", true}, {"results.comment.payload.p", 2}})
		mb.in(t).nextJSON(bob.Token + "/update")
		ma.in(t).nextJSON(alice.Token + "/update")
	})
	e.post(alice, roomID, "gone", "m2")
	mustStatus(t, e.sendJSON(http.MethodDelete, "delete_messages", alice, map[string]any{"unique_ids": []string{"m2"}}), 200)
	errs := []struct {
		name   string
		user   *testUser
		body   map[string]any
		status int
		msg    string
	}{
		{"someone else's", alice, map[string]any{"comment": "x", "unique_id": "b1"}, 403, `only the sender can edit comment "b1"`},
		{"unknown", alice, map[string]any{"comment": "x", "unique_id": "nope"}, 404, "comment not found"},
		{"deleted", alice, map[string]any{"comment": "x", "unique_id": "m2"}, 404, "was deleted"},
		{"empty text", alice, map[string]any{"comment": " ", "unique_id": "m1"}, 400, "comment is required"},
		{"missing unique id", alice, map[string]any{"comment": "x"}, 400, "unique_id is required"},
		{"extras not an object", alice, map[string]any{"unique_id": "m1", "extras": "[1]"}, 400, "extras must be a JSON object"},
		{"outsider", carol, map[string]any{"comment": "x", "unique_id": "m1"}, 403, "only the sender"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.postJSON("update_message", tt.user, tt.body), tt.status, tt.msg)
		})
	}
	mb.none(200 * time.Millisecond)
}

func TestSearchMessages(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	ab, bc := e.chat(alice, bob), e.chat(bob, carol)
	ids := []int64{}
	for _, m := range []string{"Hello world", "nothing", "say HELLO", "100% hello_x"} {
		ids = append(ids, e.mustPost(alice, ab, m).num("results.comment.id"))
	}
	e.mustPost(bob, bc, "hello carol") // not alice's room
	tests := []struct {
		name, body string
		want       []int64
	}{
		{"case-insensitive, newest first", "query=hello", []int64{ids[3], ids[2], ids[0]}},
		{"in a room", fmt.Sprint("query=hello&room_id=", ab), []int64{ids[3], ids[2], ids[0]}},
		{"before a comment", fmt.Sprint("query=hello&last_comment_id=", ids[2]), []int64{ids[0]}},
		{"LIKE wildcards are literal", "query=0%25+h", []int64{ids[3]}},
		{"underscore literal", "query=o_x", []int64{ids[3]}},
		{"nothing", "query=zzz", nil},
		{"v2 nulls", "query=world&room_id&last_comment_id", []int64{ids[0]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.form("search_messages", alice, tt.body)
			mustStatus(t, r, 200)
			got := r.list("results.comments")
			if got == nil {
				t.Fatalf("comments is not an array: %s", r.raw)
			}
			want := []string{}
			for _, id := range tt.want {
				want = append(want, fmt.Sprint(id))
			}
			if ids := field(got, "id"); !slices.Equal(ids, want) {
				t.Errorf("ids %v, want %v", ids, want)
			}
		})
	}
	checkError(t, e.form("search_messages", alice, "room_id=1"), 400, "query is required")
	checkError(t, e.form("search_messages", alice, "query=x&room_id=abc"), 400, "room_id must be an integer")
}

func TestSearch(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	ab := e.chat(alice, bob)
	g := e.group(alice, "G", bob, carol)
	e.form("get_or_create_room_with_unique_id", alice, "unique_id=ch")
	ch := e.form("get_or_create_room_with_unique_id", alice, "unique_id=ch").num("results.room.id")
	e.mustPost(alice, ab, "apple one")
	e.mustPost(bob, ab, "apple two")
	e.mustPost(carol, g, "apple group")
	e.mustPost(alice, ch, "apple channel")
	loc := e.postJSON("post_comment", alice, map[string]any{"comment": "apple at", "topic_id": ab, "type": "custom", "payload": map[string]any{"type": "place", "content": map[string]any{"lat": 1}}})
	mustStatus(t, loc, 200)

	tests := []struct {
		name  string
		body  map[string]any
		msgs  []string
		total int
	}{
		{"all (v2 shape)", map[string]any{"query": "apple", "room_ids": []string{}, "page": 1, "limit": 20},
			[]string{"apple at", "apple channel", "apple group", "apple two", "apple one"}, 5},
		{"by sender", map[string]any{"query": "apple", "sender": "bob"}, []string{"apple two"}, 1},
		{"by room ids as strings", map[string]any{"query": "apple", "room_ids": []string{fmt.Sprint(g)}}, []string{"apple group"}, 1},
		{"single rooms", map[string]any{"query": "apple", "room_type": "single"}, []string{"apple at", "apple two", "apple one"}, 3},
		{"group rooms", map[string]any{"query": "apple", "room_type": "group"}, []string{"apple group"}, 1},
		{"channels", map[string]any{"query": "apple", "room_type": "group", "is_public": true}, []string{"apple channel"}, 1},
		{"by type", map[string]any{"query": "apple", "type": "custom"}, []string{"apple at"}, 1},
		{"paged", map[string]any{"query": "apple", "page": 2, "limit": 2}, []string{"apple group", "apple two"}, 5},
		{"empty query", map[string]any{"sender": "carol"}, []string{"apple group"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.postJSON("search", alice, tt.body)
			mustStatus(t, r, 200)
			if got := field(r.list("results.comments"), "message"); !slices.Equal(got, tt.msgs) {
				t.Errorf("messages %v, want %v", got, tt.msgs)
			}
			checkFields(t, r, []fieldWant{{"results.total", tt.total}})
			if _, ok := r.get("results.page").(interface{ String() string }); !ok {
				t.Errorf("no page: %s", r.raw)
			}
		})
	}
	checkFields(t, e.postJSON("search", alice, map[string]any{"query": "apple"}), []fieldWant{{"results.page", 1}, {"results.limit", 20}})
	errs := []struct {
		name string
		body map[string]any
		msg  string
	}{
		{"bad room type", map[string]any{"room_type": "channel"}, "room_type must be single or group"},
		{"bad room id", map[string]any{"room_ids": []string{"x"}}, "room_ids must hold room ids"},
		{"bad type", map[string]any{"type": "sticker/*"}, `type "sticker/*" may only hold ASCII letters`},
		{"bad page", map[string]any{"page": "one"}, "page must be an integer"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.postJSON("search", alice, tt.body), 400, tt.msg)
		})
	}
}

func TestFileList(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	ab, bc := e.chat(alice, bob), e.chat(bob, carol)
	attach := func(u *testUser, room int64, url, name string, size int) int64 {
		r := e.postJSON("post_comment", u, map[string]any{"comment": "File attachment", "topic_id": room, "type": "file_attachment",
			"payload": map[string]any{"url": url, "file_name": name, "size": size, "caption": "cap"}})
		mustStatus(t, r, 200)
		return r.num("results.comment.id")
	}
	pic := attach(alice, ab, "http://cdn/x/pic.JPG", "pic.JPG", 1234)
	doc := e.mustPost(bob, ab, "[file] http://cdn/y/report%20v2.pdf [/file]").num("results.comment.id")
	zip := attach(bob, ab, "http://cdn/z/a.zip", "", 10)
	e.mustPost(alice, ab, "just text with [file] inside")
	attach(bob, bc, "http://cdn/other.png", "other.png", 1) // not alice's room

	r := e.postJSON("file_list", alice, map[string]any{"room_ids": []string{fmt.Sprint(ab)}, "file_type": "", "page": 1, "limit": 10})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.total", 3}, {"results.page", 1}, {"results.limit", 10},
		{"results.files.0.comment_id", int(zip)}, {"results.files.0.file_name", "a.zip"}, {"results.files.0.file_type", "others"},
		{"results.files.1.comment_id", int(doc)}, {"results.files.1.url", "http://cdn/y/report%20v2.pdf"},
		{"results.files.1.file_name", "report v2.pdf"}, {"results.files.1.extension", "pdf"}, {"results.files.1.file_type", "doc"},
		{"results.files.1.size", 0}, {"results.files.1.email", "bob"}, {"results.files.1.caption", ""},
		{"results.files.2.comment_id", int(pic)}, {"results.files.2.size", 1234}, {"results.files.2.extension", "jpg"},
		{"results.files.2.file_type", "media"}, {"results.files.2.caption", "cap"}, {"results.files.2.room_id_str", fmt.Sprint(ab)},
		{"results.comments.2.id", int(pic)}, {"results.comments.2.type", "file_attachment"}, {"results.comments.1.id", int(doc)},
	})
	tests := []struct {
		name string
		body map[string]any
		want []int64
	}{
		{"media", map[string]any{"file_type": "media"}, []int64{pic}},
		{"doc", map[string]any{"file_type": "doc"}, []int64{doc}},
		{"include", map[string]any{"include_extensions": []string{".PDF", "zip"}}, []int64{zip, doc}},
		{"exclude", map[string]any{"exclude_extensions": []string{"zip"}}, []int64{doc, pic}},
		{"sender (v2 default: me)", map[string]any{"sender": "alice"}, []int64{pic}},
		{"paged", map[string]any{"limit": 1, "page": 2}, []int64{doc}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.postJSON("file_list", alice, tt.body)
			mustStatus(t, r, 200)
			want := []string{}
			for _, id := range tt.want {
				want = append(want, fmt.Sprint(id))
			}
			if got := field(r.list("results.files"), "comment_id"); !slices.Equal(got, want) {
				t.Errorf("files %v, want %v", got, want)
			}
			if got := field(r.list("results.comments"), "id"); !slices.Equal(got, want) {
				t.Errorf("comments %v, want %v", got, want)
			}
		})
	}
	checkError(t, e.postJSON("file_list", alice, map[string]any{"file_type": "video"}), 400, "file_type must be")
	checkError(t, e.postJSON("file_list", alice, map[string]any{"room_ids": []string{"abc"}}), 400, "room_ids must hold room ids")
}

func TestCommentReceipt(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol, dave := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol"), e.login("dave", "Dave")
	g := e.group(alice, "G", bob, carol, dave)
	id := e.mustPost(alice, g, "receipt me").num("results.comment.id")
	mustStatus(t, e.form("update_comment_status", bob, fmt.Sprint("room_id=", g, "&last_comment_read_id=", id)), 200)
	mustStatus(t, e.form("update_comment_status", carol, fmt.Sprint("room_id=", g, "&last_comment_received_id=", id)), 200)

	r := e.get(fmt.Sprint("comment_receipt?comment_id=", id), alice)
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{{"results.comment.id", int(id)}, {"results.comment.status", "sent"}})
	for k, want := range map[string][]string{"read_by": {"bob"}, "delivered_to": {"carol"}, "pending": {"dave"}} {
		checkParticipants(t, r.list("results."+k), want...)
	}
	outsider := e.login("zed", "Zed")
	checkError(t, e.get(fmt.Sprint("comment_receipt?comment_id=", id), outsider), 403, "not a participant")
	checkError(t, e.get("comment_receipt?comment_id=999", alice), 404, "comment not found")
	checkError(t, e.get("comment_receipt", alice), 400, "comment_id is required")
}

// A recipient who blocked the sender gets nothing from them in single rooms.
func TestBlockedSenderIsNotDelivered(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	ab := e.chat(alice, bob)
	g := e.group(alice, "G", bob, carol)
	first := e.mustPost(alice, ab, "before").num("results.comment.id")
	ma, mb := e.mqtt("a", alice), e.mqtt("b", bob)
	ma.mustSubscribe(alice.Token + "/c")
	mb.mustSubscribe(bob.Token+"/c", bob.Token+"/update")
	mustStatus(t, e.form("block_user", bob, "user_email=alice"), 200)

	r := e.post(alice, ab, "while blocked", "blocked-1")
	mustStatus(t, r, 200) // the sender is not told
	hidden := r.num("results.comment.id")
	if m := ma.nextJSON(alice.Token + "/c"); m.str("message") != "while blocked" {
		t.Errorf("sender echo %s", m.raw)
	}
	mb.none(300 * time.Millisecond)

	if got := e.visibleIDs(bob, ab); !slices.Equal(got, []int64{first}) {
		t.Errorf("bob sees %v, want only %d", got, first)
	}
	if got := e.visibleIDs(alice, ab); !slices.Equal(got, []int64{hidden, first}) {
		t.Errorf("alice sees %v", got)
	}
	sync := e.get("sync?last_received_comment_id=0", bob)
	if got := field(sync.list("results.comments"), "id"); slices.Contains(got, fmt.Sprint(hidden)) {
		t.Errorf("bob syncs the hidden comment: %v", got)
	}
	checkFields(t, e.get(fmt.Sprint("get_room_by_id?id=", ab), bob), []fieldWant{
		{"results.room.last_comment_message", "before"}, {"results.room.unread_count", 1},
	})
	t.Run("edits of a hidden comment are not pushed", func(t *testing.T) {
		e := e.in(t)
		mustStatus(t, e.postJSON("update_message", alice, map[string]any{"comment": "edited", "unique_id": "blocked-1"}), 200)
		mb.in(t).none(200 * time.Millisecond)
	})
	t.Run("group rooms are not filtered", func(t *testing.T) {
		e := e.in(t)
		e.mustPost(alice, g, "to the group")
		if m := mb.in(t).nextJSON(bob.Token + "/c"); m.str("message") != "to the group" {
			t.Errorf("got %s", m.raw)
		}
		ma.in(t).next()
	})
	t.Run("the blocker can still write", func(t *testing.T) {
		e := e.in(t)
		e.mustPost(bob, ab, "from bob")
		if m := ma.in(t).nextJSON(alice.Token + "/c"); m.str("message") != "from bob" {
			t.Errorf("got %s", m.raw)
		}
		mb.in(t).next() // bob's own echo
	})
	t.Run("after unblock", func(t *testing.T) {
		e := e.in(t)
		mustStatus(t, e.form("unblock_user", bob, "user_email=alice"), 200)
		e.mustPost(alice, ab, "after")
		if m := mb.in(t).nextJSON(bob.Token + "/c"); m.str("message") != "after" {
			t.Errorf("got %s", m.raw)
		}
		if got := e.visibleIDs(bob, ab); slices.Contains(got, hidden) {
			t.Error("a comment sent while blocked showed up after unblocking")
		}
	})
}
