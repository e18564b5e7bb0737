package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// jsonEq compares a decoded JSON value (numbers as json.Number) with want
// written as JSON text.
func jsonEq(t *testing.T, what string, got any, want string) {
	t.Helper()
	g, _ := json.Marshal(got)
	var a, b any
	if err := json.Unmarshal(g, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatalf("bad want %s: %v", want, err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s =\n  %s\nwant\n  %s", what, g, want)
	}
}

const buttonsJSON = `[
	{"label": "button1", "type": "postback", "payload": {"url": "http://somewhere.com/button1", "method": "get", "payload": null}},
	{"label": "button2", "type": "link", "payload": {"url": "http://somewhere.com/button2?id=123"}}
]`

// TestRESTPostCommentTypes posts every message type with the docs' example
// payloads and checks the stored message and payload (in the response, in
// load_comments and in the SDK's load_comments).
func TestRESTPostCommentTypes(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	room := e.restGroup("Team", alice, bob)
	parent := e.restPost(bob, room, "text", "the question", nil)
	parentID := parent.num("results.comment.id")

	card := `{"text": "Special deal buat sista nih..", "image_url": "http://url.com/gambar.jpg",
		"title": "Atasan Blouse Tunik Wanita Baju Muslim Worie Longtop",
		"description": "Oleh sippnshop\n96% (666 feedback)\nRp 49.000.00,-\nBUY 2 GET 1 FREE!!!",
		"url": "http://url.com/baju?id=123&track_from_chat_room=123", "buttons": ` + buttonsJSON + `}`
	cardOut := strings.Replace(card, `"image_url"`, `"image"`, 1)
	tests := []struct {
		name, typ, msg string
		payload        string // JSON; "" for none
		wantMsg        string
		wantPayload    string // JSON
	}{
		{"text", "text", "Hello", "", "Hello", `{}`},
		{"account_linking", "account_linking", "Account linking",
			`{"text": "silahkan login", "url": "http://google.com", "redirect_url": "http://google.com/redirect",
			  "params": {"user_id": 1, "topic_id": 1, "button_text": "ini button", "view_title": "title", "success_message": "sip!"}}`,
			"Account linking", ""},
		{"buttons", "buttons", "silahkan pencet", `{"text": "silahkan pencet", "buttons": ` + buttonsJSON + `}`, "silahkan pencet", ""},
		{"buttons: message from text", "buttons", "", `{"text": "pencet", "buttons": ` + buttonsJSON + `}`, "pencet", ""},
		{"button_postback_response", "button_postback_response", "button1", `{"url": "http://somewhere.com/button1", "method": "get"}`, "button1", ""},
		{"card: image_url becomes image", "card", "Special deal", card, "Special deal", cardOut},
		{"card without buttons", "card", "c", `{"title": "T", "image_url": "http://x/i.png"}`, "c", `{"title": "T", "image": "http://x/i.png", "buttons": []}`},
		{"carousel", "carousel", "carousel", `{"cards": [` + card + `, {"title": "second"}]}`, "carousel",
			`{"cards": [` + cardOut + `, {"title": "second", "image": "", "buttons": []}]}`},
		{"contact_person phone by default", "contact_person", "ignored", `{"name": "Evan", "value": "+62 812"}`,
			"Evan - +62 812", `{"name": "Evan", "value": "+62 812", "type": "phone"}`},
		{"contact_person email", "contact_person", "", `{"name": "Evan", "value": "evan@example.com", "type": "email"}`,
			"Evan - evan@example.com", `{"name": "Evan", "value": "evan@example.com", "type": "email"}`},
		{"custom is kept as sent", "custom", "promo!", `{"type": "promo", "content": {"date": "2017-09-09"}}`, "promo!",
			`{"type": "promo", "content": {"date": "2017-09-09"}}`},
		{"custom with XML string content", "custom", "x", `{"type": "xml", "content": "<a>1</a>"}`, "x", `{"type": "xml", "content": "<a>1</a>"}`},
		{"file_attachment: the message is the caption", "file_attachment", "my cat",
			`{"url": "https://files.example.com/u/cat.jpg", "size": 1024}`, "my cat",
			`{"url": "https://files.example.com/u/cat.jpg", "size": 1024, "caption": "my cat", "file_name": "cat.jpg"}`},
		{"file_attachment: caption becomes the message", "file_attachment", "",
			`{"url": "https://files.example.com/a.pdf", "caption": "report", "file_name": "Q1.pdf"}`, "report",
			`{"url": "https://files.example.com/a.pdf", "caption": "report", "file_name": "Q1.pdf"}`},
		{"location", "location", "ignored",
			`{"name": "Mirota Kampus 2 Simanjuntak", "address": "Jalan C Simanjuntak No.70, Yogyakarta 55223",
			  "latitude": 1213.2323, "longitude": 1223223.1212, "map_url": "https://goo.gl/maps/nkY2DBF1quM2"}`,
			"Mirota Kampus 2 Simanjuntak\nJalan C Simanjuntak No.70, Yogyakarta 55223\nhttps://goo.gl/maps/nkY2DBF1quM2", ""},
		{"reply", "reply", "the answer", fmt.Sprintf(`{"text": "the answer", "replied_comment_id": %d}`, parentID), "the answer",
			fmt.Sprintf(`{"text": "the answer", "replied_comment_id": %d, "replied_comment_message": "the question",
			  "replied_comment_type": "text", "replied_comment_payload": {}, "replied_comment_sender_email": "bob",
			  "replied_comment_sender_username": "Bob"}`, parentID)},
		{"reply: id as a string, text from the message", "reply", "again", fmt.Sprintf(`{"replied_comment_id": "%d"}`, parentID), "again",
			fmt.Sprintf(`{"text": "again", "replied_comment_id": %d, "replied_comment_message": "the question",
			  "replied_comment_type": "text", "replied_comment_payload": {}, "replied_comment_sender_email": "bob",
			  "replied_comment_sender_username": "Bob"}`, parentID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			var payload any
			if tt.payload != "" {
				payload = json.RawMessage(tt.payload)
			}
			r := e.restPost(alice, room, tt.typ, tt.msg, payload)
			mustStatus(t, r, 200)
			want := tt.wantPayload
			if want == "" {
				want = tt.payload
			}
			checkFields(t, r, []fieldWant{
				{"results.comment.type", tt.typ}, {"results.comment.message", tt.wantMsg},
				{"results.comment.email", "alice"}, {"results.comment.room_id", int(room)},
			})
			jsonEq(t, "payload", r.get("results.comment.payload"), want)
			// Stored as returned: the server API's and the SDK's load_comments agree.
			l := e.restGet("load_comments", url.Values{"room_id": {fmt.Sprint(room)}, "limit": {"1"}})
			checkFields(t, l, []fieldWant{{"results.comments.0.id", int(r.num("results.comment.id"))}, {"results.comments.0.message", tt.wantMsg}})
			jsonEq(t, "load_comments payload", l.get("results.comments.0.payload"), want)
			s := e.get(fmt.Sprint("load_comments?limit=1&topic_id=", room), &testUser{ID: bob.ID, Token: bob.Token})
			jsonEq(t, "SDK load_comments payload", s.get("results.comments.0.payload"), want)
		})
	}

	// The form encoding of the docs: payload as a JSON string.
	t.Run("form body with a JSON string payload", func(t *testing.T) {
		e := e.in(t)
		r := e.restForm("post_comment", url.Values{
			"sender_email": {"alice"}, "room_id": {fmt.Sprint(room)}, "message": {"Account linking"}, "type": {"account_linking"},
			"payload":        {`{"text":"silahkan login","url":"http://google.com","redirect_url":"http://google.com/redirect","params":{"user_id":1,"topic_id":1}}`},
			"unique_temp_id": {"8I4NUxHkMCut7c1ijJLt"}, "disable_link_preview": {"true"}, "extras": {`{"k":"v"}`},
		})
		mustStatus(t, r, 200)
		// The docs' post_comment response, field by field.
		checkFields(t, r, []fieldWant{
			{"results.comment.disable_link_preview", true}, {"results.comment.email", "alice"},
			{"results.comment.message", "Account linking"}, {"results.comment.payload.url", "http://google.com"},
			{"results.comment.payload.redirect_url", "http://google.com/redirect"}, {"results.comment.payload.text", "silahkan login"},
			{"results.comment.payload.params.user_id", 1}, {"results.comment.payload.params.topic_id", 1},
			{"results.comment.room_id", int(room)}, {"results.comment.topic_id", int(room)},
			{"results.comment.type", "account_linking"}, {"results.comment.unique_temp_id", "8I4NUxHkMCut7c1ijJLt"},
			{"results.comment.user_avatar.avatar.url", ""}, {"results.comment.user_avatar_url", ""},
			{"results.comment.username", "Alice"}, {"results.comment.extras.k", "v"},
		})
		if r.num("results.comment.comment_before_id") == 0 || r.num("results.comment.unix_timestamp") == 0 ||
			!strings.HasSuffix(r.str("results.comment.timestamp"), "Z") {
			t.Errorf("comment_before_id, unix_timestamp or timestamp missing: %s", r.raw)
		}
		// disable_link_preview is stored: the SDK's sync sees it too.
		s := e.get("sync?last_received_comment_id=0", &testUser{ID: bob.ID, Token: bob.Token})
		found := false
		for _, c := range s.list("results.comments") {
			if at(c, "unique_temp_id") == "8I4NUxHkMCut7c1ijJLt" {
				found = at(c, "disable_link_preview") == true
			}
		}
		if !found {
			t.Error("disable_link_preview not seen through the SDK's sync")
		}
		// Posting the same unique id again returns the stored comment.
		again := e.restForm("post_comment", url.Values{"sender_email": {"alice"}, "room_id": {fmt.Sprint(room)},
			"message": {"different"}, "unique_temp_id": {"8I4NUxHkMCut7c1ijJLt"}})
		checkFields(t, again, []fieldWant{{"results.comment.id", int(r.num("results.comment.id"))}, {"results.comment.message", "Account linking"}})
	})
	t.Run("v2.1 message API: user_id, room unique id", func(t *testing.T) {
		e := e.in(t)
		uid := e.restGet("get_rooms_info", url.Values{"user_email": {"alice"}, "room_id[]": {fmt.Sprint(room)}}).str("results.rooms_info.0.room_unique_id")
		b, _ := json.Marshal(map[string]any{"user_id": "bob", "room_id": uid, "message": "via v2.1", "extras": map[string]any{"a": 1}})
		r := e.do(http.MethodPost, "/api/v2.1/rest/post_comment",
			map[string]string{"QISCUS-SDK-APP-ID": "dev", "QISCUS-SDK-SECRET": restSecret}, "application/json", string(b))
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.comment.room_id", int(room)}, {"results.comment.email", "bob"},
			{"results.comment.message", "via v2.1"}, {"results.comment.type", "text"}, {"results.comment.extras.a", 1}})
	})
	t.Run("exactly 4000 characters", func(t *testing.T) {
		e := e.in(t)
		mustStatus(t, e.restPost(alice, room, "text", strings.Repeat("é", 4000), nil), 200)
	})
	t.Run("the SDK's post_comment uses the same rules", func(t *testing.T) {
		e := e.in(t)
		a := &testUser{ID: alice.ID, Token: alice.Token}
		r := e.postJSON("post_comment", a, map[string]any{"comment": "c", "topic_id": room, "type": "card",
			"payload": map[string]any{"title": "T", "image_url": "http://x/i.png"}})
		mustStatus(t, r, 200)
		jsonEq(t, "payload", r.get("results.comment.payload"), `{"title": "T", "image": "http://x/i.png", "buttons": []}`)
		r = e.postJSON("post_comment", a, map[string]any{"comment": "x", "topic_id": room, "type": "contact_person",
			"payload": map[string]any{"name": "Evan", "value": "123"}})
		checkFields(t, r, []fieldWant{{"results.comment.message", "Evan - 123"}, {"results.comment.payload.type", "phone"}})
		e.unchanged(func() {
			checkError(t, e.postJSON("post_comment", a, map[string]any{"comment": "x", "topic_id": room, "type": "system_event",
				"payload": map[string]any{"type": "custom"}}), 400, "only be posted with post_system_event_message")
			checkError(t, e.postJSON("post_comment", a, map[string]any{"comment": "x", "topic_id": room, "type": "reply",
				"payload": map[string]any{"replied_comment_id": 999999}}), 400, "replied_comment_id 999999 is not a message of this room")
		})
	})
}

