package server

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fieldWant is one expected field of a JSON response.
type fieldWant struct {
	path string
	want any // string, int, bool, or nil for JSON null
}

func checkFields(t *testing.T, r resp, fields []fieldWant) {
	t.Helper()
	for _, f := range fields {
		got := r.get(f.path)
		var ok bool
		switch w := f.want.(type) {
		case int:
			ok = fmt.Sprint(got) == fmt.Sprint(w)
		case nil:
			ok = got == nil
		default:
			ok = got == f.want
		}
		if !ok {
			t.Errorf("%s = %#v, want %#v", f.path, got, f.want)
		}
	}
}

func checkError(t *testing.T, r resp, status int, msgPart string) {
	t.Helper()
	mustStatus(t, r, status)
	if msg := r.str("error.message"); !strings.Contains(msg, msgPart) {
		t.Errorf("error.message = %q, want it to contain %q", msg, msgPart)
	}
	// Only the SDK API answers other origins; the server API and the dev
	// endpoints do not.
	sdk := strings.HasPrefix(r.path, "/api/v2/sdk/") || strings.HasPrefix(r.path, "/api/v2/mobile/")
	if got := r.header.Get("Access-Control-Allow-Origin"); sdk && got != "*" {
		t.Error("SDK API error response without CORS header")
	} else if !sdk && got != "" {
		t.Errorf("Access-Control-Allow-Origin %q on %s", got, r.path)
	}
}

func TestConfig(t *testing.T) {
	e := newEnv(t)
	for _, prefix := range []string{"/api/v2/sdk/", "/api/v2/mobile/"} {
		r := e.do(http.MethodGet, prefix+"config", appHeaders(), "", "")
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{
			{"results.base_url", ""}, {"results.broker_lb_url", ""}, {"results.broker_url", ""},
			{"results.enable_realtime", true}, {"results.enable_realtime_check", true},
			{"results.sync_interval", 5000}, {"results.sync_on_connect", 10000},
			{"results.enable_event_report", false}, {"results.extras", ""}, {"results.enable_sync", true},
			{"results.enable_sync_event", false}, {"results.auto_refresh_token", false},
		})
		if r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Error("missing CORS header")
		}
	}
}

func TestAppIDAndAuthHeaders(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice", "Alice")
	tests := []struct {
		name   string
		hdr    map[string]string
		status int
		msg    string
	}{
		{"hyphen headers", map[string]string{"QISCUS-SDK-APP-ID": "dev", "QISCUS-SDK-USER-ID": "alice", "QISCUS-SDK-TOKEN": alice.Token}, 200, ""},
		{"underscore headers", map[string]string{"qiscus_sdk_app_id": "dev", "qiscus_sdk_user_id": "alice", "qiscus_sdk_token": alice.Token}, 200, ""},
		{"mixed case underscore", map[string]string{"Qiscus_Sdk_App_Id": "dev", "QISCUS_SDK_USER_ID": "alice", "qiscus-sdk-token": alice.Token}, 200, ""},
		{"missing app id", map[string]string{"QISCUS-SDK-USER-ID": "alice", "QISCUS-SDK-TOKEN": alice.Token}, 401, "app id"},
		{"wrong app id", map[string]string{"QISCUS-SDK-APP-ID": "other", "QISCUS-SDK-USER-ID": "alice", "QISCUS-SDK-TOKEN": alice.Token}, 403, `unknown app id "other"`},
		{"missing token", map[string]string{"QISCUS-SDK-APP-ID": "dev", "QISCUS-SDK-USER-ID": "alice"}, 401, "missing token"},
		{"missing user id", map[string]string{"QISCUS-SDK-APP-ID": "dev", "QISCUS-SDK-TOKEN": alice.Token}, 401, "missing user id"},
		{"bad token", map[string]string{"QISCUS-SDK-APP-ID": "dev", "QISCUS-SDK-USER-ID": "alice", "QISCUS-SDK-TOKEN": "NOPE"}, 401, "invalid user id or token"},
		{"token of another user", map[string]string{"QISCUS-SDK-APP-ID": "dev", "QISCUS-SDK-USER-ID": "bob", "QISCUS-SDK-TOKEN": alice.Token}, 401, "invalid user id or token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.do(http.MethodGet, "/api/v2/sdk/sync?last_received_comment_id=0", tt.hdr, "", "")
			if tt.status == 200 {
				mustStatus(t, r, 200)
				return
			}
			checkError(t, r, tt.status, tt.msg)
		})
	}
}

