//go:build !js

package integration_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/internal/v2compat"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// pushed records what a session sends to the JS object, as JSON.
type pushed struct {
	mu  sync.Mutex
	all []string // "name args-json"
}

func (p *pushed) push(name string, args []any) {
	s := name + " " + string(v2compat.AppendJSON(nil, append([]any{}, args...)))
	p.mu.Lock()
	p.all = append(p.all, s)
	p.mu.Unlock()
}

// named is the argument lists pushed under name, decoded.
func (p *pushed) named(s *v2compat.Session, name string) [][]any {
	_ = s.Client.FlushEvents(context.Background())
	p.mu.Lock()
	defer p.mu.Unlock()
	var out [][]any
	for _, x := range p.all {
		n, js, _ := strings.Cut(x, " ")
		if n == name {
			var args []any
			_ = jsonx.Unmarshal([]byte(js), &args)
			out = append(out, args)
		}
	}
	return out
}

// newServer runs the dev server on loopback (integration_test.go's env).
func newServer(t *testing.T) *httptest.Server { return newEnv(t).http }

// call runs a v2 method the way the bridge does: JSON arguments in, JSON
// result out.
func call(t *testing.T, s *v2compat.Session, h v2compat.Handler, method, argsJSON string) ([]byte, error) {
	t.Helper()
	a, err := v2compat.ParseArgs(method, argsJSON)
	if err != nil {
		return nil, err
	}
	return h(context.Background(), s, a)
}

func mustCall(t *testing.T, s *v2compat.Session, h v2compat.Handler, method, argsJSON string) map[string]any {
	t.Helper()
	res, err := call(t, s, h, method, argsJSON)
	if err != nil {
		t.Fatalf("%s(%s): %v", method, argsJSON, err)
	}
	var m map[string]any
	if len(res) > 0 && res[0] == '{' {
		if err := jsonx.Unmarshal(res, &m); err != nil {
			t.Fatalf("%s: result is not JSON: %v\n%s", method, err, res)
		}
	}
	return m
}

// login is init + setUser on a new session.
func login(t *testing.T, hs *httptest.Server, id string) (*v2compat.Session, *pushed) {
	t.Helper()
	p := &pushed{}
	s := v2compat.NewSession(p.push, nil, nil)
	t.Cleanup(func() { s.Client.Close() })
	mqtt := "ws" + strings.TrimPrefix(hs.URL, "http") + "/mqtt"
	mustCall(t, s, v2compat.Init, "init", fmt.Sprintf(`[{"AppId":"dev","baseURL":%q,"mqttURL":%q,"brokerUrl":%q,"withConfig":false}]`, hs.URL, mqtt, mqtt))
	mustCall(t, s, v2compat.SetUser, "setUser", fmt.Sprintf(`[%q,"key-%s",%q]`, id, id, strings.ToUpper(id)))
	return s, p
}

