package v2compat

import (
	"testing"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// serverComment is a comment as the devserver sends it.
const serverComment = `{"id":1204,"comment_before_id":1203,"room_id":77,"topic_id":77,"unique_temp_id":"javascript-Vb3kq0xZ1mN8pL2sT7yWc",` +
	`"email":"alice","username":"Alice","user_avatar_url":"https://example.com/a.png","user_id":"alice","user_extras":{},` +
	`"message":"see you at 5","type":"text","payload":{},"extras":{"k":1},"timestamp":"2026-12-02T16:25:14Z",` +
	`"unix_timestamp":1796228714,"unix_nano_timestamp":1796228714000000000,"status":"sent","is_deleted":false}`

// commentCases are comments covering both shapes (a server object kept
// raw, or a local pending comment) and strings JSON must escape.
var commentCases = []struct {
	name string
	c    sdk.Comment
}{
	{"server", sdk.Comment{ID: 1204, BeforeID: 1203, RoomID: 77, UniqueTempID: "javascript-Vb3kq0xZ1mN8pL2sT7yWc", Email: "alice",
		Username: "Alice", Message: "see you at 5", Type: "text", Status: sdk.StatusRead, Raw: sdk.RawMessage(serverComment)}},
	{"pending", sdk.Comment{ID: 1796228714123, RoomID: 77, UniqueTempID: "javascript-Vb3kq0xZ1mN8pL2sT7yWc", Email: "alice",
		Username: "Alice", Message: "see you at 5", Type: "text", Timestamp: "2026-12-02T16:25:14Z", UnixTime: 1796228714,
		Status: sdk.StatusPending}},
	{"pending with payload", sdk.Comment{RoomID: 1, UniqueTempID: "u", Type: "custom", Payload: sdk.RawMessage(`{"type":"poll"}`),
		Extras: sdk.RawMessage(`{"e":[1,2]}`), Status: sdk.StatusFailed}},
	{"escapes", sdk.Comment{RoomID: -3, UniqueTempID: "q\"\\/", Email: "<a&b>", Username: "tab\there\nnl\r\b\f\x01\x1f\x7f",
		Message: "é ü 日本 😀 \u2028\u2029 bad\xff\xfeutf8 \ufffd", Type: "te\"xt", Status: sdk.StatusDelivered}},
	{"empty", sdk.Comment{}},
	{"blank raw", sdk.Comment{ID: 5, Message: "m", Status: sdk.StatusSent, Raw: sdk.RawMessage(" {  } ")}},
	{"raw with spaces", sdk.Comment{ID: 6, Username: "u", Status: "odd", Raw: sdk.RawMessage(" {\"id\":6} \n")}},
}

// oldCommentJSON is what CommentJSON wrote for commentCases when it built
// each comment from a ...any key/value list (before the object writer).
var oldCommentJSON = map[string]string{
	"server":               "{\"id\":1204,\"comment_before_id\":1203,\"room_id\":77,\"topic_id\":77,\"unique_temp_id\":\"javascript-Vb3kq0xZ1mN8pL2sT7yWc\",\"email\":\"alice\",\"username\":\"Alice\",\"user_avatar_url\":\"https://example.com/a.png\",\"user_id\":\"alice\",\"user_extras\":{},\"message\":\"see you at 5\",\"type\":\"text\",\"payload\":{},\"extras\":{\"k\":1},\"timestamp\":\"2026-12-02T16:25:14Z\",\"unix_timestamp\":1796228714,\"unix_nano_timestamp\":1796228714000000000,\"status\":\"sent\",\"is_deleted\":false,\"unique_id\":\"javascript-Vb3kq0xZ1mN8pL2sT7yWc\",\"before_id\":1203,\"username_as\":\"Alice\",\"username_real\":\"alice\",\"status\":\"read\",\"isPending\":false,\"isSent\":true,\"isDelivered\":true,\"isRead\":true,\"isFailed\":false}",
	"pending":              "{\"id\":1796228714123,\"room_id\":77,\"unique_temp_id\":\"javascript-Vb3kq0xZ1mN8pL2sT7yWc\",\"email\":\"alice\",\"username\":\"Alice\",\"message\":\"see you at 5\",\"type\":\"text\",\"timestamp\":\"2026-12-02T16:25:14Z\",\"unix_timestamp\":1796228714,\"payload\":null,\"extras\":null,\"unique_id\":\"javascript-Vb3kq0xZ1mN8pL2sT7yWc\",\"before_id\":0,\"username_as\":\"Alice\",\"username_real\":\"alice\",\"status\":\"pending\",\"isPending\":true,\"isSent\":false,\"isDelivered\":false,\"isRead\":false,\"isFailed\":false}",
	"pending with payload": "{\"id\":0,\"room_id\":1,\"unique_temp_id\":\"u\",\"email\":\"\",\"username\":\"\",\"message\":\"\",\"type\":\"custom\",\"timestamp\":\"\",\"unix_timestamp\":0,\"payload\":{\"type\":\"poll\"},\"extras\":{\"e\":[1,2]},\"unique_id\":\"u\",\"before_id\":0,\"username_as\":\"\",\"username_real\":\"\",\"status\":\"failed\",\"isPending\":false,\"isSent\":false,\"isDelivered\":false,\"isRead\":false,\"isFailed\":true}",
	"escapes":              "{\"id\":0,\"room_id\":-3,\"unique_temp_id\":\"q\\\"\\\\/\",\"email\":\"\\u003ca\\u0026b\\u003e\",\"username\":\"tab\\there\\nnl\\r\\b\\f\\u0001\\u001f\x7f\",\"message\":\"é ü 日本 😀 \\u2028\\u2029 bad\\ufffd\\ufffdutf8 �\",\"type\":\"te\\\"xt\",\"timestamp\":\"\",\"unix_timestamp\":0,\"payload\":null,\"extras\":null,\"unique_id\":\"q\\\"\\\\/\",\"before_id\":0,\"username_as\":\"tab\\there\\nnl\\r\\b\\f\\u0001\\u001f\x7f\",\"username_real\":\"\\u003ca\\u0026b\\u003e\",\"status\":\"delivered\",\"isPending\":false,\"isSent\":true,\"isDelivered\":true,\"isRead\":false,\"isFailed\":false}",
	"empty":                "{\"id\":0,\"room_id\":0,\"unique_temp_id\":\"\",\"email\":\"\",\"username\":\"\",\"message\":\"\",\"type\":\"\",\"timestamp\":\"\",\"unix_timestamp\":0,\"payload\":null,\"extras\":null,\"unique_id\":\"\",\"before_id\":0,\"username_as\":\"\",\"username_real\":\"\",\"status\":\"\",\"isPending\":false,\"isSent\":false,\"isDelivered\":false,\"isRead\":false,\"isFailed\":false}",
	"blank raw":            "{\"id\":5,\"room_id\":0,\"unique_temp_id\":\"\",\"email\":\"\",\"username\":\"\",\"message\":\"m\",\"type\":\"\",\"timestamp\":\"\",\"unix_timestamp\":0,\"payload\":null,\"extras\":null,\"unique_id\":\"\",\"before_id\":0,\"username_as\":\"\",\"username_real\":\"\",\"status\":\"sent\",\"isPending\":false,\"isSent\":true,\"isDelivered\":false,\"isRead\":false,\"isFailed\":false}",
	"raw with spaces":      "{\"id\":6,\"unique_id\":\"\",\"before_id\":0,\"username_as\":\"u\",\"username_real\":\"\",\"status\":\"odd\",\"isPending\":false,\"isSent\":false,\"isDelivered\":false,\"isRead\":false,\"isFailed\":false}",
}

// TestCommentJSONUnchanged: the object writer writes the same bytes as the
// ...any version did, escapes and raw server objects included.
func TestCommentJSONUnchanged(t *testing.T) {
	for _, tc := range commentCases {
		if got := string(CommentJSON(&tc.c)); got != oldCommentJSON[tc.name] {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, oldCommentJSON[tc.name])
		}
	}
}

// TestAppendString: the copying fast path writes what jsonx.Marshal does.
func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", "tab\t", `q"`, `b\\`, "<&>", "é日😀", "\u2028", "\u2029", "bad\xff", "\x7f", "\x00"} {
		want, _ := jsonx.Marshal(s)
		if got := appendString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("appendString(%q) = %s, want x%s", s, got, want)
		}
	}
}

func BenchmarkCommentJSON(b *testing.B) {
	for _, tc := range commentCases[:2] {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				CommentJSON(&tc.c)
			}
		})
	}
}