func TestExpiredToken(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TokenTTL = time.Nanosecond })
	alice := e.login("alice", "Alice")
	r := e.get("sync", alice)
	mustStatus(t, r, http.StatusForbidden)
	if got := r.str("error.message"); got != "Unauthorized. Token is expired" {
		t.Fatalf("message %q", got)
	}
	// Logging in again issues a new token.
	again := e.login("alice", "Alice")
	if again.Token == alice.Token {
		t.Error("expired token was not replaced on login")
	}
}

func TestLoginOrRegister(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TokenTTL = time.Hour })
	r := e.form("login_or_register", nil, "email=alice&password=secret&username=Alice&avatar_url=http%3A%2F%2Fa%2Fa.png&extras=%7B%22role%22%3A%22tester%22%7D")
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.user.id", 1}, {"results.user.id_str", "1"}, {"results.user.email", "alice"},
		{"results.user.username", "Alice"}, {"results.user.avatar_url", "http://a/a.png"},
		{"results.user.avatar.avatar.url", "http://a/a.png"}, {"results.user.extras.role", "tester"},
		{"results.user.last_comment_id", 0}, {"results.user.last_comment_id_str", "0"},
		{"results.user.last_sync_event_id", 0}, {"results.user.pn_android_configured", false},
		{"results.user.pn_ios_configured", false}, {"results.user.app.code", "dev"},
		{"results.user.app.id", 1}, {"results.user.app.id_str", "1"}, {"results.user.app.name", "dev"},
	})
	token := r.str("results.user.token")
	if !regexp.MustCompile(`^[A-Za-z0-9]{20,}$`).MatchString(token) {
		t.Errorf("token %q is not a long alphanumeric string", token)
	}
	if r.str("results.user.refresh_token") == "" {
		t.Error("empty refresh_token")
	}
	exp, err := time.Parse(time.RFC3339, r.str("results.user.token_expires_at"))
	if err != nil || time.Until(exp) < 50*time.Minute {
		t.Errorf("token_expires_at %q (%v)", r.str("results.user.token_expires_at"), err)
	}
	if _, ok := r.get("results.user.rtKey").(string); !ok {
		t.Error("rtKey missing")
	}

	t.Run("login again keeps token, updates profile", func(t *testing.T) {
		e := e.in(t)
		r := e.form("login_or_register", nil, "email=alice&password=secret&username=Alice2&extras")
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{
			{"results.user.token", token}, {"results.user.username", "Alice2"},
			{"results.user.avatar_url", "http://a/a.png"}, {"results.user.extras.role", "tester"},
		})
	})
	t.Run("defaults", func(t *testing.T) {
		e := e.in(t)
		r := e.form("login_or_register", nil, "email=bob&password=x")
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.user.username", "bob"}, {"results.user.avatar_url", ""}})
		if extras, ok := r.get("results.user.extras").(map[string]any); !ok || len(extras) != 0 {
			t.Errorf("extras = %#v, want {}", r.get("results.user.extras"))
		}
	})
	t.Run("never expiring tokens", func(t *testing.T) {
		e := newEnv(t)
		r := e.form("login_or_register", nil, "email=carol&password=x")
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.user.token_expires_at", ""}})
	})

	errs := []struct {
		name, body string
		status     int
		msg        string
	}{
		{"wrong password", "email=alice&password=nope", 401, "wrong password"},
		{"missing email", "password=x", 400, "email is required"},
		{"missing password", "email=dave", 400, "password is required"},
		{"bad extras", "email=dave&password=x&extras=%7Bnope", 400, "extras must be valid JSON"},
		{"extras not an object", "email=dave&password=x&extras=%5B1%5D", 400, "extras must be a JSON object"},
		{"user id with slash", "email=a%2Fb&password=x", 400, "without / + #"},
		{"user id with hash", "email=a%23b&password=x", 400, "without / + #"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.form("login_or_register", nil, tt.body), tt.status, tt.msg)
		})
	}
}

