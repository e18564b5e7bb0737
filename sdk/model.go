package sdk

import (
	"bytes"
	"strconv"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// RawMessage is a JSON value passed through untouched.
type RawMessage = jsonx.RawMessage

// User is the login result's user (reference E.4).
type User struct {
	ID              int64      `json:"id"`
	Email           string     `json:"email"` // the user id
	Username        string     `json:"username"`
	AvatarURL       string     `json:"avatar_url"`
	Extras          RawMessage `json:"extras,omitempty"`
	Token           string     `json:"token"`
	RefreshToken    string     `json:"refresh_token"`
	TokenExpiresAt  string     `json:"token_expires_at"`
	LastCommentID   int64      `json:"last_comment_id"`
	LastSyncEventID int64      `json:"last_sync_event_id"`
	// Raw is the server's user object as received.
	Raw RawMessage `json:"-"`
}

// Participant is a room member.
type Participant struct {
	ID                    int64      `json:"id"`
	Email                 string     `json:"email"`
	Username              string     `json:"username"`
	AvatarURL             string     `json:"avatar_url"`
	Extras                RawMessage `json:"extras,omitempty"`
	LastCommentReadID     int64      `json:"last_comment_read_id"`
	LastCommentReceivedID int64      `json:"last_comment_received_id"`
}

// Room is a chat room (reference E.3, raw server names).
type Room struct {
	ID                 int64         `json:"id"`
	UniqueID           string        `json:"unique_id"`
	Name               string        `json:"room_name"`
	ChatType           string        `json:"chat_type"`
	AvatarURL          string        `json:"avatar_url"`
	Options            string        `json:"options"`
	IsPublicChannel    bool          `json:"is_public_channel"`
	LastCommentID      int64         `json:"last_comment_id"`
	LastCommentMessage string        `json:"last_comment_message"`
	LastCommentAt      string        `json:"last_comment_message_created_at"`
	UnreadCount        int           `json:"unread_count"`
	TotalParticipants  int           `json:"room_total_participants"`
	Participants       []Participant `json:"participants"`
	// Comments are ascending by id (the server sends newest first).
	Comments []*Comment `json:"-"`
	Raw      RawMessage `json:"-"`
}

// Comment statuses. The v2 vocabulary plus "failed" (v2 kept "pending" and
// set a misspelt isStatus field instead, reference G.1 #9).
const (
	StatusPending   = "pending"
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusRead      = "read"
	StatusFailed    = "failed"
)

// Comment is a message. Only the fields the core needs are decoded; Raw
// keeps the server's JSON so it reaches the app unchanged.
type Comment struct {
	ID           int64      `json:"id"`
	BeforeID     int64      `json:"comment_before_id"`
	RoomID       int64      `json:"room_id"`
	UniqueTempID string     `json:"unique_temp_id"`
	Email        string     `json:"email"` // sender's user id
	Username     string     `json:"username"`
	Message      string     `json:"message"`
	Type         string     `json:"type"`
	Payload      RawMessage `json:"payload,omitempty"`
	Extras       RawMessage `json:"extras,omitempty"`
	Timestamp    string     `json:"timestamp"`
	UnixTime     int64      `json:"unix_timestamp"`
	Status       string     `json:"status"`
	// Raw is the server JSON; nil for a comment not yet acknowledged.
	Raw RawMessage `json:"-"`
}

// parseComment decodes a server comment and keeps its bytes.
func parseComment(b []byte) (*Comment, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, errMalformedComment
	}
	c, err := scanComment(b)
	if err != nil {
		return nil, err
	}
	if c.ID <= 0 || c.RoomID <= 0 {
		return nil, errMalformedComment
	}
	c.Raw = append(RawMessage(nil), b...)
	// Payload and Extras alias b: point them into the copy.
	c.Payload = rebase(c.Payload, b, c.Raw)
	c.Extras = rebase(c.Extras, b, c.Raw)
	if c.Status == "" {
		c.Status = StatusSent
	}
	return c, nil
}

// V2JSON is the comment as the v2 JS API shows it: the raw server fields
// plus the Comment object's fields (unique_id, before_id, username_as,
// isPending, …). Later keys override earlier ones in JSON.parse, which is
// how the status fields are updated without re-encoding the raw object.
func (c *Comment) V2JSON() RawMessage {
	var b []byte
	if len(c.Raw) > 1 {
		b = append(b, c.Raw[:len(c.Raw)-1]...)
		if len(bytes.TrimSpace(c.Raw[1:len(c.Raw)-1])) > 0 {
			b = append(b, ',')
		}
	} else {
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
	b = appendKV(b, "isPending", c.Status == StatusPending)
	b = appendKV(b, "isSent", c.Status == StatusSent || c.Status == StatusDelivered || c.Status == StatusRead)
	b = appendKV(b, "isDelivered", c.Status == StatusDelivered || c.Status == StatusRead)
	b = appendKV(b, "isRead", c.Status == StatusRead)
	b = appendKV(b, "isFailed", c.Status == StatusFailed)
	b[len(b)-1] = '}'
	return b
}

func appendRaw(b []byte, k string, v RawMessage) []byte {
	if len(v) == 0 {
		v = RawMessage("null")
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

// rebase maps a subslice of from onto the same bytes of to.
func rebase(sub, from, to []byte) RawMessage {
	if len(sub) == 0 {
		return nil
	}
	off := cap(from) - cap(sub)
	return RawMessage(to[off : off+len(sub)])
}
