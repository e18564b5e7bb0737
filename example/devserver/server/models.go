package server

import (
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"strconv"
	"time"

	json "github.com/goccy/go-json"
)

// JSON shapes of the v2 API (reference §E). Numeric ids come with an _str twin.

type avatarJSON struct {
	Avatar struct {
		URL string `json:"url"`
	} `json:"avatar"`
}

func avatarOf(url string) avatarJSON {
	var a avatarJSON
	a.Avatar.URL = url
	return a
}

type userJSON struct {
	ID        int64           `json:"id"`
	IDStr     string          `json:"id_str"`
	Email     string          `json:"email"`
	Username  string          `json:"username"`
	AvatarURL string          `json:"avatar_url"`
	Avatar    avatarJSON      `json:"avatar"`
	Extras    json.RawMessage `json:"extras"`
}

type appJSON struct {
	Code  string `json:"code"`
	ID    int64  `json:"id"`
	IDStr string `json:"id_str"`
	Name  string `json:"name"`
}

// loginUserJSON is results.user of login_or_register (§E.4).
type loginUserJSON struct {
	userJSON
	Token               string  `json:"token"`
	RefreshToken        string  `json:"refresh_token"`
	TokenExpiresAt      string  `json:"token_expires_at"` // RFC 3339, "" when tokens never expire
	LastCommentID       int64   `json:"last_comment_id"`
	LastCommentIDStr    string  `json:"last_comment_id_str"`
	LastSyncEventID     int64   `json:"last_sync_event_id"`
	PnAndroidConfigured bool    `json:"pn_android_configured"`
	PnIOSConfigured     bool    `json:"pn_ios_configured"`
	RtKey               string  `json:"rtKey"`
	App                 appJSON `json:"app"`
}

type participantJSON struct {
	userJSON
	LastCommentReadID        int64  `json:"last_comment_read_id"`
	LastCommentReadIDStr     string `json:"last_comment_read_id_str"`
	LastCommentReceivedID    int64  `json:"last_comment_received_id"`
	LastCommentReceivedIDStr string `json:"last_comment_received_id_str"`
}

type roomJSON struct {
	ID                    int64             `json:"id"`
	IDStr                 string            `json:"id_str"`
	RoomName              string            `json:"room_name"`
	RawRoomName           string            `json:"raw_room_name"`
	ChatType              string            `json:"chat_type"`
	RoomType              string            `json:"room_type"`
	IsPublicChannel       bool              `json:"is_public_channel"`
	AvatarURL             string            `json:"avatar_url"`
	Options               string            `json:"options"`
	UniqueID              string            `json:"unique_id"`
	LastCommentID         int64             `json:"last_comment_id"`
	LastCommentIDStr      string            `json:"last_comment_id_str"`
	LastCommentMessage    string            `json:"last_comment_message"`
	LastTopicID           int64             `json:"last_topic_id"`
	LastTopicIDStr        string            `json:"last_topic_id_str"`
	Participants          []participantJSON `json:"participants"`
	RoomTotalParticipants int               `json:"room_total_participants"`
	UnreadCount           int64             `json:"unread_count"`
}

// roomInfoJSON is a room in user_rooms and rooms_info.
type roomInfoJSON struct {
	roomJSON
	LastComment *commentJSON `json:"last_comment"`
	IsRemoved   bool         `json:"is_removed"`
}

// commentJSON is the comment as every endpoint and {token}/c carry it (§E.1).
type commentJSON struct {
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
	UserAvatar         avatarJSON      `json:"user_avatar"`
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

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// object returns raw, or {} when nothing was stored: clients read fields of
// payload and extras without checking for null.
func object(raw []byte) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("{}")
	}
	return raw
}

// rfc3339 formats unix ns as the UTC second-precision form Qiscus uses.
func rfc3339(ns int64) string {
	return time.Unix(0, ns).UTC().Format(time.RFC3339)
}

func userJSONOf(u *store.User) userJSON {
	return userJSON{
		ID: u.PK, IDStr: idStr(u.PK), Email: u.ID, Username: u.Username,
		AvatarURL: u.AvatarURL, Avatar: avatarOf(u.AvatarURL), Extras: object(u.Extras),
	}
}