func TestGetOrCreateRoomWithTarget(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	e.login("carol", "Carol")

	r := e.form("get_or_create_room_with_target", alice, "emails=bob&options=%7B%22color%22%3A%22red%22%7D")
	mustStatus(t, r, 200)
	roomID := r.num("results.room.id")
	checkFields(t, r, []fieldWant{
		{"results.room.id_str", fmt.Sprint(roomID)}, {"results.room.room_name", "Bob"},
		{"results.room.chat_type", "single"}, {"results.room.is_public_channel", false},
		{"results.room.options", `{"color":"red"}`}, {"results.room.last_comment_id", 0},
		{"results.room.last_comment_message", ""}, {"results.room.last_topic_id", int(roomID)},
		{"results.room.room_total_participants", 2}, {"results.room.unread_count", 0},
		{"results.room.participants.0.email", "alice"}, {"results.room.participants.1.email", "bob"},
		{"results.room.participants.1.username", "Bob"}, {"results.room.participants.1.last_comment_read_id", 0},
		{"results.room.participants.1.last_comment_received_id_str", "0"},
	})
	if r.str("results.room.unique_id") == "" {
		t.Error("empty unique_id")
	}
	if r.list("results.comments") == nil {
		t.Errorf("comments must be an array: %s", r.raw)
	}

	same := []struct {
		name string
		user *testUser
		body string
	}{
		{"again", alice, "emails=bob"},
		{"from the other side", bob, "emails=alice"},
		{"k[] array", alice, "emails[]=bob"},
		{"k[][0] array", alice, "emails[][0]=bob"},
		{"k[0] array", alice, "emails[0]=bob"},
		{"both members", bob, "emails[]=alice&emails[]=bob"},
	}
	for _, tt := range same {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.form("get_or_create_room_with_target", tt.user, tt.body)
			mustStatus(t, r, 200)
			if got := r.num("results.room.id"); got != roomID {
				t.Fatalf("room %d, want %d", got, roomID)
			}
			want := "Bob"
			if tt.user == bob {
				want = "Alice"
			}
			checkFields(t, r, []fieldWant{{"results.room.room_name", want}, {"results.room.options", `{"color":"red"}`}})
		})
	}
	t.Run("json body with array", func(t *testing.T) {
		e := e.in(t)
		r := e.postJSON("get_or_create_room_with_target", bob, map[string]any{"emails": []string{"alice"}})
		mustStatus(t, r, 200)
		if r.num("results.room.id") != roomID {
			t.Fatal("different room")
		}
	})
	t.Run("other pair gets another room", func(t *testing.T) {
		e := e.in(t)
		r := e.form("get_or_create_room_with_target", alice, "emails=carol")
		mustStatus(t, r, 200)
		if r.num("results.room.id") == roomID {
			t.Fatal("same room for a different pair")
		}
	})

	errs := []struct {
		name, body string
		status     int
		msg        string
	}{
		{"missing emails", "options=%7B%7D", 400, "emails is required"},
		{"unknown target", "emails=nobody", 404, `user not found: "nobody"`},
		{"yourself", "emails=alice", 400, "yourself"},
		{"two targets", "emails[]=bob&emails[]=carol", 400, "exactly one"},
		{"bad options", "emails=bob&options=%7Bx", 400, "options must be valid JSON"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.form("get_or_create_room_with_target", alice, tt.body), tt.status, tt.msg)
		})
	}
	t.Run("no auth", func(t *testing.T) {
		e := e.in(t)
		checkError(t, e.form("get_or_create_room_with_target", nil, "emails=bob"), 401, "missing token")
	})
}

func TestGetRoomByID(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	roomID := e.chat(alice, bob)
	for i := range 25 {
		e.mustPost(alice, roomID, fmt.Sprint("m", i))
	}
	r := e.get(fmt.Sprint("get_room_by_id?id=", roomID), bob)
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.room.id", int(roomID)}, {"results.room.room_name", "Alice"},
		{"results.room.last_comment_message", "m24"}, {"results.room.unread_count", 25},
		{"results.comments.0.message", "m24"}, {"results.comments.19.message", "m5"},
	})
	if n := len(r.list("results.comments")); n != 20 {
		t.Errorf("%d comments, want 20", n)
	}
	if r.num("results.room.last_comment_id") != r.num("results.comments.0.id") {
		t.Error("last_comment_id is not the newest comment")
	}

	errs := []struct {
		name, query string
		user        *testUser
		status      int
		msg         string
	}{
		{"not a participant", fmt.Sprint("id=", roomID), carol, 403, "not a participant"},
		{"unknown room", "id=999", alice, 404, "room not found"},
		{"missing id", "", alice, 400, "id is required"},
		{"bad id", "id=abc", alice, 400, "id must be an integer"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.get("get_room_by_id?"+tt.query, tt.user), tt.status, tt.msg)
		})
	}
}

