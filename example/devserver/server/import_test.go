package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// dataTables are the tables an import writes to.
var dataTables = []string{"users", "rooms", "participants", "comments", "restapi_room_creators"}

func TestImportRequestValidation(t *testing.T) {
	e := newEnv(t)
	users := []byte(`[{"Email": "a@example.com", "Name": "A"}]`)
	tests := []struct {
		name string
		req  func() resp
		msg  string
	}{
		{"not multipart", func() resp { return e.restForm("imports", url.Values{"type": {"users"}}) }, "multipart/form-data"},
		{"missing file", func() resp {
			ct, body := restMultipartBody(t, map[string]string{"type": "users"}, "", nil)
			return e.do(http.MethodPost, "/api/v2/rest/imports", restHeaders(), ct, body)
		}, "file is required"},
		{"missing type", func() resp {
			ct, body := restMultipartBody(t, nil, "u.json", users)
			return e.do(http.MethodPost, "/api/v2/rest/imports", restHeaders(), ct, body)
		}, "type is required"},
		{"bad type", func() resp { return e.restImport("messages", "u.json", users) }, `type must be "users", "rooms" or "comments"`},
		{"not JSON", func() resp { return e.restImport("users", "u.json", []byte("Email,Name\na,b")) }, "file must be a JSON array of objects"},
		{"an object", func() resp { return e.restImport("users", "u.json", []byte(`{"Email": "a"}`)) }, "file must be a JSON array of objects"},
		{"no rows", func() resp { return e.restImport("users", "u.json", []byte(` [] `)) }, "file holds no rows"},
		{"rows that are not objects", func() resp { return e.restImport("users", "u.json", []byte(`[{"Email":"a"}, "b"]`)) }, "row 2 is not an object"},
		{"over 4 MB", func() resp {
			big := []byte(`[{"Email": "a", "Name": "` + strings.Repeat("x", 4<<20) + `"}]`)
			return e.restImport("users", "u.json", big)
		}, "file is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.unchanged(func() { checkError(t, tt.req(), 400, tt.msg) })
		})
	}
	t.Run("no secret", func(t *testing.T) {
		e := e.in(t)
		ct, body := restMultipartBody(t, map[string]string{"type": "users"}, "u.json", users)
		e.unchanged(func() {
			checkError(t, e.do(http.MethodPost, "/api/v2/rest/imports", nil, ct, body), 401, "missing app secret")
		})
	})
}