func participantJSONOf(p *store.Participant) participantJSON {
	return participantJSON{
		userJSON:          userJSONOf(&p.User),
		LastCommentReadID: p.LastReadID, LastCommentReadIDStr: idStr(p.LastReadID),
		LastCommentReceivedID: p.LastReceivedID, LastCommentReceivedIDStr: idStr(p.LastReceivedID),
	}
}

// chatTypeJSON is the v2 chat_type: channels are groups with is_public_channel.
func chatTypeJSON(chatType string) string {
	if chatType == "channel" {
		return "group"
	}
	return chatType
}

// commentJSONFor renders c as viewerPK sees it (single rooms are named after
// the other person).
func commentJSONFor(c *store.Comment, d *store.RoomDetail, viewerPK int64) commentJSON {
	return commentJSON{
		ID: c.ID, IDStr: idStr(c.ID),
		CommentBeforeID: c.BeforeID, CommentBeforeIDStr: idStr(c.BeforeID),
		Message: c.Message, Type: c.Type, Payload: object(c.Payload), Extras: object(c.Extras),
		Email: c.Sender.ID, Username: c.Sender.Username,
		UserID: c.Sender.PK, UserIDStr: idStr(c.Sender.PK),
		UserAvatarURL: c.Sender.AvatarURL, UserAvatar: avatarOf(c.Sender.AvatarURL),
		UserExtras: object(c.Sender.Extras),
		RoomID:     c.RoomID, RoomIDStr: idStr(c.RoomID), TopicID: c.RoomID, TopicIDStr: idStr(c.RoomID),
		RoomName: d.NameFor(viewerPK), RawRoomName: d.Name, RoomAvatar: d.AvatarFor(viewerPK),
		ChatType: chatTypeJSON(d.ChatType), RoomType: d.ChatType, RoomOptions: d.Options,
		IsPublicChannel: d.IsPublicChannel, UniqueTempID: c.UniqueTempID, IsDeleted: c.IsDeleted,
		Status:    d.StatusOf(c.ID, c.Sender.PK),
		Timestamp: rfc3339(c.CreatedAt), UnixTimestamp: c.CreatedAt / int64(time.Second),
		UnixNanoTimestamp: c.CreatedAt, DisableLinkPreview: c.DisableLinkPreview,
	}
}

func commentsJSONFor(cs []store.Comment, d *store.RoomDetail, viewerPK int64) []commentJSON {
	out := make([]commentJSON, len(cs))
	for i := range cs {
		out[i] = commentJSONFor(&cs[i], d, viewerPK)
	}
	return out
}

// roomJSONFor renders a room for viewerPK; last may be nil.
func roomJSONFor(d *store.RoomDetail, viewerPK int64, last *store.Comment, unread int64) roomJSON {
	r := roomJSON{
		ID: d.ID, IDStr: idStr(d.ID), RoomName: d.NameFor(viewerPK), RawRoomName: d.Name,
		ChatType: chatTypeJSON(d.ChatType), RoomType: d.ChatType, IsPublicChannel: d.IsPublicChannel,
		AvatarURL: d.AvatarFor(viewerPK), Options: d.Options, UniqueID: d.UniqueID,
		LastCommentIDStr: "0", LastTopicID: d.ID, LastTopicIDStr: idStr(d.ID),
		Participants:          make([]participantJSON, len(d.Participants)),
		RoomTotalParticipants: len(d.Participants), UnreadCount: unread,
	}
	for i := range d.Participants {
		r.Participants[i] = participantJSONOf(&d.Participants[i])
	}
	if last != nil {
		r.LastCommentID, r.LastCommentIDStr, r.LastCommentMessage = last.ID, idStr(last.ID), last.Message
	}
	return r
}

// actorJSON is who caused a notification or sync event.
type actorJSON struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

func actorOf(u *store.User) actorJSON { return actorJSON{u.PK, u.ID, u.Username} }

// eventJSON is a {token}/n notification and a sync_event entry.
func eventJSONOf(e *store.Event) eventJSON {
	return eventJSON{ID: e.ID, Timestamp: e.CreatedAt, ActionTopic: e.ActionTopic, Payload: e.Payload}
}

type eventJSON struct {
	ID          int64           `json:"id"`
	Timestamp   int64           `json:"timestamp"` // unix ns, as Qiscus sends it
	ActionTopic string          `json:"action_topic"`
	Payload     json.RawMessage `json:"payload"` // {actor, data}
}