func TestPostComment(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	roomID := e.chat(alice, bob)

	before := time.Now()
	r := e.postJSON("post_comment", alice, map[string]any{
		"comment": "hello <b>bob</b>", "topic_id": fmt.Sprint(roomID), "unique_temp_id": "javascript-abc",
		"type": "text", "payload": nil, "extras": map[string]any{"k": "v"},
	})
	mustStatus(t, r, 200)
	id := r.num("results.comment.id")
	checkFields(t, r, []fieldWant{
		{"results.comment.id_str", fmt.Sprint(id)}, {"results.comment.comment_before_id", 0},
		{"results.comment.comment_before_id_str", "0"}, {"results.comment.message", "hello <b>bob</b>"},
		{"results.comment.type", "text"}, {"results.comment.extras.k", "v"},
		{"results.comment.email", "alice"}, {"results.comment.username", "Alice"},
		{"results.comment.user_id", int(alice.PK)}, {"results.comment.user_id_str", fmt.Sprint(alice.PK)},
		{"results.comment.user_avatar_url", ""}, {"results.comment.user_avatar.avatar.url", ""},
		{"results.comment.room_id", int(roomID)}, {"results.comment.room_id_str", fmt.Sprint(roomID)},
		{"results.comment.topic_id", int(roomID)}, {"results.comment.topic_id_str", fmt.Sprint(roomID)},
		{"results.comment.room_name", "Bob"}, {"results.comment.chat_type", "single"},
		{"results.comment.is_public_channel", false}, {"results.comment.unique_temp_id", "javascript-abc"},
		{"results.comment.disable_link_preview", false}, {"results.comment.is_deleted", false},
		{"results.comment.status", "sent"},
	})
	if p, ok := r.get("results.comment.payload").(map[string]any); !ok || len(p) != 0 {
		t.Errorf("payload = %#v, want {}", r.get("results.comment.payload"))
	}
	ts, err := time.Parse(time.RFC3339, r.str("results.comment.timestamp"))
	if err != nil || !strings.HasSuffix(r.str("results.comment.timestamp"), "Z") {
		t.Fatalf("timestamp %q: %v", r.str("results.comment.timestamp"), err)
	}
	unix, nano := r.num("results.comment.unix_timestamp"), r.num("results.comment.unix_nano_timestamp")
	if unix != ts.Unix() || nano/int64(time.Second) != unix || nano < before.UnixNano() {
		t.Errorf("timestamps disagree: %s %d %d", ts, unix, nano)
	}

	t.Run("second comment links to the first", func(t *testing.T) {
		e := e.in(t)
		r := e.mustPost(bob, roomID, "hi")
		checkFields(t, r, []fieldWant{
			{"results.comment.comment_before_id", int(id)}, {"results.comment.room_name", "Alice"},
		})
	})
	t.Run("retry is idempotent", func(t *testing.T) {
		e := e.in(t)
		n := e.commentCount()
		r := e.post(alice, roomID, "hello again", "javascript-abc")
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.comment.id", int(id)}, {"results.comment.message", "hello <b>bob</b>"}})
		if e.commentCount() != n {
			t.Error("retry stored a second comment")
		}
	})
	t.Run("same unique id from another sender is refused", func(t *testing.T) {
		e := e.in(t)
		n := e.commentCount()
		r := e.post(bob, roomID, "mine", "javascript-abc")
		mustStatus(t, r, 409) // a unique_temp_id names one message of the room (uniqueid_test.go)
		if e.commentCount() != n {
			t.Error("bob's refused comment was stored")
		}
	})
	t.Run("unique id generated", func(t *testing.T) {
		e := e.in(t)
		r := e.post(alice, roomID, "x", "")
		mustStatus(t, r, 200)
		if r.str("results.comment.unique_temp_id") == "" {
			t.Error("no unique_temp_id")
		}
	})
	t.Run("exactly 4000 characters", func(t *testing.T) {
		e := e.in(t)
		r := e.post(alice, roomID, strings.Repeat("é", 4000), "")
		mustStatus(t, r, 200)
	})
	t.Run("custom payload", func(t *testing.T) {
		e := e.in(t)
		r := e.postJSON("post_comment", alice, map[string]any{
			"comment": "card", "topic_id": roomID, "type": "custom",
			"payload": map[string]any{"type": "card", "content": map[string]any{"n": 1}},
		})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.comment.type", "custom"}, {"results.comment.payload.type", "card"}, {"results.comment.payload.content.n", 1}})
	})
	t.Run("payload as a JSON string", func(t *testing.T) {
		e := e.in(t)
		r := e.postJSON("post_comment", alice, map[string]any{
			"comment": "loc", "topic_id": roomID, "type": "location", "payload": `{"latitude":1,"longitude":2}`,
		})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.comment.payload.latitude", 1}})
	})
	t.Run("payload that is not JSON is refused", func(t *testing.T) {
		e := e.in(t)
		r := e.postJSON("post_comment", alice, map[string]any{
			"comment": "x", "topic_id": roomID, "type": "file_attachment", "payload": "not json",
		})
		checkError(t, r, 400, "payload must be valid JSON")
	})

	errs := []struct {
		name string
		user *testUser
		body map[string]any
		code int
		msg  string
	}{
		{"too long", alice, map[string]any{"comment": strings.Repeat("a", 4001), "topic_id": roomID}, 400, "comment is too long (max 4000 characters)"},
		{"too long with a new unique id", alice, map[string]any{"comment": strings.Repeat("é", 4001), "topic_id": roomID, "unique_temp_id": "fresh"}, 400, "comment is too long (max 4000 characters)"},
		{"missing topic", alice, map[string]any{"comment": "x"}, 400, "topic_id is required"},
		{"bad topic", alice, map[string]any{"comment": "x", "topic_id": "abc"}, 400, "topic_id must be an integer"},
		{"unknown room", alice, map[string]any{"comment": "x", "topic_id": 999}, 404, "room not found"},
		{"not a participant", carol, map[string]any{"comment": "x", "topic_id": roomID}, 403, "not a participant"},
		{"invalid type name", alice, map[string]any{"comment": "x", "topic_id": roomID, "type": "sticker pack"}, 400, `type "sticker pack" may only hold ASCII letters`},
		{"empty text", alice, map[string]any{"comment": "  ", "topic_id": roomID}, 400, "comment is required"},
		{"custom without payload", alice, map[string]any{"comment": "x", "topic_id": roomID, "type": "custom"}, 400, "JSON object payload"},
		{"custom without type", alice, map[string]any{"comment": "x", "topic_id": roomID, "type": "custom", "payload": map[string]any{"content": 1}}, 400, "needs a type"},
		{"extras not an object", alice, map[string]any{"comment": "x", "topic_id": roomID, "extras": "[1]"}, 400, "extras must be a JSON object"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			n := e.commentCount()
			checkError(t, e.postJSON("post_comment", tt.user, tt.body), tt.code, tt.msg)
			if e.commentCount() != n {
				t.Error("a refused comment changed the comments table")
			}
		})
	}
}

