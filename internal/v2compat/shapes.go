package v2compat

import (
	"bytes"
	"strconv"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// CommentJSON is the comment as the v2 JS API shows it: the raw server
// fields plus the Comment object's fields (unique_id, before_id,
// username_as, isPending, …). Later keys override earlier ones in
// JSON.parse, which is how the status fields are updated without
// re-encoding the raw object.
func CommentJSON(c *sdk.Comment) sdk.RawMessage {
	b := openRaw(c.Raw)
	if b == nil {
		b = append(b, '{')
		b = appendKV(b, "id", c.ID)
		b = appendKV(b, "room_id", c.RoomID)
		b = appendKV(b, "unique_temp_id", c.UniqueTempID)
		b = appendKV(b, "email", c.Email)
		b = appendKV(b, "username", c.Username)
		b = appendKV(b, "message", c.Message)
		b = appendKV(b, "type", c.Type)
		b = appendKV(b, "timestamp", c.Timestamp)
		b = appendKV(b, "unix_timestamp", c.UnixTime)
		b = appendRaw(b, "payload", c.Payload)
		b = appendRaw(b, "extras", c.Extras)
	}
	b = appendKV(b, "unique_id", c.UniqueTempID)
	b = appendKV(b, "before_id", c.BeforeID)
	b = appendKV(b, "username_as", c.Username)
	b = appendKV(b, "username_real", c.Email)
	b = appendKV(b, "status", c.Status)
	b = appendKV(b, "isPending", c.Status == sdk.StatusPending)
	b = appendKV(b, "isSent", c.Status == sdk.StatusSent || c.Status == sdk.StatusDelivered || c.Status == sdk.StatusRead)
	b = appendKV(b, "isDelivered", c.Status == sdk.StatusDelivered || c.Status == sdk.StatusRead)
	b = appendKV(b, "isRead", c.Status == sdk.StatusRead)
	b = appendKV(b, "isFailed", c.Status == sdk.StatusFailed)
	b[len(b)-1] = '}'
	return b
}

// RoomJSON is the room as v2's Room object: the raw fields plus name,
// avatar, room_type, isChannel, participantNumber, count_notif and the
// comments in their v2 shape, ascending.
func RoomJSON(r *sdk.Room) sdk.RawMessage {
	b := openRaw(r.Raw)
	if b == nil {
		b = append(b, '{')
		b = appendKV(b, "id", r.ID)
	}
	b = appendKV(b, "name", r.Name)
	b = appendKV(b, "avatar", r.AvatarURL)
	b = appendKV(b, "room_type", r.ChatType)
	b = appendKV(b, "isChannel", r.IsPublicChannel)
	b = appendKV(b, "participantNumber", int64(max(r.TotalParticipants, len(r.Participants))))
	b = appendKV(b, "count_notif", int64(r.UnreadCount))
	b = append(b, `"comments":[`...)
	for i, cm := range r.Comments {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, CommentJSON(cm)...)
	}
	b = append(b, "]}"...)
	return b
}

// GroupJSON is createGroupRoom's camelCase summary {id, name,
// lastCommentId, lastCommentMessage, lastTopicId, avatarURL, options,
// participants}.
func GroupJSON(r *sdk.Room) sdk.RawMessage {
	parts := make([]map[string]any, 0, len(r.Participants))
	for _, p := range r.Participants {
		parts = append(parts, map[string]any{"id": p.ID, "email": p.Email, "username": p.Username, "avatarURL": p.AvatarURL})
	}
	out, _ := jsonx.Marshal(map[string]any{"id": r.ID, "name": r.Name, "lastCommentId": r.LastCommentID,
		"lastCommentMessage": r.LastCommentMessage, "lastTopicId": r.ID, "avatarURL": r.AvatarURL,
		"options": r.Options, "participants": parts})
	return out
}

// openRaw is a copy of a server object without its closing brace, ready
// for more keys; nil for an empty or missing object.
func openRaw(raw sdk.RawMessage) []byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || len(bytes.TrimSpace(raw[1:len(raw)-1])) == 0 {
		return nil
	}
	b := append([]byte(nil), raw[:len(raw)-1]...)
	return append(b, ',')
}

// errorJSON is the shape errors take in callbacks: {status, message}.
func errorJSON(err error) map[string]any {
	return map[string]any{"status": sdk.StatusOf(err), "message": err.Error()}
}

func appendRaw(b []byte, k string, v sdk.RawMessage) []byte {
	if len(v) == 0 {
		v = sdk.RawMessage("null")
	}
	b = strconv.AppendQuote(b, k)
	b = append(b, ':')
	b = append(b, v...)
	return append(b, ',')
}

func appendKV(b []byte, k string, v any) []byte {
	b = strconv.AppendQuote(b, k)
	b = append(b, ':')
	switch x := v.(type) {
	case string:
		enc, _ := jsonx.Marshal(x)
		b = append(b, enc...)
	case int64:
		b = strconv.AppendInt(b, x, 10)
	case bool:
		b = strconv.AppendBool(b, x)
	}
	return append(b, ',')
}

// AppendJSON appends v as JSON: RawMessage values as they are, comments
// and rooms in their v2 shape, anything else marshalled.
func AppendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case sdk.RawMessage:
		if len(x) == 0 {
			return append(b, "null"...)
		}
		return append(b, x...)
	case []sdk.RawMessage:
		b = append(b, '[')
		for i, r := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, r...)
		}
		return append(b, ']')
	case *sdk.Comment:
		if x == nil {
			return append(b, "null"...)
		}
		return append(b, CommentJSON(x)...)
	case *sdk.Room:
		if x == nil {
			return append(b, "null"...)
		}
		return append(b, RoomJSON(x)...)
	}
	enc, err := jsonx.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, enc...)
}
