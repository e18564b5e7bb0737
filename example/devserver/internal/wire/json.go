package wire

import (
	"strconv"
	"time"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// JSON shapes of the v2 API (docs/PROTOCOL.md). Numeric ids come with an _str twin.

type Avatar struct {
	Avatar struct {
		URL string `json:"url"`
	} `json:"avatar"`
}

func AvatarOf(url string) Avatar {
	var a Avatar
	a.Avatar.URL = url
	return a
}

type User struct {
	ID        int64           `json:"id"`
	IDStr     string          `json:"id_str"`
	Email     string          `json:"email"`
	Username  string          `json:"username"`
	AvatarURL string          `json:"avatar_url"`
	Avatar    Avatar          `json:"avatar"`
	Extras    json.RawMessage `json:"extras"`
}

type App struct {
	Code  string `json:"code"`
	ID    int64  `json:"id"`
	IDStr string `json:"id_str"`
	Name  string `json:"name"`
}

// LoginUser is results.user of login_or_register (§E.4).
type LoginUser struct {
	User
	Token               string `json:"token"`
	RefreshToken        string `json:"refresh_token"`
	TokenExpiresAt      string `json:"token_expires_at"` // RFC 3339, "" when tokens never expire
	LastCommentID       int64  `json:"last_comment_id"`
	LastCommentIDStr    string `json:"last_comment_id_str"`
	LastSyncEventID     int64  `json:"last_sync_event_id"`
	PnAndroidConfigured bool   `json:"pn_android_configured"`
	PnIOSConfigured     bool   `json:"pn_ios_configured"`
	RtKey               string `json:"rtKey"`
	App                 App    `json:"app"`
}

type Participant struct {
	User
	LastCommentReadID        int64  `json:"last_comment_read_id"`
	LastCommentReadIDStr     string `json:"last_comment_read_id_str"`
	LastCommentReceivedID    int64  `json:"last_comment_received_id"`
	LastCommentReceivedIDStr string `json:"last_comment_received_id_str"`
}

type Room struct {
	ID                    int64         `json:"id"`
	IDStr                 string        `json:"id_str"`
	RoomName              string        `json:"room_name"`
	RawRoomName           string        `json:"raw_room_name"`
	ChatType              string        `json:"chat_type"`
	RoomType              string        `json:"room_type"`
	IsPublicChannel       bool          `json:"is_public_channel"`
	AvatarURL             string        `json:"avatar_url"`
	Options               string        `json:"options"`
	UniqueID              string        `json:"unique_id"`
	LastCommentID         int64         `json:"last_comment_id"`
	LastCommentIDStr      string        `json:"last_comment_id_str"`
	LastCommentMessage    string        `json:"last_comment_message"`
	LastTopicID           int64         `json:"last_topic_id"`
	LastTopicIDStr        string        `json:"last_topic_id_str"`
	Participants          []Participant `json:"participants"`
	RoomTotalParticipants int           `json:"room_total_participants"`
	UnreadCount           int64         `json:"unread_count"`
}

// RoomInfo is a room in user_rooms and rooms_info.
type RoomInfo struct {
	Room
	LastComment *Comment `json:"last_comment"`
	IsRemoved   bool     `json:"is_removed"`
}

// Comment is the comment as every endpoint and {token}/c carry it (§E.1).
type Comment struct {
	ID                 int64           `json:"id"`
	IDStr              string          `json:"id_str"`
	CommentBeforeID    int64           `json:"comment_before_id"`
	CommentBeforeIDStr string          `json:"comment_before_id_str"`
	Message            string          `json:"message"`
	Type               string          `json:"type"`
	Payload            json.RawMessage `json:"payload"`
	Extras             json.RawMessage `json:"extras"`
	Email              string          `json:"email"`
	Username           string          `json:"username"`
	UserID             int64           `json:"user_id"`
	UserIDStr          string          `json:"user_id_str"`
	UserAvatarURL      string          `json:"user_avatar_url"`
	UserAvatar         Avatar          `json:"user_avatar"`
	UserExtras         json.RawMessage `json:"user_extras"`
	RoomID             int64           `json:"room_id"`
	RoomIDStr          string          `json:"room_id_str"`
	TopicID            int64           `json:"topic_id"`
	TopicIDStr         string          `json:"topic_id_str"`
	RoomName           string          `json:"room_name"`
	RawRoomName        string          `json:"raw_room_name"`
	RoomAvatar         string          `json:"room_avatar"`
	ChatType           string          `json:"chat_type"`
	RoomType           string          `json:"room_type"`
	RoomOptions        string          `json:"room_options"`
	IsPublicChannel    bool            `json:"is_public_channel"`
	UniqueTempID       string          `json:"unique_temp_id"`
	DisableLinkPreview bool            `json:"disable_link_preview"`
	IsDeleted          bool            `json:"is_deleted"`
	Status             string          `json:"status"`
	Timestamp          string          `json:"timestamp"`
	UnixTimestamp      int64           `json:"unix_timestamp"`
	UnixNanoTimestamp  int64           `json:"unix_nano_timestamp"`
}

func IDStr(id int64) string { return strconv.FormatInt(id, 10) }

// Object returns raw, or {} when nothing was stored: clients read fields of
// payload and extras without checking for null.
func Object(raw []byte) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("{}")
	}
	return raw
}