func TestLoadComments(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	roomID := e.chat(alice, bob)
	ids := make([]int64, 30)
	for i := range ids {
		ids[i] = e.mustPost(alice, roomID, fmt.Sprint("m", i)).num("results.comment.id")
	}
	base := fmt.Sprint("load_comments?topic_id=", roomID)
	tests := []struct {
		name  string
		query string
		want  []int64 // expected ids, in order
	}{
		{"latest, default limit", "", reverse(ids[10:])},
		{"limit", "&limit=3", reverse(ids[27:])},
		{"limit capped", "&limit=1000", reverse(ids)},
		{"before a cursor", fmt.Sprint("&last_comment_id=", ids[10], "&limit=5"), reverse(ids[5:10])},
		{"before a cursor, after=false", fmt.Sprint("&last_comment_id=", ids[10], "&after=false&limit=5"), reverse(ids[5:10])},
		{"after a cursor", fmt.Sprint("&last_comment_id=", ids[10], "&after=true&limit=5"), reverse(ids[11:16])},
		{"after the newest", fmt.Sprint("&last_comment_id=", ids[29], "&after=true"), nil},
		{"before the oldest", fmt.Sprint("&last_comment_id=", ids[0]), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.get(base+tt.query, bob)
			mustStatus(t, r, 200)
			got := r.list("results.comments")
			if got == nil {
				t.Fatalf("comments is not an array: %s", r.raw)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d comments, want %d", len(got), len(tt.want))
			}
			for i, id := range tt.want {
				if g := at(got[i], "id"); fmt.Sprint(g) != fmt.Sprint(id) {
					t.Fatalf("comment %d has id %v, want %d", i, g, id)
				}
			}
		})
	}
	checkError(t, e.get(base, carol), 403, "not a participant")
	checkError(t, e.get("load_comments?topic_id=999", alice), 404, "room not found")
	checkError(t, e.get("load_comments", alice), 400, "topic_id is required")
	checkError(t, e.get(base+"&after=maybe", alice), 400, "after must be true or false")
}