func TestRESTPostCommentInvalid(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	carol := e.restLogin("carol", "Carol")
	room := e.restGroup("Team", alice, bob)
	other := e.restGroup("Other", alice, carol)
	otherMsg := e.restPost(alice, other, "text", "elsewhere", nil).num("results.comment.id")
	r := fmt.Sprint(room)
	base := func(kv ...any) map[string]any {
		m := map[string]any{"sender_email": "alice", "room_id": r, "message": "m"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	btn := func(b string) json.RawMessage { return raw(`{"text": "t", "buttons": [` + b + `]}`) }
	tests := []struct {
		name   string
		body   map[string]any
		status int
		msg    string
	}{
		// parameters
		{"missing sender", map[string]any{"room_id": r, "message": "m"}, 400, "sender_email (or user_id) is required"},
		{"unknown sender", base("sender_email", "ghost"), 404, `user not found: "ghost"`},
		{"missing room", map[string]any{"sender_email": "alice", "message": "m"}, 400, "room_id is required"},
		{"unknown room", base("room_id", "9999"), 404, "room not found"},
		{"unknown room unique id", base("room_id", "no-such-room"), 404, "room not found"},
		{"not a participant", base("sender_email", "carol"), 403, "not a participant"},
		{"missing message", base("message", ""), 400, "message is required"},
		{"blank message", base("message", "   "), 400, "message is required"},
		{"oversize message", base("message", strings.Repeat("a", 4001)), 400, "message is too long (max 4000 characters)"},
		{"oversize multibyte message", base("message", strings.Repeat("é", 4001)), 400, "message is too long"},
		{"oversize derived message", base("type", "contact_person", "message", "", "payload",
			map[string]any{"name": strings.Repeat("n", 3000), "value": strings.Repeat("v", 1000)}), 400, "message is too long"},
		{"invalid type name", base("type", "sticker#1"), 400, `type "sticker#1" may only hold ASCII letters`},
		{"system_event type", base("type", "system_event", "payload", raw(`{"type":"custom"}`)), 400, "post_system_event_message"},
		{"payload not JSON", base("type", "custom", "payload", "{nope"), 400, "payload must be valid JSON"},
		{"extras not an object", base("extras", raw(`[1]`)), 400, "extras must be a JSON object"},
		{"disable_link_preview not a bool", base("disable_link_preview", "maybe"), 400, "disable_link_preview must be true or false"},
		{"unique_temp_id too long", base("unique_temp_id", strings.Repeat("u", 256)), 400, "unique_temp_id is too long"},
		// account_linking
		{"account_linking without payload", base("type", "account_linking"), 400, "a account_linking message needs a JSON object payload"},
		{"account_linking without url", base("type", "account_linking", "payload", raw(`{"text":"t"}`)), 400, "invalid account_linking payload: url is required"},
		{"account_linking bad url", base("type", "account_linking", "payload", raw(`{"url":"google"}`)), 400, "url must be an absolute http(s) URL"},
		{"account_linking params not an object", base("type", "account_linking", "payload", raw(`{"url":"http://g","params":1}`)), 400, "params must be an object"},
		// buttons
		{"buttons payload an array", base("type", "buttons", "payload", raw(`[1]`)), 400, "needs a JSON object payload"},
		{"buttons missing", base("type", "buttons", "payload", raw(`{"text":"t"}`)), 400, "buttons is required"},
		{"buttons empty", base("type", "buttons", "payload", raw(`{"text":"t","buttons":[]}`)), 400, "buttons must not be empty"},
		{"button without label", base("type", "buttons", "payload", btn(`{"type":"link","payload":{"url":"http://x"}}`)), 400, "buttons[0].label is required"},
		{"button of unknown type", base("type", "buttons", "payload", btn(`{"label":"l","type":"call","payload":{}}`)), 400, `buttons[0].type must be "postback" or "link"`},
		{"link button without url", base("type", "buttons", "payload", btn(`{"label":"l","type":"link","payload":{}}`)), 400, "buttons[0].payload.url is required"},
		{"button without payload", base("type", "buttons", "payload", btn(`{"label":"l","type":"postback"}`)), 400, "buttons[0].payload must be an object"},
		{"postback with a bad method", base("type", "buttons", "payload", btn(`{"label":"l","type":"postback","payload":{"method":"fetch"}}`)), 400, "method must be an HTTP method"},
		// button_postback_response
		{"button_postback_response payload a string", base("type", "button_postback_response", "payload", "x"), 400, "payload must be valid JSON"},
		{"button_postback_response payload an array", base("type", "button_postback_response", "payload", raw(`[1]`)), 400, "needs a JSON object payload"},
		// card
		{"card without title", base("type", "card", "payload", raw(`{"text":"t","image_url":"http://x/i.png"}`)), 400, "invalid card payload: title is required"},
		{"card image_url not a string", base("type", "card", "payload", raw(`{"title":"t","image_url":5}`)), 400, "image_url must be a string"},
		{"card image_url not a URL", base("type", "card", "payload", raw(`{"title":"t","image_url":"pic.jpg"}`)), 400, "image_url must be an absolute http(s) URL"},
		{"card with a bad button", base("type", "card", "payload", raw(`{"title":"t","buttons":[{"label":"l","type":"link","payload":{}}]}`)), 400, "buttons[0].payload.url is required"},
		// carousel
		{"carousel without cards", base("type", "carousel", "payload", raw(`{}`)), 400, "invalid carousel payload: cards is required"},
		{"carousel with no cards", base("type", "carousel", "payload", raw(`{"cards":[]}`)), 400, "cards must not be empty"},
		{"carousel card without title", base("type", "carousel", "payload", raw(`{"cards":[{"title":"a"},{"text":"b"}]}`)), 400, "cards[1].title is required"},
		{"carousel card not an object", base("type", "carousel", "payload", raw(`{"cards":["x"]}`)), 400, "cards[0] must be an object"},
		// contact_person
		{"contact_person without value", base("type", "contact_person", "payload", raw(`{"name":"Evan"}`)), 400, "invalid contact_person payload: value is required"},
		{"contact_person without name", base("type", "contact_person", "payload", raw(`{"value":"1"}`)), 400, "name is required"},
		{"contact_person of unknown type", base("type", "contact_person", "payload", raw(`{"name":"E","value":"1","type":"fax"}`)), 400, `type must be "phone", "email" or empty`},
		{"contact_person email that is not", base("type", "contact_person", "payload", raw(`{"name":"E","value":"123","type":"email"}`)), 400, "not an email address"},
		// custom
		{"custom without payload", base("type", "custom"), 400, "a custom message needs a JSON object payload"},
		{"custom without type", base("type", "custom", "payload", raw(`{"content":{}}`)), 400, "needs a type"},
		{"custom with a numeric type", base("type", "custom", "payload", raw(`{"type":1,"content":{}}`)), 400, "needs a type"},
		{"custom without content", base("type", "custom", "payload", raw(`{"type":"promo"}`)), 400, "invalid custom payload: content is required"},
		// file_attachment
		{"file_attachment without url", base("type", "file_attachment", "payload", raw(`{"caption":"c"}`)), 400, "invalid file_attachment payload: url is required"},
		{"file_attachment bad url", base("type", "file_attachment", "payload", raw(`{"url":"/tmp/x"}`)), 400, "url must be an absolute http(s) URL"},
		{"file_attachment size not a number", base("type", "file_attachment", "payload", raw(`{"url":"http://x/a","size":"big"}`)), 400, "size must be a number"},
		// location
		{"location without latitude", base("type", "location", "payload", raw(`{"name":"n","longitude":1}`)), 400, "invalid location payload: latitude is required"},
		{"location latitude a string", base("type", "location", "payload", raw(`{"latitude":"1","longitude":1}`)), 400, "latitude must be a number"},
		{"location bad map_url", base("type", "location", "payload", raw(`{"latitude":1,"longitude":1,"map_url":"here"}`)), 400, "map_url must be an absolute http(s) URL"},
		// reply
		{"reply without payload", base("type", "reply"), 400, "a reply message needs a JSON object payload"},
		{"reply without id", base("type", "reply", "payload", raw(`{"text":"t"}`)), 400, "replied_comment_id is required"},
		{"reply to nothing", base("type", "reply", "payload", raw(`{"replied_comment_id":999999}`)), 400, "replied_comment_id 999999 is not a message of this room"},
		{"reply to another room", base("type", "reply", "payload", raw(fmt.Sprintf(`{"replied_comment_id":%d}`, otherMsg))), 400, "is not a message of this room"},
		{"reply id not an integer", base("type", "reply", "payload", raw(`{"replied_comment_id":"one"}`)), 400, "replied_comment_id must be an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.unchanged(func() { checkError(t, e.restJSON("post_comment", tt.body), tt.status, tt.msg) })
		})
	}
	t.Run("form body", func(t *testing.T) {
		e := e.in(t)
		e.unchanged(func() {
			checkError(t, e.restForm("post_comment", url.Values{"sender_email": {"alice"}, "room_id": {r}, "message": {"m"},
				"type": {"card"}, "payload": {`{"image_url":"http://x/i.png"}`}}), 400, "title is required")
		})
	})
}

// The docs' load_comments example: {comments[{comment_before_id, disable_link_preview,
// email, id, message, room_id, room_name, timestamp, unique_temp_id, user_avatar_url,
// username}]}, newest first.
func TestRESTLoadComments(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	single := e.restGet("get_or_create_room_with_target", url.Values{"emails[]": {"alice", "bob"}}).num("results.room.id")
	ids := make([]int64, 45)
	for i := range ids {
		ids[i] = e.restPost(alice, single, "text", fmt.Sprint("m", i), nil).num("results.comment.id")
	}
	_ = bob
	tests := []struct {
		name  string
		v     url.Values
		first int64
		n     int
	}{
		{"default: the 20 newest", url.Values{}, ids[44], 20},
		{"page 2", url.Values{"page": {"2"}}, ids[24], 20},
		{"page 3", url.Values{"page": {"3"}}, ids[4], 5},
		{"page 4", url.Values{"page": {"4"}}, 0, 0},
		{"limit", url.Values{"limit": {"5"}, "page": {"2"}}, ids[39], 5},
		{"limit capped at 100", url.Values{"limit": {"1000"}}, ids[44], 45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			tt.v.Set("room_id", fmt.Sprint(single))
			r := e.restGet("load_comments", tt.v)
			mustStatus(t, r, 200)
			cs := r.list("results.comments")
			if cs == nil || len(cs) != tt.n {
				t.Fatalf("%d comments, want %d: %.300s", len(cs), tt.n, r.raw)
			}
			if tt.n > 0 {
				checkFields(t, r, []fieldWant{{"results.comments.0.id", int(tt.first)}})
			}
		})
	}
	r := e.restGet("load_comments", url.Values{"room_id": {fmt.Sprint(single)}, "limit": {"2"}})
	checkFields(t, r, []fieldWant{
		{"results.comments.0.comment_before_id", int(ids[43])}, {"results.comments.0.disable_link_preview", false},
		{"results.comments.0.email", "alice"}, {"results.comments.0.id", int(ids[44])}, {"results.comments.0.message", "m44"},
		{"results.comments.0.room_id", int(single)}, {"results.comments.0.room_name", "alice bob"},
		{"results.comments.0.user_avatar_url", ""}, {"results.comments.0.username", "Alice"},
		{"results.comments.1.id", int(ids[43])},
	})
	if r.str("results.comments.0.unique_temp_id") == "" || r.str("results.comments.0.timestamp") == "" {
		t.Errorf("unique_temp_id or timestamp missing: %.300s", r.raw)
	}
	t.Run("v2.1 path", func(t *testing.T) {
		r := e.in(t).do(http.MethodGet, fmt.Sprint("/api/v2.1/rest/load_comments?room_id=", single, "&page=1&limit=1"),
			map[string]string{"QISCUS-SDK-SECRET": restSecret}, "", "")
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.comments.0.id", int(ids[44])}})
	})
	errs := []struct {
		name   string
		v      url.Values
		status int
		msg    string
	}{
		{"missing room", url.Values{}, 400, "room_id is required"},
		{"unknown room", url.Values{"room_id": {"9999"}}, 404, "room not found"},
		{"bad page", url.Values{"room_id": {fmt.Sprint(single)}, "page": {"-1"}}, 400, "page must be a positive integer"},
		{"bad limit", url.Values{"room_id": {fmt.Sprint(single)}, "limit": {"ten"}}, 400, "limit must be an integer"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, e.in(t).restGet("load_comments", tt.v), tt.status, tt.msg)
		})
	}
}