// RFC3339 formats unix ns as the UTC second-precision form Qiscus uses.
func RFC3339(ns int64) string {
	return time.Unix(0, ns).UTC().Format(time.RFC3339)
}

func UserOf(u *store.User) User {
	return User{
		ID: u.PK, IDStr: IDStr(u.PK), Email: u.ID, Username: u.Username,
		AvatarURL: u.AvatarURL, Avatar: AvatarOf(u.AvatarURL), Extras: Object(u.Extras),
	}
}

func ParticipantOf(p *store.Participant) Participant {
	return Participant{
		User:              UserOf(&p.User),
		LastCommentReadID: p.LastReadID, LastCommentReadIDStr: IDStr(p.LastReadID),
		LastCommentReceivedID: p.LastReceivedID, LastCommentReceivedIDStr: IDStr(p.LastReceivedID),
	}
}

// ChatType is the v2 chat_type: channels are groups with is_public_channel.
func ChatType(chatType string) string {
	if chatType == "channel" {
		return "group"
	}
	return chatType
}

// CommentFor renders c as viewerPK sees it (single rooms are named after
// the other person).
func CommentFor(c *store.Comment, d *store.RoomDetail, viewerPK int64) Comment {
	return Comment{
		ID: c.ID, IDStr: IDStr(c.ID),
		CommentBeforeID: c.BeforeID, CommentBeforeIDStr: IDStr(c.BeforeID),
		Message: c.Message, Type: c.Type, Payload: Object(c.Payload), Extras: Object(c.Extras),
		Email: c.Sender.ID, Username: c.Sender.Username,
		UserID: c.Sender.PK, UserIDStr: IDStr(c.Sender.PK),
		UserAvatarURL: c.Sender.AvatarURL, UserAvatar: AvatarOf(c.Sender.AvatarURL),
		UserExtras: Object(c.Sender.Extras),
		RoomID:     c.RoomID, RoomIDStr: IDStr(c.RoomID), TopicID: c.RoomID, TopicIDStr: IDStr(c.RoomID),
		RoomName: d.NameFor(viewerPK), RawRoomName: d.Name, RoomAvatar: d.AvatarFor(viewerPK),
		ChatType: ChatType(d.ChatType), RoomType: d.ChatType, RoomOptions: d.Options,
		IsPublicChannel: d.IsPublicChannel, UniqueTempID: c.UniqueTempID, IsDeleted: c.IsDeleted,
		Status:    d.StatusOf(c.ID, c.Sender.PK),
		Timestamp: RFC3339(c.CreatedAt), UnixTimestamp: c.CreatedAt / int64(time.Second),
		UnixNanoTimestamp: c.CreatedAt, DisableLinkPreview: c.DisableLinkPreview,
	}
}

func CommentsFor(cs []store.Comment, d *store.RoomDetail, viewerPK int64) []Comment {
	out := make([]Comment, len(cs))
	for i := range cs {
		out[i] = CommentFor(&cs[i], d, viewerPK)
	}
	return out
}

// RoomFor renders a room for viewerPK; last may be nil.
func RoomFor(d *store.RoomDetail, viewerPK int64, last *store.Comment, unread int64) Room {
	r := Room{
		ID: d.ID, IDStr: IDStr(d.ID), RoomName: d.NameFor(viewerPK), RawRoomName: d.Name,
		ChatType: ChatType(d.ChatType), RoomType: d.ChatType, IsPublicChannel: d.IsPublicChannel,
		AvatarURL: d.AvatarFor(viewerPK), Options: d.Options, UniqueID: d.UniqueID,
		LastCommentIDStr: "0", LastTopicID: d.ID, LastTopicIDStr: IDStr(d.ID),
		Participants:          make([]Participant, len(d.Participants)),
		RoomTotalParticipants: len(d.Participants), UnreadCount: unread,
	}
	for i := range d.Participants {
		r.Participants[i] = ParticipantOf(&d.Participants[i])
	}
	if last != nil {
		r.LastCommentID, r.LastCommentIDStr, r.LastCommentMessage = last.ID, IDStr(last.ID), last.Message
	}
	return r
}

// Actor is who caused a notification or sync event.
type Actor struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

func ActorOf(u *store.User) Actor { return Actor{u.PK, u.ID, u.Username} }

// Event is a {token}/n notification and a sync_event entry.
func EventOf(e *store.Event) Event {
	return Event{ID: e.ID, Timestamp: e.CreatedAt, ActionTopic: e.ActionTopic, Payload: e.Payload}
}

type Event struct {
	ID          int64           `json:"id"`
	Timestamp   int64           `json:"timestamp"` // unix ns, as Qiscus sends it
	ActionTopic string          `json:"action_topic"`
	Payload     json.RawMessage `json:"payload"` // {actor, data}
}
