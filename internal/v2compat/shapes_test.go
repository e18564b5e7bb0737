package v2compat

import (
	"testing"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

func TestCommentJSON(t *testing.T) {
	raw := `{"id":3,"room_id":9,"unique_temp_id":"u","email":"bob","username":"Bob","message":"hi","comment_before_id":2,"status":"sent"}`
	c := &sdk.Comment{ID: 3, RoomID: 9, UniqueTempID: "u", Email: "bob", Username: "Bob", Message: "hi", BeforeID: 2,
		Status: sdk.StatusRead, Raw: sdk.RawMessage(raw)}
	var m map[string]any
	if err := jsonx.Unmarshal(CommentJSON(c), &m); err != nil {
		t.Fatalf("CommentJSON is not JSON: %v\n%s", err, CommentJSON(c))
	}
	want := map[string]any{"unique_id": "u", "before_id": float64(2), "username_as": "Bob", "username_real": "bob",
		"status": "read", "isRead": true, "isDelivered": true, "isSent": true, "isPending": false, "isFailed": false, "message": "hi"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	pending := &sdk.Comment{RoomID: 9, UniqueTempID: "p", Message: `a "quote"`, Status: sdk.StatusPending}
	if err := jsonx.Unmarshal(CommentJSON(pending), &m); err != nil || m["isPending"] != true || m["message"] != `a "quote"` {
		t.Fatalf("pending CommentJSON = %s (%v)", CommentJSON(pending), err)
	}
}

func TestAppendJSONPassesRawThrough(t *testing.T) {
	raw := sdk.RawMessage(`{"id":1,"n":12345678901234567890}`)
	got := string(AppendJSON(nil, []sdk.RawMessage{raw, raw}))
	if got != `[`+string(raw)+`,`+string(raw)+`]` {
		t.Fatalf("got %s", got)
	}
	if got := string(AppendJSON(nil, map[string]any{"s": "a\"b"})); got != `{"s":"a\"b"}` {
		t.Fatalf("got %s", got)
	}
}

// TestAppendJSONPatchWithComments: a _selectedPatch from SortComments holds
// the comments as *sdk.Comment copies; the JS side gets them in the v2
// shape (unique_id, isSent …), not as Go structs.
func TestAppendJSONPatchWithComments(t *testing.T) {
	cs := []*sdk.Comment{{ID: 1, RoomID: 9, UniqueTempID: "a", Status: sdk.StatusSent}, {ID: 2, RoomID: 9, UniqueTempID: "b", Status: sdk.StatusRead}}
	var m struct {
		Comments []map[string]any `json:"comments"`
		N        int              `json:"participantNumber"`
	}
	out := AppendJSON(nil, map[string]any{"comments": cs, "participantNumber": 2})
	if err := jsonx.Unmarshal(out, &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(m.Comments) != 2 || m.Comments[0]["unique_id"] != "a" || m.Comments[1]["isRead"] != true || m.N != 2 {
		t.Fatalf("patch rendered as %s", out)
	}
}

// TestServerRoom: setActiveRoom takes v2's Room object (room_type, name,
// isChannel) or the server's room JSON; the client reads the server keys,
// which win where both are given.
func TestServerRoom(t *testing.T) {
	for _, tc := range []struct {
		in, chatType, name string
		public             bool
	}{
		{`{"id":7,"room_type":"group","name":"G","isChannel":true}`, "group", "G", true},
		{`{"id":7,"chat_type":"single","room_name":"S","room_type":"x","name":"y"}`, "single", "S", false},
		{`{"id":7,"is_public_channel":true}`, "", "", true},
	} {
		var got struct {
			ID       int64  `json:"id"`
			ChatType string `json:"chat_type"`
			Name     string `json:"room_name"`
			Public   bool   `json:"is_public_channel"`
		}
		out := serverRoom(sdk.RawMessage(tc.in))
		if err := jsonx.Unmarshal(out, &got); err != nil || got.ID != 7 || got.ChatType != tc.chatType || got.Name != tc.name || got.Public != tc.public {
			t.Errorf("serverRoom(%s) = %s (%v)", tc.in, out, err)
		}
	}
}