// TestRESTSystemEvents checks each subtype's text and payload against the docs,
// and the docs' response example (sender System, type system_event).
func TestRESTSystemEvents(t *testing.T) {
	e := newEnv(t)
	e.restLogin("ucup@example.com", "Ucup")
	e.restLogin("ani@example.com", "Ani")
	e.restLogin("budi@example.com", "Budi")
	ucup := &testUser{ID: "ucup@example.com"}
	room := e.restGroup("Qiscus", ucup, &testUser{ID: "ani@example.com"})
	rs := fmt.Sprint(room)
	tests := []struct {
		name    string
		v       url.Values
		message string
		payload string
	}{
		{"create_room", url.Values{"system_event_type": {"create_room"}, "updated_room_name": {"Qiscus"}},
			"Ucup created room 'Qiscus'",
			`{"type": "create_room", "subject_username": "Ucup", "subject_email": "ucup@example.com", "room_name": "Qiscus"}`},
		{"add_member", url.Values{"system_event_type": {"add_member"}, "object_email[]": {"ani@example.com"}},
			"Ucup added Ani",
			`{"type": "add_member", "subject_username": "Ucup", "subject_email": "ucup@example.com", "object_username": "Ani", "object_email": "ani@example.com"}`},
		{"join_room", url.Values{"system_event_type": {"join_room"}},
			"Ucup joined room",
			`{"type": "join_room", "subject_username": "Ucup", "subject_email": "ucup@example.com", "room_name": "Qiscus", "object_email": "", "object_username": ""}`},
		{"remove_member", url.Values{"system_event_type": {"remove_member"}, "object_email[]": {"ani@example.com"}},
			"Ucup removed Ani",
			`{"type": "remove_member", "subject_username": "Ucup", "subject_email": "ucup@example.com", "object_username": "Ani", "object_email": "ani@example.com"}`},
		{"left_room", url.Values{"system_event_type": {"left_room"}},
			"Ucup left room",
			`{"type": "left_room", "subject_username": "Ucup", "subject_email": "ucup@example.com", "room_name": "Qiscus"}`},
		{"change_room_name", url.Values{"system_event_type": {"change_room_name"}, "updated_room_name": {"Qiscus Super Family"}},
			"Ucup changed room name to 'Qiscus Super Family'",
			`{"type": "change_room_name", "subject_username": "Ucup", "subject_email": "ucup@example.com", "room_name": "Qiscus Super Family"}`},
		{"change_room_avatar", url.Values{"system_event_type": {"change_room_avatar"}},
			"Ucup changed room avatar",
			`{"type": "change_room_avatar", "subject_username": "Ucup", "subject_email": "ucup@example.com"}`},
		{"custom", url.Values{"system_event_type": {"custom"}, "message": {"admin added"}, "payload": {`{"type": "add_admin", "admin_email": "ani@example.com"}`}},
			"admin added", `{"type": "add_admin", "admin_email": "ani@example.com"}`},
		{"custom without payload", url.Values{"system_event_type": {"custom"}, "message": {"just text"}}, "just text", `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			tt.v.Set("room_id", rs)
			if tt.v.Get("system_event_type") != "custom" {
				tt.v.Set("subject_email", "ucup@example.com")
			}
			tt.v.Set("extras", `{"qiscus_ios_pn": "x"}`)
			r := e.restForm("post_system_event_message", tt.v)
			mustStatus(t, r, 200)
			checkFields(t, r, []fieldWant{
				{"results.comment.message", tt.message}, {"results.comment.type", "system_event"},
				{"results.comment.room_id", int(room)}, {"results.comment.topic_id", int(room)},
				{"results.comment.username", "System"}, {"results.comment.email", "system@dev"},
				{"results.comment.disable_link_preview", false}, {"results.comment.extras.qiscus_ios_pn", "x"},
				{"results.comment.user_avatar.avatar.url", ""}, {"results.comment.user_avatar_url", ""},
			})
			jsonEq(t, "payload", r.get("results.comment.payload"), tt.payload)
			for _, k := range []string{"unique_temp_id", "timestamp"} {
				if r.str("results.comment."+k) == "" {
					t.Errorf("%s missing", k)
				}
			}
			if r.num("results.comment.user_id") == 0 || r.num("results.comment.unix_timestamp") == 0 || r.num("results.comment.comment_before_id") == 0 && tt.name != "create_room" {
				t.Errorf("user_id, unix_timestamp or comment_before_id missing: %s", r.raw)
			}
		})
	}
	t.Run("several objects: one message each, the last returned", func(t *testing.T) {
		e := e.in(t)
		n := e.commentCount()
		r := e.restForm("post_system_event_message", url.Values{"system_event_type": {"add_member"}, "room_id": {rs},
			"subject_email": {"ucup@example.com"}, "object_email[]": {"ani@example.com", "budi@example.com"}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.comment.message", "Ucup added Budi"}, {"results.comment.payload.object_email", "budi@example.com"}})
		if e.commentCount() != n+2 {
			t.Errorf("%d new comments, want 2", e.commentCount()-n)
		}
	})
	t.Run("v2.1 message API: custom with JSON body and room unique id", func(t *testing.T) {
		e := e.in(t)
		uid := e.restGet("get_rooms_info", url.Values{"user_email": {"ucup@example.com"}, "room_id[]": {rs}}).str("results.rooms_info.0.room_unique_id")
		b, _ := json.Marshal(map[string]any{"system_event_type": "custom", "room_id": uid, "message": "hi all",
			"payload": map[string]any{"type": "promo"}, "extras": map[string]any{"qiscus_ios_pn": map[string]any{"alert": "a"}}})
		r := e.do(http.MethodPost, "/api/v2.1/rest/post_system_event_message", map[string]string{"QISCUS-SDK-SECRET": restSecret}, "application/json", string(b))
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.comment.room_id", int(room)}, {"results.comment.payload.type", "promo"}})
	})

	errs := []struct {
		name   string
		v      url.Values
		status int
		msg    string
	}{
		{"missing type", url.Values{"room_id": {rs}, "subject_email": {"ucup@example.com"}}, 400, "system_event_type is required"},
		{"unknown type", url.Values{"system_event_type": {"kick"}, "room_id": {rs}}, 400, `unknown system_event_type "kick"`},
		{"missing room", url.Values{"system_event_type": {"join_room"}, "subject_email": {"ucup@example.com"}}, 400, "room_id is required"},
		{"unknown room", url.Values{"system_event_type": {"join_room"}, "room_id": {"9999"}, "subject_email": {"ucup@example.com"}}, 404, "room not found"},
		{"missing subject", url.Values{"system_event_type": {"join_room"}, "room_id": {rs}}, 400, "subject_email is required"},
		{"unknown subject", url.Values{"system_event_type": {"left_room"}, "room_id": {rs}, "subject_email": {"ghost"}}, 404, "user not found"},
		{"add_member without object", url.Values{"system_event_type": {"add_member"}, "room_id": {rs}, "subject_email": {"ucup@example.com"}}, 400, "object_email[] is required"},
		{"remove_member with an unknown object", url.Values{"system_event_type": {"remove_member"}, "room_id": {rs}, "subject_email": {"ucup@example.com"}, "object_email[]": {"ani@example.com", "ghost"}}, 404, `"ghost"`},
		{"create_room without name", url.Values{"system_event_type": {"create_room"}, "room_id": {rs}, "subject_email": {"ucup@example.com"}}, 400, "updated_room_name is required"},
		{"change_room_name without name", url.Values{"system_event_type": {"change_room_name"}, "room_id": {rs}, "subject_email": {"ucup@example.com"}}, 400, "updated_room_name is required"},
		{"custom without message", url.Values{"system_event_type": {"custom"}, "room_id": {rs}}, 400, "message is required"},
		{"custom oversize message", url.Values{"system_event_type": {"custom"}, "room_id": {rs}, "message": {strings.Repeat("x", 4001)}}, 400, "message is too long"},
		{"custom payload not an object", url.Values{"system_event_type": {"custom"}, "room_id": {rs}, "message": {"m"}, "payload": {"[1]"}}, 400, "payload must be a JSON object"},
		{"extras not an object", url.Values{"system_event_type": {"join_room"}, "room_id": {rs}, "subject_email": {"ucup@example.com"}, "extras": {"1"}}, 400, "extras must be a JSON object"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.unchanged(func() { checkError(t, e.restForm("post_system_event_message", tt.v), tt.status, tt.msg) })
		})
	}
}

// The docs' search_messages example: {comments[{chat_type, comment_before_id, …,
// room_name, …}]}, the last 100 matches.
func TestRESTSearchMessages(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob"), e.restLogin("carol", "Carol")
	g := e.restGroup("Qiscus SDK clients", alice, bob)
	s := e.restGet("get_or_create_room_with_target", url.Values{"emails[]": {"alice", "bob"}}).num("results.room.id")
	hidden := e.restGroup("Hidden", carol, bob)
	m1 := e.restPost(bob, g, "text", "Support integration", nil).num("results.comment.id")
	e.restPost(bob, g, "text", "nothing to see", nil)
	m2 := e.restPost(alice, s, "text", "more SUPPORT please", nil).num("results.comment.id")
	e.restPost(carol, hidden, "text", "support in a room alice is not in", nil)
	pct := e.restPost(alice, g, "text", "100% done_now", nil).num("results.comment.id")
	e.restPost(alice, g, "text", "1000 done", nil)
	for i := range 105 {
		e.restPost(bob, s, "text", fmt.Sprint("bulk ", i), nil)
	}

	r := e.restForm("search_messages", url.Values{"user_email": {"alice"}, "query": {"support"}})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.comments.0.id", int(m2)}, {"results.comments.0.chat_type", "single"}, {"results.comments.0.room_name", "Bob"},
		{"results.comments.1.id", int(m1)}, {"results.comments.1.chat_type", "group"},
		{"results.comments.1.room_name", "Qiscus SDK clients"}, {"results.comments.1.message", "Support integration"},
		{"results.comments.1.email", "bob"}, {"results.comments.1.room_id", int(g)}, {"results.comments.1.topic_id", int(g)},
		{"results.comments.1.type", "text"}, {"results.comments.1.username", "Bob"}, {"results.comments.1.user_id", int(bob.PK)},
		{"results.comments.1.disable_link_preview", false}, {"results.comments.1.user_avatar.avatar.url", ""},
	})
	if n := len(r.list("results.comments")); n != 2 {
		t.Errorf("%d results, want 2 (not carol's room)", n)
	}
	tests := []struct {
		name string
		v    url.Values
		n    int
		id   int64
	}{
		{"in one room", url.Values{"room_id": {fmt.Sprint(g)}, "query": {"support"}}, 1, m1},
		{"LIKE wildcards are literal", url.Values{"query": {"100% done_"}}, 1, pct},
		{"last 100 only", url.Values{"query": {"bulk"}}, 100, 0},
		{"no match", url.Values{"query": {"zebra"}}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			tt.v.Set("user_email", "alice")
			r := e.restForm("search_messages", tt.v)
			mustStatus(t, r, 200)
			if got := len(r.list("results.comments")); got != tt.n || r.list("results.comments") == nil {
				t.Fatalf("%d results, want %d", got, tt.n)
			}
			if tt.id != 0 {
				checkFields(t, r, []fieldWant{{"results.comments.0.id", int(tt.id)}})
			}
		})
	}
	errs := []struct {
		name   string
		v      url.Values
		status int
		msg    string
	}{
		{"missing query", url.Values{"user_email": {"alice"}}, 400, "query is required"},
		{"missing user", url.Values{"query": {"x"}}, 400, "user_email is required"},
		{"unknown user", url.Values{"query": {"x"}, "user_email": {"ghost"}}, 404, "user not found"},
		{"room of others", url.Values{"query": {"x"}, "user_email": {"alice"}, "room_id": {fmt.Sprint(hidden)}}, 403, "not a participant"},
		{"unknown room", url.Values{"query": {"x"}, "user_email": {"alice"}, "room_id": {"9999"}}, 404, "room not found"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, e.in(t).restForm("search_messages", tt.v), tt.status, tt.msg)
		})
	}
}

// TestRESTRealtime: what the server API posts reaches SDK clients on {token}/c
// and shows in the SDK's load_comments and sync, like an SDK post.
func TestRESTRealtime(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	room := e.restGroup("Team", alice, bob)
	ma := e.mqtt("dev_alice_1", alice)
	ma.mustSubscribe(alice.Token + "/c")
	mb := e.mqtt("dev_bob_1", bob)
	mb.mustSubscribe(bob.Token + "/c")

	r := e.restPost(alice, room, "card", "deal", json.RawMessage(`{"title":"T","image_url":"http://x/i.png"}`))
	mustStatus(t, r, 200)
	id := r.num("results.comment.id")
	for who, mc := range map[string]*mqttClient{"alice (the sender)": ma, "bob": mb} {
		m := mc.next()
		var c map[string]any
		if err := json.Unmarshal(m.Payload, &c); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(c["id"]) != fmt.Sprint(id) || c["type"] != "card" || at(c, "payload.image") != "http://x/i.png" || c["email"] != "alice" {
			t.Errorf("%s got %s", who, m.Payload)
		}
	}
	ev := e.restForm("post_system_event_message", url.Values{"system_event_type": {"join_room"}, "room_id": {fmt.Sprint(room)}, "subject_email": {"bob"}})
	mustStatus(t, ev, 200)
	m := mb.next()
	var c map[string]any
	if err := json.Unmarshal(m.Payload, &c); err != nil {
		t.Fatal(err)
	}
	if c["type"] != "system_event" || c["message"] != "Bob joined room" || at(c, "payload.type") != "join_room" {
		t.Errorf("bob got %s", m.Payload)
	}
	ma.next()

	b := &testUser{ID: bob.ID, Token: bob.Token}
	l := e.get(fmt.Sprint("load_comments?topic_id=", room), b)
	checkFields(t, l, []fieldWant{{"results.comments.0.type", "system_event"}, {"results.comments.1.id", int(id)}})
	s := e.get("sync?last_received_comment_id=0", b)
	checkFields(t, s, []fieldWant{{"results.comments.0.id", int(id)}, {"results.comments.1.type", "system_event"},
		{"results.meta.last_received_comment_id", int(ev.num("results.comment.id"))}})

	// A refused post publishes nothing.
	checkError(t, e.restPost(alice, room, "card", "x", json.RawMessage(`{}`)), 400, "title is required")
	mb.none(200 * time.Millisecond)
}
