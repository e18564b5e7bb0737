package benchkit

import (
	"encoding/json"
	"testing"
	"time"
)

func TestCommentJSON(t *testing.T) {
	b := CommentJSON(CommentSpec{ID: 10000123, BeforeID: 10000122, RoomID: 12, RoomName: "tps-abc-3",
		SenderEmail: "tps-abc-3", SenderName: "tps-abc-3", SenderPK: 3, UniqueTempID: "b12x10000123",
		Message: "Hello, see you at 10!", At: time.Unix(1700000000, 5)})
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "comment_before_id", "message", "type", "payload", "email", "username",
		"user_id", "user_avatar_url", "room_id", "room_name", "unique_temp_id", "status", "timestamp",
		"unix_timestamp", "unix_nano_timestamp"} {
		if _, ok := m[k]; !ok {
			t.Errorf("field %s missing", k)
		}
	}
	if m["id"].(float64) != 10000123 || m["unique_temp_id"] != "b12x10000123" || m["timestamp"] != "2023-11-14T22:13:20Z" {
		t.Errorf("unexpected values: %s", b)
	}
	if len(b) < 250 || len(b) > 420 {
		t.Errorf("comment is %d bytes, want about 300", len(b))
	}
}