// TestSessionSendCommentRoundTrip: sendComment through the adapter
// resolves with v2's Comment shape, keeps the JS mirror in step (_state,
// _selected, _selectedComment pending → sent) and reaches the other member
// as newMessages with the server's comment.
func TestSessionSendCommentRoundTrip(t *testing.T) {
	hs := newServer(t)
	alice, ap := login(t, hs, "alice")
	bob, bp := login(t, hs, "bob")

	// init's _state carries the settings properties; setUser's comes last.
	st := ap.named(alice, "_state")
	if len(st) < 2 || st[0][0].(map[string]any)["uploadURL"] != hs.URL+"/api/v2/sdk/upload" {
		t.Fatalf("_state after init = %v", st)
	}
	if last := st[len(st)-1][0].(map[string]any); last["isLogin"] != true || last["user_id"] != "alice" {
		t.Fatalf("_state after setUser = %v", st)
	}
	if ls := ap.named(alice, "loginSuccess"); len(ls) != 1 {
		t.Fatalf("loginSuccess = %v", ls)
	}
	room := mustCall(t, alice, v2compat.ChatTarget, "chatTarget", `["bob"]`)
	if room["room_type"] != "single" || room["comments"] == nil {
		t.Fatalf("chatTarget result is not a v2 Room: %v", room)
	}
	rid := int64(room["id"].(float64))
	if sel := ap.named(alice, "_selected"); len(sel) != 1 || sel[0][0].(map[string]any)["id"] != room["id"] {
		t.Fatalf("_selected = %v", sel)
	}
	// The room id as a string, the payload as a JSON string: v2's loose forms.
	c := mustCall(t, alice, v2compat.SendComment, "sendComment", fmt.Sprintf(`["%d","hello bob","uid-1","custom","{\"type\":\"poll\",\"content\":{\"k\":1}}",{"e":true}]`, rid))
	if c["unique_id"] != "uid-1" || c["isSent"] != true || c["isPending"] != false || c["message"] != "hello bob" ||
		c["type"] != "custom" || c["payload"].(map[string]any)["type"] != "poll" {
		t.Fatalf("sendComment result = %v", c)
	}
	var ops []string
	for _, sc := range ap.named(alice, "_selectedComment") {
		ops = append(ops, fmt.Sprintf("%v:%v", sc[0], sc[2].(map[string]any)["status"]))
	}
	if strings.Join(ops, ",") != "insert:pending,set:sent" {
		t.Fatalf("_selectedComment ops = %v, want insert:pending,set:sent", ops)
	}
	if cs := ap.named(alice, "commentSent"); len(cs) != 1 || cs[0][0].(map[string]any)["comment"].(map[string]any)["unique_id"] != "uid-1" {
		t.Fatalf("commentSent = %v", cs)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		nm := bp.named(bob, "newMessages")
		if len(nm) == 1 {
			got := nm[0][0].([]any)[0].(map[string]any)
			if got["unique_temp_id"] != "uid-1" || got["email"] != "alice" {
				t.Fatalf("bob's newMessages = %v", got)
			}
			break
		}
		if len(nm) > 1 || time.Now().After(deadline) {
			t.Fatalf("bob's newMessages = %v, want one", nm)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSessionLoadMore: loadMore pages back from its first argument in the
// selected room, and without a selected room it fails with
// ErrNoRoomSelected; loadComments takes options.last_comment_id.
func TestSessionLoadMore(t *testing.T) {
	hs := newServer(t)
	alice, _ := login(t, hs, "alice")
	login(t, hs, "bob")
	if _, err := call(t, alice, v2compat.LoadMore, "loadMore", `[5]`); !errors.Is(err, sdk.ErrNoRoomSelected) {
		t.Fatalf("loadMore without a room: %v", err)
	}
	room := mustCall(t, alice, v2compat.ChatTarget, "chatTarget", `["bob"]`)
	rid := int64(room["id"].(float64))
	var ids []int64
	for i := 0; i < 5; i++ {
		c := mustCall(t, alice, v2compat.SendComment, "sendComment", fmt.Sprintf(`[%d,"m%d"]`, rid, i))
		ids = append(ids, int64(c["id"].(float64)))
	}
	page := func(h v2compat.Handler, method, argsJSON string) string {
		res, err := call(t, alice, h, method, argsJSON)
		if err != nil {
			t.Fatalf("%s(%s): %v", method, argsJSON, err)
		}
		var cs []map[string]any
		if err := jsonx.Unmarshal(res, &cs); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c["message"].(string))
		}
		return strings.Join(out, ",")
	}
	if got := page(v2compat.LoadMore, "loadMore", fmt.Sprintf(`["%d",{"limit":2}]`, ids[4])); got != "m2,m3" {
		t.Fatalf("loadMore(id of m4, limit 2) = %s, want m2,m3", got)
	}
	if got := page(v2compat.LoadComments, "loadComments", fmt.Sprintf(`[%d,{"last_comment_id":%d,"limit":10}]`, rid, ids[2])); got != "m0,m1" {
		t.Fatalf("loadComments(last_comment_id of m2) = %s, want m0,m1", got)
	}
	if got := page(v2compat.LoadComments, "loadComments", fmt.Sprintf(`[%d,{"last_comment_id":%d,"after":"true","limit":10}]`, rid, ids[2])); got != "m3,m4" {
		t.Fatalf("loadComments(after m2) = %s, want m3,m4", got)
	}
}

// TestArgumentErrors: each member validates v2's arguments before any
// request, with an error naming the method and the argument.
func TestArgumentErrors(t *testing.T) {
	hs := newServer(t)
	s, _ := login(t, hs, "alice")
	tests := []struct {
		method string
		h      v2compat.Handler
		args   string
		want   string
	}{
		{"init", v2compat.Init, `["dev"]`, "init: config must be an object with AppId"},
		{"setUser", v2compat.SetUser, `[]`, "setUser: userId is required"},
		{"setUser", v2compat.SetUser, `["a",{"k":1}]`, "setUser: userKey must be a string"},
		{"sendComment", v2compat.SendComment, `["abc","x"]`, "sendComment: roomId must be a positive id"},
		{"sendComment", v2compat.SendComment, `[1,"x",null,null,"{nope"]`, "sendComment: payload must be an object or a JSON string"},
		{"sendComment", v2compat.SendComment, `[1,"x",null,null,null,[1]]`, "sendComment: extras must be an object"},
		{"loadComments", v2compat.LoadComments, `[1,{"last_comment_id":"x"}]`, "loadComments: options.last_comment_id must be a positive id"},
		{"loadComments", v2compat.LoadComments, `[1,"opts"]`, "loadComments: options must be an object"},
		{"updateRoom", v2compat.UpdateRoom, `[{"room_name":"x"}]`, "updateRoom: room.id is required"},
		{"resendComment", v2compat.ResendComment, `[{"message":"x"}]`, "resendComment: comment.room_id is required"},
		{"createGroupRoom", v2compat.CreateGroupRoom, `["g","bob"]`, "createGroupRoom: userIds must be an array"},
		{"createGroupRoom", v2compat.CreateGroupRoom, `["g",["bob",{}]]`, "createGroupRoom: userIds[1] must be a string"},
		{"createGroupRoom", v2compat.CreateGroupRoom, `["g",["bob"],{"avatarURL":1}]`, "createGroupRoom: options must be an object"},
		{"chatTarget", v2compat.ChatTarget, `["bob",[1]]`, "chatTarget: options must be an object"},
		{"deleteComment", v2compat.DeleteComment, `[1]`, "deleteComment: commentUniqueIds must be an array"},
		{"readComment", v2compat.ReadComment, `[1]`, "readComment: commentId is required"},
		{"publishTyping", v2compat.PublishTyping, `[]`, "publishTyping: value is required"},
		{"publishEvent", v2compat.PublishEvent, `[]`, "publishEvent: roomId is required"}, // the first bad argument is named
		{"publishEvent", v2compat.PublishEvent, `["1"]`, "publishEvent: payload is required"},
		{"setCustomHeader", v2compat.SetCustomHeader, `[{"a":1}]`, "setCustomHeader: headers must be an object of strings"},
		{"generateFileAttachmentMessage", v2compat.GenerateFileAttachmentMessage, `[{"roomId":1}]`, "generateFileAttachmentMessage: url is required"},
		{"generateCustomMessage", v2compat.GenerateCustomMessage, `[{"roomId":1}]`, "generateCustomMessage: type is required"},
		{"generateReplyMessage", v2compat.GenerateReplyMessage, `[{"roomId":"1","text":"x"}]`, "generateReplyMessage: repliedMessage is required"},
		{"getThumbnailURL", v2compat.GetThumbnailURL, `[]`, "getThumbnailURL: url is required"},
		{"uploadFile", func(ctx context.Context, s *v2compat.Session, a v2compat.Args) ([]byte, error) {
			return v2compat.Upload(ctx, a, func(context.Context, int64) (string, *sdk.Comment, error) {
				return "", nil, errors.New("must not upload")
			}, nil)
		}, `["x"]`, "uploadFile: roomId must be a positive id"},
	}
	for _, tt := range tests {
		t.Run(tt.method+tt.args, func(t *testing.T) {
			_, err := call(t, s, tt.h, tt.method, tt.args)
			if !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrInvalidArgument with %q", err, tt.want)
			}
		})
	}
}