func reverse(ids []int64) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[len(ids)-1-i] = id
	}
	return out
}

func TestUpdateCommentStatus(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	roomID := e.chat(alice, bob)
	c1 := e.mustPost(alice, roomID, "one").num("results.comment.id")
	c2 := e.mustPost(alice, roomID, "two").num("results.comment.id")
	c3 := e.mustPost(alice, roomID, "three").num("results.comment.id")
	room := fmt.Sprint("room_id=", roomID)

	statusOf := func(id int64) string {
		r := e.get(fmt.Sprint("load_comments?topic_id=", roomID), alice)
		for _, c := range r.list("results.comments") {
			if fmt.Sprint(at(c, "id")) == fmt.Sprint(id) {
				return at(c, "status").(string)
			}
		}
		t.Fatalf("comment %d not found", id)
		return ""
	}

	steps := []struct {
		name           string
		body           string
		changed        bool
		read, received int64
		c1, c2, c3     string // statuses from alice's side afterwards
	}{
		{"receive c2", fmt.Sprint("&last_comment_received_id=", c2), true, 0, c2, "delivered", "delivered", "sent"},
		{"receive c1 does not move back", fmt.Sprint("&last_comment_received_id=", c1), false, 0, c2, "delivered", "delivered", "sent"},
		{"read c1", fmt.Sprint("&last_comment_read_id=", c1), true, c1, c2, "read", "delivered", "sent"},
		{"read c3 implies received", fmt.Sprint("&last_comment_read_id=", c3), true, c3, c3, "read", "read", "read"},
		{"both, behind", fmt.Sprint("&last_comment_read_id=", c2, "&last_comment_received_id=", c1), false, c3, c3, "read", "read", "read"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e := e.in(t)
			r := e.form("update_comment_status", bob, room+st.body)
			mustStatus(t, r, 200)
			checkFields(t, r, []fieldWant{
				{"results.changed", st.changed}, {"results.last_comment_read_id", int(st.read)},
				{"results.last_comment_received_id", int(st.received)}, {"results.user_id", int(bob.PK)},
			})
			for id, want := range map[int64]string{c1: st.c1, c2: st.c2, c3: st.c3} {
				if got := statusOf(id); got != want {
					t.Errorf("status of %d = %s, want %s", id, got, want)
				}
			}
		})
	}
	t.Run("cursors show in the room", func(t *testing.T) {
		e := e.in(t)
		r := e.get(fmt.Sprint("get_room_by_id?id=", roomID), alice)
		checkFields(t, r, []fieldWant{
			{"results.room.participants.1.email", "bob"},
			{"results.room.participants.1.last_comment_read_id", int(c3)},
			{"results.room.participants.1.last_comment_received_id", int(c3)},
		})
	})
	t.Run("events recorded", func(t *testing.T) {
		e := e.in(t)
		var n int
		if err := e.s.store.DB.QueryRow("SELECT COUNT(*) FROM events WHERE room_id = ?", roomID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 3 { // delivered c2, read c1, read c3
			t.Errorf("%d events, want 3", n)
		}
	})

	errs := []struct {
		name   string
		user   *testUser
		body   string
		status int
		msg    string
	}{
		{"no cursor", bob, room, 400, "last_comment_read_id or last_comment_received_id is required"},
		{"missing room", bob, fmt.Sprint("last_comment_read_id=", c1), 400, "room_id is required"},
		{"unknown comment", bob, room + "&last_comment_read_id=9999", 404, "comment not found"},
		{"unknown room", bob, "room_id=999&last_comment_read_id=1", 404, "room not found"},
		{"not a participant", carol, room + fmt.Sprint("&last_comment_read_id=", c1), 403, "not a participant"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.form("update_comment_status", tt.user, tt.body), tt.status, tt.msg)
		})
	}
}

