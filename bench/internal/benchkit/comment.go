package benchkit

import (
	"encoding/json"
	"time"
)

// CommentSpec describes one synthetic comment as the server would publish it
// on {token}/c (reference §E.1).
type CommentSpec struct {
	ID, BeforeID int64
	RoomID       int64
	RoomName     string
	SenderEmail  string // the sender's Qiscus user id
	SenderName   string
	SenderPK     int64
	UniqueTempID string
	Message      string
	At           time.Time
}

// commentJSON carries the E.1 fields the v2 clients read (the *_str twins,
// topic_id, chat_type and extras left out), with short values, so that a message is
// about 300 bytes on the wire like a typical short chat line.
type commentJSON struct {
	ID                int64           `json:"id"`
	CommentBeforeID   int64           `json:"comment_before_id"`
	Message           string          `json:"message"`
	Type              string          `json:"type"`
	Payload           json.RawMessage `json:"payload"`
	Email             string          `json:"email"`
	Username          string          `json:"username"`
	UserID            int64           `json:"user_id"`
	UserAvatarURL     string          `json:"user_avatar_url"`
	RoomID            int64           `json:"room_id"`
	RoomName          string          `json:"room_name"`
	ChatType          string          `json:"chat_type"`
	UniqueTempID      string          `json:"unique_temp_id"`
	Status            string          `json:"status"`
	Timestamp         string          `json:"timestamp"`
	UnixTimestamp     int64           `json:"unix_timestamp"`
	UnixNanoTimestamp int64           `json:"unix_nano_timestamp"`
}

var emptyObject = json.RawMessage("{}")

// CommentJSON renders s.
func CommentJSON(s CommentSpec) []byte {
	b, err := json.Marshal(commentJSON{
		ID: s.ID, CommentBeforeID: s.BeforeID,
		Message: s.Message, Type: "text", Payload: emptyObject,
		Email: s.SenderEmail, Username: s.SenderName, UserID: s.SenderPK, UserAvatarURL: "",
		RoomID: s.RoomID, RoomName: s.RoomName,
		UniqueTempID: s.UniqueTempID, Status: "sent",
		Timestamp: s.At.UTC().Format(time.RFC3339), UnixTimestamp: s.At.Unix(), UnixNanoTimestamp: s.At.UnixNano(),
	})
	if err != nil {
		panic(err) // only plain fields: cannot fail
	}
	return b
}
