package sdk

import (
	"bytes"

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
	// Raw is the server's object when the participant came from a
	// participant call; nil otherwise.
	Raw RawMessage `json:"-"`
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

// rebase maps a subslice of from onto the same bytes of to.
func rebase(sub, from, to []byte) RawMessage {
	if len(sub) == 0 {
		return nil
	}
	off := cap(from) - cap(sub)
	return RawMessage(to[off : off+len(sub)])
}

// clone copies u; its fields are replaced, never edited in place.
func (u *User) clone() *User {
	cp := *u
	return &cp
}

// clone copies c so the Client's later changes (a status moving on) do not
// reach the copy; Raw, Payload and Extras are never written after parsing
// and are shared.
func (c *Comment) clone() *Comment {
	if c == nil {
		return nil
	}
	cp := *c
	return &cp
}

// clone copies r with its own participant and comment lists, which the
// Client edits in place while the room is selected.
func (r *Room) clone() *Room {
	if r == nil {
		return nil
	}
	cp := *r
	cp.Participants = append([]Participant(nil), r.Participants...)
	cp.Comments = make([]*Comment, len(r.Comments))
	for i, cm := range r.Comments {
		cp.Comments[i] = cm.clone()
	}
	return &cp
}
