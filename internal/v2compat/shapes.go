package v2compat

import (
	"bytes"
	"sort"
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
		b = appendKVs([]byte{'{'}, "id", c.ID, "room_id", c.RoomID, "unique_temp_id", c.UniqueTempID,
			"email", c.Email, "username", c.Username, "message", c.Message, "type", c.Type,
			"timestamp", c.Timestamp, "unix_timestamp", c.UnixTime, "payload", c.Payload, "extras", c.Extras)
	}
	st := c.Status
	sent := st == sdk.StatusSent || st == sdk.StatusDelivered || st == sdk.StatusRead
	delivered := st == sdk.StatusDelivered || st == sdk.StatusRead
	b = appendKVs(b, "unique_id", c.UniqueTempID, "before_id", c.BeforeID, "username_as", c.Username,
		"username_real", c.Email, "status", st, "isPending", st == sdk.StatusPending, "isSent", sent,
		"isDelivered", delivered, "isRead", st == sdk.StatusRead, "isFailed", st == sdk.StatusFailed)
	b[len(b)-1] = '}'
	return b
}

// RoomJSON is the room as v2's Room object: the raw fields plus name,
// avatar, room_type, isChannel, participantNumber, count_notif and the
// comments in their v2 shape, ascending.
func RoomJSON(r *sdk.Room) sdk.RawMessage {
	b := openRaw(r.Raw)
	if b == nil {
		b = appendKVs([]byte{'{'}, "id", r.ID)
	}
	b = appendKVs(b, "name", r.Name, "avatar", r.AvatarURL, "room_type", r.ChatType, "isChannel", r.IsPublicChannel,
		"participantNumber", int64(max(r.TotalParticipants, len(r.Participants))), "count_notif", int64(r.UnreadCount))
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

// appendKVs appends "key":value, pairs (strings, int64s, bools and raw
// JSON, nil raw as null), each followed by a comma.
func appendKVs(b []byte, kv ...any) []byte {
	for i := 0; i+1 < len(kv); i += 2 {
		b = strconv.AppendQuote(b, kv[i].(string))
		b = append(b, ':')
		switch x := kv[i+1].(type) {
		case string:
			enc, _ := jsonx.Marshal(x)
			b = append(b, enc...)
		case int64:
			b = strconv.AppendInt(b, x, 10)
		case bool:
			b = strconv.AppendBool(b, x)
		case sdk.RawMessage:
			if len(x) == 0 {
				x = sdk.RawMessage("null")
			}
			b = append(b, x...)
		}
		b = append(b, ',')
	}
	return b
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
	case []*sdk.Comment:
		return append(b, list(x, CommentJSON)...)
	case map[string]any: // a mirror patch may hold comments
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, k)
			b = AppendJSON(append(b, ':'), x[k])
		}
		return append(b, '}')
	}
	enc, err := jsonx.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, enc...)
}