// TestGenerateReply: generateReplyMessage builds v2's reply payload from
// the replied comment, a reply to a reply quoting its text.
func TestGenerateReply(t *testing.T) {
	hs := newServer(t)
	s, _ := login(t, hs, "alice")
	c := mustCall(t, s, v2compat.GenerateReplyMessage, "generateReplyMessage", `[{"roomId":3,"text":"yes","repliedMessage":`+
		`{"id":9,"type":"reply","message":"[q] no","payload":{"text":"no"},"username_as":"Bob","username_real":"bob"}}]`)
	p := c["payload"].(map[string]any)
	if c["type"] != "reply" || c["isPending"] != true || p["replied_comment_id"] != float64(9) ||
		p["replied_comment_message"] != "no" || p["replied_comment_sender_email"] != "bob" ||
		p["replied_comment_sender_username"] != "Bob" || p["text"] != "yes" {
		t.Fatalf("generateReplyMessage = %v", c)
	}
}

// TestRoomOptionsWire: createGroupRoom and chatTarget send v2's whole
// options object (avatarURL and message included) as the room's options,
// use its avatarURL as the avatar and send its message.
func TestRoomOptionsWire(t *testing.T) {
	hs := newServer(t)
	alice, _ := login(t, hs, "alice")
	login(t, hs, "bob")
	g := mustCall(t, alice, v2compat.CreateGroupRoom, "createGroupRoom", `["g",["bob"],{"avatarURL":"http://x/a.png","color":"red"}]`)
	var opts map[string]any
	if err := jsonx.Unmarshal([]byte(g["options"].(string)), &opts); err != nil || g["avatarURL"] != "http://x/a.png" ||
		opts["avatarURL"] != "http://x/a.png" || opts["color"] != "red" {
		t.Fatalf("createGroupRoom = %v (options %v, %v)", g, opts, err)
	}
	room := mustCall(t, alice, v2compat.ChatTarget, "chatTarget", `["bob",{"message":"hi bob"}]`)
	rid := int64(room["id"].(float64))
	res, err := call(t, alice, v2compat.LoadComments, "loadComments", fmt.Sprintf(`[%d]`, rid))
	if err != nil || !strings.Contains(string(res), `"message":"hi bob"`) {
		t.Fatalf("loadComments after chatTarget with a message = %s, %v", res, err)
	}
}
