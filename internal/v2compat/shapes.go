package v2compat

import (
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
	// The v2 keys take about 200 bytes besides the strings.
	extra := 256 + 2*(len(c.UniqueTempID)+len(c.Username)+len(c.Email))
	o, ok := extendRaw(c.Raw, extra)
	if !ok {
		o = newObject(extra + 224 + len(c.Message) + len(c.Type) + len(c.Timestamp) + len(c.Payload) + len(c.Extras))
		o.int("id", c.ID)
		o.int("room_id", c.RoomID)
		o.str("unique_temp_id", c.UniqueTempID)
		o.str("email", c.Email)
		o.str("username", c.Username)
		o.str("message", c.Message)
		o.str("type", c.Type)
		o.str("timestamp", c.Timestamp)
		o.int("unix_timestamp", c.UnixTime)
		o.raw("payload", c.Payload)
		o.raw("extras", c.Extras)
	}
	st := c.Status
	o.str("unique_id", c.UniqueTempID)
	o.int("before_id", c.BeforeID)
	o.str("username_as", c.Username)
	o.str("username_real", c.Email)
	o.str("status", st)
	o.bool("isPending", st == sdk.StatusPending)
	o.bool("isSent", st == sdk.StatusSent || st == sdk.StatusDelivered || st == sdk.StatusRead)
	o.bool("isDelivered", st == sdk.StatusDelivered || st == sdk.StatusRead)
	o.bool("isRead", st == sdk.StatusRead)
	o.bool("isFailed", st == sdk.StatusFailed)
	return o.close()
}

// RoomJSON is the room as v2's Room object: the raw fields plus name,
// avatar, room_type, isChannel, participantNumber, count_notif and the
// comments in their v2 shape, ascending.
func RoomJSON(r *sdk.Room) sdk.RawMessage {
	o, ok := extendRaw(r.Raw, 256+512*len(r.Comments))
	if !ok {
		o = newObject(256 + 512*len(r.Comments))
		o.int("id", r.ID)
	}
	o.str("name", r.Name)
	o.str("avatar", r.AvatarURL)
	o.str("room_type", r.ChatType)
	o.bool("isChannel", r.IsPublicChannel)
	o.int("participantNumber", int64(max(r.TotalParticipants, len(r.Participants))))
	o.int("count_notif", int64(r.UnreadCount))
	o.key("comments")
	o.b = append(o.b, '[')
	for i, cm := range r.Comments {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = append(o.b, CommentJSON(cm)...)
	}
	o.b = append(o.b, ']')
	return o.close()
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

// errorJSON is the shape errors take in callbacks: {status, message}.
func errorJSON(err error) map[string]any {
	return map[string]any{"status": sdk.StatusOf(err), "message": err.Error()}
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
