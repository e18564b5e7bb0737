package msgtype_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/msgtype"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// oneComment is a room holding only comment 7.
func oneComment(id int64) (*store.Comment, error) {
	if id != 7 {
		return nil, apierr.ErrCommentNotFound
	}
	return &store.Comment{ID: 7, Message: "the question", Type: "text"}, nil
}

func TestNormalize(t *testing.T) {
	long := strings.Repeat("é", 4001)
	for _, tc := range []struct {
		name, typ, msg, payload string
		wantMsg, wantPayload    string // wantPayload "-": not checked
		wantErr                 string
	}{
		{"text without payload", "text", "hi", "", "hi", "", ""},
		{"text keeps an object payload", "text", "hi", `{"a":1}`, "hi", `{"a":1}`, ""},
		{"text drops a payload that is not an object", "text", "hi", `[1]`, "hi", "", ""},
		{"text too long (runes, not bytes)", "text", long, "", "", "", "message is too long"},
		{"system events have their own endpoint", "system_event", "x", "", "", "", "post_system_event_message"},
		{"app-defined type: payload exactly as sent", "com.example.poll", "poll", ` {"q": 1} `, "poll", `{"q": 1}`, ""},
		{"app-defined type name with a space", "bad type", "x", "", "", "", "may only hold"},
		{"app-defined type name with a wildcard", "a/#", "x", "", "", "", "may only hold"},
		{"empty type", "", "x", "", "", "", "type must not be empty"},
		{"type name over 64 characters", strings.Repeat("a", 65), "x", "", "", "", "too long"},
		{"custom needs a type", "custom", "x", `{"content":1}`, "", "", "needs a type"},
		{"custom needs content", "custom", "x", `{"type":"poll"}`, "", "", "content is required"},
		{"custom as sent", "custom", "x", `{"type":"poll","content":null}`, "x", `{"type":"poll","content":null}`, ""},
		{"location needs numbers", "location", "", `{"latitude":"1","longitude":2}`, "", "", "latitude must be a number"},
		{"location message from name, address, map", "location", "", `{"latitude":1,"longitude":2,"name":"Home","address":"Street 1","map_url":"https://maps.example/x"}`,
			"Home\nStreet 1\nhttps://maps.example/x", "-", ""},
		{"location map_url must be http(s)", "location", "", `{"latitude":1,"longitude":2,"map_url":"javascript:alert(1)"}`, "", "", "absolute http(s) URL"},
		{"file attachment names the file from its URL", "file_attachment", "see", `{"url":"https://files.example/a/b.pdf"}`, "see", `{"caption":"see","file_name":"b.pdf","url":"https://files.example/a/b.pdf"}`, ""},
		{"file attachment needs a URL", "file_attachment", "x", `{}`, "", "", "url is required"},
		{"file attachment size must be a number", "file_attachment", "x", `{"url":"https://f.example/a","size":"big"}`, "", "", "size must be a number"},
		{"account linking URL must be http(s)", "account_linking", "x", `{"url":"ftp://x"}`, "", "", "absolute http(s) URL"},
		{"a payload that is not an object", "location", "x", `"x"`, "", "", "needs a JSON object payload"},
		{"reply to a comment of the room", "reply", "yes", `{"replied_comment_id":7}`, "yes", "-", ""},
		{"reply to a comment of another room", "reply", "yes", `{"replied_comment_id":8}`, "", "", "not a message of this room"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg, payload, err := msgtype.Normalize(tc.typ, tc.msg, []byte(tc.payload), oneComment)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tc.wantErr)
				}
				if !errors.Is(err, apierr.ErrBadRequest) {
					t.Fatalf("err = %v is not a bad request", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if msg != tc.wantMsg {
				t.Errorf("message = %q, want %q", msg, tc.wantMsg)
			}
			if tc.wantPayload != "-" && string(payload) != tc.wantPayload {
				t.Errorf("payload = %s, want %s", payload, tc.wantPayload)
			}
		})
	}
}

// The reply payload carries what the client shows of the replied message.
func TestNormalizeReplyCarriesTheParent(t *testing.T) {
	_, payload, err := msgtype.Normalize("reply", "yes", []byte(`{"replied_comment_id":7}`), oneComment)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"replied_comment_id":7`, `"replied_comment_message":"the question"`, `"text":"yes"`} {
		if !strings.Contains(string(payload), want) {
			t.Errorf("payload %s lacks %s", payload, want)
		}
	}
}

func ExampleCheckTypeName() {
	for _, name := range []string{"sticker", "com.example.poll", "1001", "<b>", "a b", ""} {
		fmt.Printf("%q: %v\n", name, msgtype.CheckTypeName(name) == nil)
	}
	// Output:
	// "sticker": true
	// "com.example.poll": true
	// "1001": true
	// "<b>": false
	// "a b": false
	// "": false
}