// TestImportRowValidation: each file has valid rows and invalid ones; the
// import fails as a whole, every invalid row is reported, and no data changes.
func TestImportRowValidation(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice@example.com", "Alice"), e.restLogin("bob@example.com", "Bob")
	e.restLogin("carol@example.com", "Carol")
	group := e.restGroup("Team", alice, bob)
	other := e.restGroup("Other", alice, &testUser{ID: "carol@example.com"})
	uid := func(room int64) string {
		return e.restGet("get_rooms_info", url.Values{"user_email": {"alice@example.com"}, "room_id[]": {fmt.Sprint(room)}}).str("results.rooms_info.0.room_unique_id")
	}
	g, o := uid(group), uid(other)
	stored := e.restPost(alice, group, "text", "stored", nil).str("results.comment.unique_temp_id")
	inOther := e.restPost(alice, other, "text", "elsewhere", nil).str("results.comment.unique_temp_id")

	type rowErr struct {
		row int
		msg string
	}
	tests := []struct {
		name, resource, rows string
		want                 []rowErr
	}{
		{"users", "users", `[
			{"Email": "new1@example.com", "Name": "New"},
			{"Name": "no email"},
			{"Email": "a/b", "Name": "slash"},
			{"Email": "new1@example.com"},
			{"Email": "alice@example.com"},
			{"Email": "x1@example.com", "AvatarUrl": "not-a-url"},
			{"Email": "x2@example.com", "AuthenticationToken": "tok1"},
			{"Email": "x3@example.com", "AuthenticationToken": "tok1"},
			{"Email": "x4@example.com", "AuthenticationToken": "` + alice.Token + `"},
			{"Email": "x5@example.com", "AuthenticationToken": "has/slash"},
			{"Email": "x6@example.com", "CreateAt": "yesterday"},
			{"Email": "x7@example.com", "Extras": [1]},
			{"Email": 42},
			{"Email": "x8@example.com", "PasswordHash": "md5:abc"}
		]`, []rowErr{
			{2, "Email is required"}, {3, "is not a valid user id"}, {4, "appears twice in the file"},
			{5, `a user with Email "alice@example.com" already exists`}, {6, "AvatarUrl must be an absolute http(s) URL"},
			{8, "AuthenticationToken appears twice"}, {9, "AuthenticationToken is already used"},
			{10, "AuthenticationToken must be"}, {11, "CreateAt must be an RFC 3339 time"}, {12, "Extras must be a JSON object"},
			{13, "malformed row"}, {14, "PasswordHash is not a hash this server wrote"},
		}},
		{"rooms", "rooms", `[
			{"Name": "ok", "Type": "group", "CreatorEmail": "alice@example.com", "UniqueId": "r-ok", "ParticipantEmails": ["alice@example.com"]},
			{"Name": "x", "Type": "group", "CreatorEmail": "alice@example.com", "ParticipantEmails": []},
			{"Name": "x", "Type": "group", "CreatorEmail": "alice@example.com", "UniqueId": "r-ok"},
			{"Name": "x", "Type": "group", "CreatorEmail": "alice@example.com", "UniqueId": "` + g + `"},
			{"Name": "x", "Type": "channel", "CreatorEmail": "alice@example.com", "UniqueId": "r1"},
			{"Name": "x", "Type": "group", "UniqueId": "r2"},
			{"Name": "x", "Type": "group", "CreatorEmail": "ghost@example.com", "UniqueId": "r3"},
			{"Name": "x", "Type": "group", "CreatorEmail": "alice@example.com", "UniqueId": "r4", "ParticipantEmails": ["bob@example.com", "ghost1", "ghost2"]},
			{"Type": "single", "CreatorEmail": "alice@example.com", "UniqueId": "r5", "ParticipantEmails": ["alice@example.com", "bob@example.com", "carol@example.com"]},
			{"Type": "single", "CreatorEmail": "alice@example.com", "UniqueId": "r6", "ParticipantEmails": ["bob@example.com", "carol@example.com"]},
			{"Type": "group", "CreatorEmail": "alice@example.com", "UniqueId": "r7", "ParticipantEmails": ["bob@example.com"]},
			{"Name": "x", "Type": "group", "CreatorEmail": "alice@example.com", "UniqueId": "r8", "CreatedAt": "2017-05-11 06:35"},
			{"Name": "x", "Type": "group", "CreatorEmail": "alice@example.com", "UniqueId": "r9", "AvatarUrl": "x.png"}
		]`, []rowErr{
			{2, "UniqueId is required"}, {3, `UniqueId "r-ok" appears twice`}, {4, "already exists"},
			{5, `Type must be "single" or "group"`}, {6, "CreatorEmail is required"},
			{7, `CreatorEmail "ghost@example.com" does not exist`}, {8, `ParticipantEmails "ghost1", "ghost2" do not exist`},
			{9, "exactly 2 ParticipantEmails"}, {10, "one of them the CreatorEmail"}, {11, "Name is required for a group room"},
			{12, "CreatedAt must be an RFC 3339 time"}, {13, "AvatarUrl must be"},
		}},
		{"comments", "comments", `[
			{"Message": "fine", "Type": "text", "UniqueId": "c-ok", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `"},
			{"Message": "x", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `"},
			{"Message": "x", "UniqueId": "c-ok", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `"},
			{"Message": "x", "UniqueId": "` + stored + `", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `"},
			{"Message": "x", "UniqueId": "c1", "CreatorEmail": "alice@example.com", "RoomUniqueId": "no-room"},
			{"Message": "x", "UniqueId": "c2", "CreatorEmail": "ghost", "RoomUniqueId": "` + g + `"},
			{"Message": " ", "Type": "text", "UniqueId": "c3", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `"},
			{"Message": "x", "Type": "reply", "UniqueId": "c4", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `", "Payload": {"text": "x", "replied_comment_id": 1}},
			{"Message": "x", "Type": "reply", "UniqueId": "c5", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `", "Payload": {"replied_comment_id": 1}, "ParentCommentUniqueId": "nope"},
			{"Message": "x", "Type": "reply", "UniqueId": "c6", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `", "Payload": {"replied_comment_id": 1}, "ParentCommentUniqueId": "` + inOther + `"},
			{"Message": "x", "Type": "card", "UniqueId": "c7", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `", "Payload": {"text": "no title"}},
			{"Message": "x", "Type": "custom", "UniqueId": "c8", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `", "Payload": {"content": 1}},
			{"Message": "x", "Type": "location", "UniqueId": "c9", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `", "Payload": {"name": "n"}},
			{"Message": "` + strings.Repeat("y", 4001) + `", "UniqueId": "c10", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `"},
			{"Message": "x", "Type": "sticker pack", "UniqueId": "c11", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `"},
			{"Message": "x", "Type": "reply", "UniqueId": "c12", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + o + `", "Payload": {"replied_comment_id": 1}, "ParentCommentUniqueId": "c-ok"},
			{"Message": "x", "Type": "system_event", "UniqueId": "c13", "CreatorEmail": "alice@example.com", "RoomUniqueId": "` + g + `", "Payload": [1]}
		]`, []rowErr{
			{2, "UniqueId is required"}, {3, `UniqueId "c-ok" appears twice`}, {4, "already exists"},
			{5, `RoomUniqueId "no-room" does not exist`}, {6, `CreatorEmail "ghost" does not exist`}, {7, "Message is required"},
			{8, "ParentCommentUniqueId is required for a reply"}, {9, `ParentCommentUniqueId "nope" is not a comment of this room`},
			{10, "is not a comment of this room"}, {11, "invalid card Payload: title is required"}, {12, "needs a type"},
			{13, "invalid location Payload: latitude is required"}, {14, "message is too long"}, {15, `type "sticker pack" may only hold ASCII letters`},
			{16, `ParentCommentUniqueId "c-ok" is in another room`}, {17, "Payload of a system_event must be a JSON object"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			before := e.dump(dataTables...)
			r := e.restImport(tt.resource, tt.name+".json", []byte(tt.rows))
			mustStatus(t, r, 200)
			checkFields(t, r, []fieldWant{{"results.backup_history.status", "started"}, {"results.backup_history.errors.Message", ""},
				{"results.backup_history.errors.Data", nil}})
			g := e.waitImport(r.str("results.backup_history.unique_id"))
			checkFields(t, g, []fieldWant{{"results.backup_history.status", "failed"}, {"results.backup_history.total_rows", 0}})
			if msg := g.str("results.backup_history.errors.Message"); !strings.Contains(msg, "nothing was imported") ||
				!strings.HasPrefix(msg, fmt.Sprintf("%d of ", len(tt.want))) {
				t.Errorf("errors.Message %q", msg)
			}
			data := g.list("results.backup_history.errors.Data")
			if len(data) != len(tt.want) {
				t.Errorf("%d row errors, want %d: %s", len(data), len(tt.want), g.raw)
			}
			for i, w := range tt.want {
				if i >= len(data) {
					break
				}
				if row := fmt.Sprint(at(data[i], "Row")); row != fmt.Sprint(w.row) || !strings.Contains(fmt.Sprint(at(data[i], "Message")), w.msg) {
					t.Errorf("error %d = row %s %q, want row %d containing %q", i, row, at(data[i], "Message"), w.row, w.msg)
				}
			}
			if after := e.dump(dataTables...); after != before {
				t.Errorf("a failed import changed the data:\n%s\n---\n%s", before, after)
			}
		})
	}
}

// TestImportDocsExamples imports the docs' example files (with distinct room
// unique ids: the docs' two rooms share one) and checks the results.
func TestImportDocsExamples(t *testing.T) {
	e := newEnv(t)
	// Rows already stored, so imported ids cannot match the file's literal ids.
	s1, s2 := e.restLogin("someone@example.com", "Someone"), e.restLogin("other@example.com", "Other")
	pre := e.restGroup("pre", s1, s2)
	for i := range 3 {
		e.restPost(s1, pre, "text", fmt.Sprint("pre ", i), nil)
	}
	users := `[
		{"Email": "dinda@example.com", "Name": "Dinda", "AvatarUrl": "https://placehold.it/20x20", "AuthenticationToken": "randomstring", "Password": "password", "CreateAt": "2017-05-10T11:46:30Z", "Ignored": 1},
		{"Email": "eko@example.com", "Name": "Eko", "AvatarUrl": "", "AuthenticationToken": "", "Password": "", "CreateAt": ""},
		{"Email": "fina@example.com", "Name": "Fina"}
	]`
	r := e.restImport("users", "users.json", []byte(users))
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.backup_history.original_filename", "users.json"}, {"results.backup_history.resource_name", "users"},
		{"results.backup_history.size", len(users)}, {"results.backup_history.status", "started"},
		{"results.backup_history.total_rows", 0},
	})
	if !uuidRE.MatchString(r.str("results.backup_history.unique_id")) {
		t.Errorf("unique_id %q", r.str("results.backup_history.unique_id"))
	}
	g := e.waitImport(r.str("results.backup_history.unique_id"))
	checkFields(t, g, []fieldWant{{"results.backup_history.status", "finished"}, {"results.backup_history.total_rows", 3}})
	if errs, ok := g.get("results.backup_history.errors").(map[string]any); !ok || len(errs) != 0 {
		t.Errorf("errors = %v, want {}", g.get("results.backup_history.errors"))
	}
	// The plain password is stored hashed and works; the token is the one given.
	login := e.form("login_or_register", nil, "email=dinda%40example.com&password=password")
	mustStatus(t, login, 200)
	checkFields(t, login, []fieldWant{{"results.user.token", "randomstring"}, {"results.user.username", "Dinda"},
		{"results.user.avatar_url", "https://placehold.it/20x20"}})
	mustStatus(t, e.get("sync", &testUser{ID: "dinda@example.com", Token: "randomstring"}), 200)

	rooms := `[
		{"Name": "ignored for single rooms", "Type": "single", "Options": "", "CreatorEmail": "dinda@example.com", "CreatedAt": "2017-05-11T06:35:27Z",
		 "AvatarUrl": "", "UniqueId": "f82e5262-e9c4-4b7b-867a-ea890ba64f43", "ParticipantEmails": ["dinda@example.com", "eko@example.com"]},
		{"Name": "Qiscus Family Super", "Type": "group", "Options": "{\"color\":\"blue\"}", "CreatorEmail": "dinda@example.com", "CreatedAt": "2017-05-11T06:35:27Z",
		 "AvatarUrl": "https://placehold.it/40x40", "UniqueId": "4e6c208b-3436-46a0-a6d7-add9b90dfc77",
		 "ParticipantEmails": ["dinda@example.com", "eko@example.com", "fina@example.com"]}
	]`
	g = e.waitImport(e.restImport("rooms", "rooms.json", []byte(rooms)).str("results.backup_history.unique_id"))
	checkFields(t, g, []fieldWant{{"results.backup_history.status", "finished"}, {"results.backup_history.total_rows", 2}})
	info := e.restForm("get_rooms_info", url.Values{"user_email": {"dinda@example.com"},
		"room_id[]": {"f82e5262-e9c4-4b7b-867a-ea890ba64f43", "4e6c208b-3436-46a0-a6d7-add9b90dfc77"}, "show_participants": {"true"}})
	checkFields(t, info, []fieldWant{
		{"results.rooms_info.0.room_type", "single"}, {"results.rooms_info.0.room_name", "dinda@example.com eko@example.com"},
		{"results.rooms_info.1.room_type", "group"}, {"results.rooms_info.1.room_name", "Qiscus Family Super"},
		{"results.rooms_info.1.room_avatar_url", "https://placehold.it/40x40"}, {"results.rooms_info.1.participants.2.email", "fina@example.com"},
	})
	groupID := info.num("results.rooms_info.1.room_id")
	add := e.restForm("add_room_participants", url.Values{"room_id": {"4e6c208b-3436-46a0-a6d7-add9b90dfc77"}, "emails[]": {"someone@example.com"}})
	checkFields(t, add, []fieldWant{{"results.creator", "dinda@example.com"}})

	comments := `[
		{"Message": "Halo doc", "DisableLinkPreview": false, "Type": "text", "UniqueId": "android_14945300625232b81ffc0520f961",
		 "CreatorEmail": "dinda@example.com", "RoomUniqueId": "4e6c208b-3436-46a0-a6d7-add9b90dfc77", "CreatedAt": "2017-05-11T19:14:24Z",
		 "Payload": null, "ParentCommentUniqueId": ""},
		{"Message": "Maaf mau tanya..", "DisableLinkPreview": true, "Type": "reply", "UniqueId": "android_14945300625232b81ffc0520f962",
		 "CreatorEmail": "eko@example.com", "RoomUniqueId": "4e6c208b-3436-46a0-a6d7-add9b90dfc77", "CreatedAt": "2017-05-11T19:14:25Z",
		 "Payload": {"text": "Maaf mau tanya..", "replied_comment_id": 1},
		 "ParentCommentUniqueId": "android_14945300625232b81ffc0520f961"}
	]`
	g = e.waitImport(e.restImport("comments", "comment_single.json", []byte(comments)).str("results.backup_history.unique_id"))
	checkFields(t, g, []fieldWant{{"results.backup_history.status", "finished"}, {"results.backup_history.total_rows", 2}})
	l := e.restGet("load_comments", url.Values{"room_id": {fmt.Sprint(groupID)}})
	parentID := l.num("results.comments.1.id")
	checkFields(t, l, []fieldWant{
		{"results.comments.1.message", "Halo doc"}, {"results.comments.1.timestamp", "2017-05-11T19:14:24Z"},
		{"results.comments.1.unique_temp_id", "android_14945300625232b81ffc0520f961"}, {"results.comments.1.email", "dinda@example.com"},
		{"results.comments.0.type", "reply"}, {"results.comments.0.disable_link_preview", true},
		{"results.comments.0.comment_before_id", int(parentID)},
		{"results.comments.0.payload.replied_comment_id", int(parentID)},
		{"results.comments.0.payload.replied_comment_message", "Halo doc"},
		{"results.comments.0.payload.replied_comment_sender_email", "dinda@example.com"},
	})
	if parentID == 1 {
		t.Error("the parent got id 1: the test cannot tell a remapped id from the file's literal 1")
	}

	list := e.restGet("imports", nil)
	mustStatus(t, list, 200)
	h := list.list("results.backup_histories")
	if len(h) != 3 || at(h[0], "resource_name") != "comments" || at(h[0], "original_filename") != "comment_single.json" ||
		fmt.Sprint(at(h[0], "total_rows")) != "2" || at(h[0], "status") != "finished" {
		t.Errorf("backup_histories %s", list.raw)
	}
	for _, k := range []string{"created_at", "errors", "original_filename", "resource_name", "size", "status", "total_rows", "unique_id"} {
		if _, ok := h[0].(map[string]any)[k]; !ok {
			t.Errorf("backup history without %s", k)
		}
	}
	checkError(t, e.restGet("imports/nope", nil), 404, "import not found")
	if l := e.restGet("imports", url.Values{"page": {"2"}}).list("results.backup_histories"); l == nil || len(l) != 0 {
		t.Error("imports page 2 is not empty")
	}
}

// exportAll exports users, rooms and comments and downloads the three files.
func exportAll(t *testing.T, e *testEnv) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, res := range []string{"users", "rooms", "comments"} {
		r := e.restForm("exports", url.Values{"type": {res}})
		mustStatus(t, r, 200)
		g := e.waitExport(r.str("results.unique_id"))
		if g.str("results.backup_history.status") != "finished" {
			t.Fatalf("export %s: %s", res, g.raw)
		}
		_, files[res] = download(t, g.str("results.backup_history.download_url"))
	}
	return files
}

// storedComment is what must survive a round trip.
type storedComment struct {
	uid, room, sender, typ, msg, payload, extras, created, parent string
	noPreview                                                     bool
}

// commentsByUID reads every comment with its room unique id, sender id and, for
// replies, the unique id of the message replied_comment_id points at.
func commentsByUID(t *testing.T, e *testEnv) (map[string]storedComment, map[string]int64) {
	t.Helper()
	rows, err := e.s.store.DB.Query(`SELECT c.id, c.unique_temp_id, r.unique_id, u.email, c.type, c.message,
		COALESCE(c.payload, ''), COALESCE(c.extras, ''), c.created_at, c.disable_link_preview
		FROM comments c JOIN rooms r ON r.id = c.room_id JOIN users u ON u.id = c.user_id ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out, ids := map[string]storedComment{}, map[string]int64{}
	byID := map[int64]string{}
	for rows.Next() {
		var c storedComment
		var id, created int64
		if err := rows.Scan(&id, &c.uid, &c.room, &c.sender, &c.typ, &c.msg, &c.payload, &c.extras, &created, &c.noPreview); err != nil {
			t.Fatal(err)
		}
		c.created = fmt.Sprint(created)
		byID[id] = c.uid
		if c.payload != "" {
			var p any
			if err := json.Unmarshal([]byte(c.payload), &p); err != nil {
				t.Fatal(err)
			}
			if c.typ == "reply" {
				pid := int64(p.(map[string]any)["replied_comment_id"].(float64))
				if c.parent = byID[pid]; c.parent == "" {
					t.Errorf("reply %s points at %d, which is no comment before it", c.uid, pid)
				}
			}
			b, _ := json.Marshal(idsToUIDs(p, byID))
			c.payload = string(b)
		}
		out[c.uid], ids[c.uid] = c, id
	}
	return out, ids
}

// idsToUIDs replaces every replied_comment_id (nested ones too: a reply to a
// reply carries its parent's payload) by the unique id it points at.
func idsToUIDs(v any, byID map[int64]string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			if f, ok := sub.(float64); ok && k == "replied_comment_id" {
				x[k] = "uid:" + byID[int64(f)]
			} else {
				x[k] = idsToUIDs(sub, byID)
			}
		}
	case []any:
		for i := range x {
			x[i] = idsToUIDs(x[i], byID)
		}
	}
	return v
}

type storedRoom struct {
	name, typ, avatar, options, creator string
	members                             []string
}

func roomsByUID(t *testing.T, e *testEnv) map[string]storedRoom {
	t.Helper()
	rows, err := e.s.store.DB.Query(`SELECT r.id, r.unique_id, r.name, r.chat_type, r.avatar_url, r.options,
		COALESCE((SELECT u.email FROM restapi_room_creators c JOIN users u ON u.id = c.user_id WHERE c.room_id = r.id), '')
		FROM rooms r`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id  int64
		uid string
		r   storedRoom
	}
	var rs []row
	for rows.Next() {
		var x row
		if err := rows.Scan(&x.id, &x.uid, &x.r.name, &x.r.typ, &x.r.avatar, &x.r.options, &x.r.creator); err != nil {
			t.Fatal(err)
		}
		rs = append(rs, x)
	}
	rows.Close()
	out := map[string]storedRoom{}
	for _, x := range rs {
		d, err := e.s.store.RoomDetail(t.Context(), x.id)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Participants {
			x.r.members = append(x.r.members, p.ID)
		}
		sort.Strings(x.r.members)
		out[x.uid] = x.r
	}
	return out
}

// TestExportImportRoundTrip exports everything, imports it into a fresh
// database (where other rows already took the low ids), and checks that users,
// rooms and comments survive with new ids and replies still linked.
func TestExportImportRoundTrip(t *testing.T) {
	a := newEnv(t)
	alice, bob := a.login("alice", "Alice"), a.login("bob", "Bob")
	carol := a.restLogin("carol", "Carol")
	mustStatus(t, a.restForm("login_or_register", url.Values{"email": {"carol"}, "password": {carol.Password},
		"avatar_url": {"https://example.com/carol.png"}, "extras": {`{"role":"admin"}`}}), 200)
	single := a.chat(alice, bob)
	group := a.restGroup("Team", &testUser{ID: "alice"}, bob, carol)
	mustStatus(t, a.restForm("update_room", url.Values{"user_email": {"alice"}, "room_id": {fmt.Sprint(group)},
		"room_avatar_url": {"https://example.com/team.png"}, "options": {`{"color":"red"}`}}), 200)

	// SDK posts, an SDK reply, server API posts of several types, a reply to a
	// reply, system events, a comment with extras and no link preview.
	q := a.mustPost(alice, single, "question?").num("results.comment.id")
	mustStatus(t, a.postJSON("post_comment", bob, map[string]any{"comment": "answer!", "topic_id": single, "type": "reply",
		"payload": map[string]any{"replied_comment_id": q}}), 200)
	cardID := a.restPost(&testUser{ID: "alice"}, group, "card", "deal", json.RawMessage(`{"title":"T","image_url":"https://x/i.png"}`)).num("results.comment.id")
	r1 := a.restPost(bob, group, "reply", "nice card", json.RawMessage(fmt.Sprintf(`{"replied_comment_id":%d}`, cardID))).num("results.comment.id")
	mustStatus(t, a.restPost(carol, group, "reply", "agreed", json.RawMessage(fmt.Sprintf(`{"replied_comment_id":%d}`, r1))), 200)
	mustStatus(t, a.restPost(carol, group, "file_attachment", "doc", json.RawMessage(`{"url":"https://x/a.pdf"}`)), 200)
	mustStatus(t, a.restPost(carol, group, "location", "", json.RawMessage(`{"name":"Here","latitude":1.5,"longitude":2.5}`)), 200)
	mustStatus(t, a.restForm("post_system_event_message", url.Values{"system_event_type": {"add_member"}, "room_id": {fmt.Sprint(group)},
		"subject_email": {"alice"}, "object_email[]": {"carol"}}), 200)
	mustStatus(t, a.restJSON("post_comment", map[string]any{"sender_email": "bob", "room_id": fmt.Sprint(group), "message": "see https://x",
		"disable_link_preview": true, "extras": map[string]any{"k": "v"}}), 200)
	// App-defined types, through both APIs: they survive the trip unchanged.
	mustStatus(t, a.postJSON("post_comment", bob, map[string]any{"comment": "", "topic_id": group, "type": "sticker",
		"payload": map[string]any{"pack": "cats", "id": 7}}), 200)
	mustStatus(t, a.restPost(bob, group, "com.example.poll", "Lunch?", json.RawMessage(`["pizza","soup"]`)), 200)
	mustStatus(t, a.restForm("remove_room_participants", url.Values{"room_id": {fmt.Sprint(group)}, "emails[]": {"carol"}}), 200)

	files := exportAll(t, a)
	wantComments, oldIDs := commentsByUID(t, a)
	wantRooms := roomsByUID(t, a)
	if len(wantComments) != 11 {
		t.Fatalf("%d comments before the export, want 11", len(wantComments))
	}

	// The wipe: a new server on a new database file, with other data in it.
	b := newEnv(t, func(c *Config) { c.DBPath = filepath.Join(t.TempDir(), "fresh.db") })
	z1, z2 := b.restLogin("zed", "Zed"), b.restLogin("zoe", "Zoe")
	zroom := b.restGroup("Zs", z1, z2)
	for i := range 7 {
		b.restPost(z1, zroom, "text", fmt.Sprint("z", i), nil)
	}
	for _, res := range []string{"users", "rooms", "comments"} {
		r := b.restImport(res, res+".json", files[res])
		mustStatus(t, r, 200)
		g := b.waitImport(r.str("results.backup_history.unique_id"))
		if g.str("results.backup_history.status") != "finished" {
			t.Fatalf("import %s: %s", res, g.raw)
		}
	}

	// Users: same profiles and tokens; passwords still work; new ids.
	for _, u := range []*testUser{alice, bob, carol} {
		r := b.form("login_or_register", nil, url.Values{"email": {u.ID}, "password": {u.Password}}.Encode())
		mustStatus(t, r, 200)
		if r.str("results.user.token") != u.Token {
			t.Errorf("%s: token %q, want %q", u.ID, r.str("results.user.token"), u.Token)
		}
		if r.num("results.user.id") == u.PK {
			t.Errorf("%s kept id %d: ids were not remapped", u.ID, u.PK)
		}
	}
	p := b.restGet("user_profile", url.Values{"user_email": {"carol"}})
	checkFields(t, p, []fieldWant{{"results.user.avatar_url", "https://example.com/carol.png"}, {"results.user.extras.role", "admin"},
		{"results.user.username", "Carol"}})

	// Rooms: same unique ids, names, types, avatars, options, creators, members.
	gotRooms := roomsByUID(t, b)
	for uid, w := range wantRooms {
		if w.creator == "" {
			// Rooms made through the SDK have no recorded creator; the
			// export names their first participant, and the import keeps it.
			w.creator = w.members[0]
		}
		if g, ok := gotRooms[uid]; !ok || fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("room %s: %+v, want %+v", uid, g, w)
		}
	}
	// The SDK's chatTarget still finds the imported single room.
	id := b.chat(&testUser{ID: "alice", Token: alice.Token}, bob)
	r := b.get(fmt.Sprint("load_comments?topic_id=", id), bob)
	checkFields(t, r, []fieldWant{{"results.comments.0.message", "answer!"}, {"results.comments.1.message", "question?"}})
	if id == single {
		t.Errorf("the single room kept id %d: ids were not remapped", id)
	}

	// Comments: all there, with new ids, same content, replies linked to the
	// same parents (by unique id) through their new ids.
	gotComments, newIDs := commentsByUID(t, b)
	for uid, w := range wantComments {
		g, ok := gotComments[uid]
		if !ok {
			t.Errorf("comment %s missing", uid)
			continue
		}
		if g != w {
			t.Errorf("comment %s:\n  %+v\nwant\n  %+v", uid, g, w)
		}
		if newIDs[uid] == oldIDs[uid] {
			t.Errorf("comment %s kept id %d: ids were not remapped", uid, oldIDs[uid])
		}
	}
	replies := 0
	for _, c := range gotComments {
		if c.typ == "reply" {
			replies++
		}
	}
	if replies != 3 {
		t.Errorf("%d replies, want 3", replies)
	}

	t.Run("importing the same files again fails and changes nothing", func(t *testing.T) {
		b := b.in(t)
		before := b.dump(dataTables...)
		for _, res := range []string{"users", "rooms", "comments"} {
			g := b.waitImport(b.restImport(res, res+".json", files[res]).str("results.backup_history.unique_id"))
			checkFields(t, g, []fieldWant{{"results.backup_history.status", "failed"}})
			if !strings.Contains(g.raw, "already exists") {
				t.Errorf("%s: %s", res, g.raw)
			}
		}
		if b.dump(dataTables...) != before {
			t.Error("a failed import changed the data")
		}
	})
}