func TestSync(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	ab, ac, bc := e.chat(alice, bob), e.chat(alice, carol), e.chat(bob, carol)
	a1 := e.mustPost(alice, ab, "ab1").num("results.comment.id")
	e.mustPost(bob, bc, "bc1") // not alice's
	a2 := e.mustPost(carol, ac, "ac1").num("results.comment.id")
	a3 := e.mustPost(bob, ab, "ab2").num("results.comment.id")

	tests := []struct {
		name  string
		query string
		ids   []int64
		meta  int64
	}{
		{"from zero", "last_received_comment_id=0", []int64{a1, a2, a3}, a3},
		{"no parameter", "", []int64{a1, a2, a3}, a3},
		{"from a1", fmt.Sprint("last_received_comment_id=", a1), []int64{a2, a3}, a3},
		{"limit", "last_received_comment_id=0&limit=2", []int64{a1, a2}, a2},
		{"nothing new keeps the cursor", fmt.Sprint("last_received_comment_id=", a3+100), nil, a3 + 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.get("sync?"+tt.query, alice)
			mustStatus(t, r, 200)
			got := r.list("results.comments")
			if got == nil || len(got) != len(tt.ids) {
				t.Fatalf("comments %s, want ids %v", r.raw, tt.ids)
			}
			for i, id := range tt.ids {
				if fmt.Sprint(at(got[i], "id")) != fmt.Sprint(id) {
					t.Errorf("comment %d id %v, want %d", i, at(got[i], "id"), id)
				}
			}
			checkFields(t, r, []fieldWant{{"results.meta.last_received_comment_id", int(tt.meta)}, {"results.meta.need_clear", false}})
		})
	}
	r := e.get("sync?last_received_comment_id=0", alice)
	checkFields(t, r, []fieldWant{{"results.comments.1.room_name", "Carol"}, {"results.comments.2.room_name", "Bob"}})
	checkError(t, e.get("sync?last_received_comment_id=x", alice), 400, "must be an integer")
}

func TestRoutingAndCORS(t *testing.T) {
	e := newEnv(t)
	t.Run("preflight", func(t *testing.T) {
		e := e.in(t)
		r := e.do(http.MethodOptions, "/api/v2/sdk/post_comment", map[string]string{
			"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "qiscus-sdk-app-id,qiscus_sdk_token,x-custom-test",
		}, "", "")
		if r.status != http.StatusNoContent {
			t.Fatalf("status %d", r.status)
		}
		h := r.header
		if h.Get("Access-Control-Allow-Origin") != "*" ||
			h.Get("Access-Control-Allow-Headers") != "qiscus-sdk-app-id,qiscus_sdk_token,x-custom-test" {
			t.Errorf("headers %v", h)
		}
		for _, m := range []string{"GET", "POST", "PATCH", "PUT", "DELETE"} {
			if !strings.Contains(h.Get("Access-Control-Allow-Methods"), m) {
				t.Errorf("method %s not allowed: %q", m, h.Get("Access-Control-Allow-Methods"))
			}
		}
	})
	t.Run("preflight on mobile prefix", func(t *testing.T) {
		e := e.in(t)
		r := e.do(http.MethodOptions, "/api/v2/mobile/login_or_register", map[string]string{"Access-Control-Request-Headers": "content-type"}, "", "")
		if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Headers") != "content-type" {
			t.Fatalf("status %d headers %v", r.status, r.header)
		}
	})
	t.Run("mobile prefix", func(t *testing.T) {
		e := e.in(t)
		r := e.do(http.MethodPost, "/api/v2/mobile/login_or_register", appHeaders(), formType, "email=zed&password=x")
		mustStatus(t, r, 200)
	})
	checkError(t, e.do(http.MethodGet, "/api/v2/sdk/nope", appHeaders(), "", ""), 404, `unknown endpoint "nope"`)
	checkError(t, e.do(http.MethodGet, "/api/v2/sdk/post_comment", appHeaders(), "", ""), 405, "not allowed")
	checkError(t, e.do(http.MethodPost, "/api/v2/sdk/post_comment", appHeaders(), "application/json", "{"), 401, "missing token")
}
