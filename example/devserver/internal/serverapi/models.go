package serverapi

import (
	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// JSON shapes of the server API, after the examples in the Qiscus server API
// docs. Where two examples of the same object differ, the shape is their union.

type restAvatarJSON struct {
	URL string `json:"url"`
}

// restUserJSON is results.user of login_or_register, user_profile and
// reset_user_token.
type restUserJSON struct {
	ID                  int64           `json:"id"`
	Email               string          `json:"email"`
	Username            string          `json:"username"`
	AvatarURL           string          `json:"avatar_url"`
	Avatar              restAvatarJSON  `json:"avatar"`
	Token               string          `json:"token"`
	Extras              json.RawMessage `json:"extras"`
	LastCommentID       int64           `json:"last_comment_id"`
	PnAndroidConfigured bool            `json:"pn_android_configured"`
	PnIOSConfigured     bool            `json:"pn_ios_configured"`
	RtKey               string          `json:"rtKey"`
}

type restParticipantJSON struct {
	ID                    int64  `json:"id"`
	Email                 string `json:"email"`
	Username              string `json:"username"`
	AvatarURL             string `json:"avatar_url"`
	LastCommentReadID     int64  `json:"last_comment_read_id"`
	LastCommentReceivedID int64  `json:"last_comment_received_id"`
}

func restParticipantsJSON(d *store.RoomDetail) []restParticipantJSON {
	out := make([]restParticipantJSON, len(d.Participants))
	for i := range d.Participants {
		p := &d.Participants[i]
		out[i] = restParticipantJSON{
			ID: p.PK, Email: p.ID, Username: p.Username, AvatarURL: p.AvatarURL,
			LastCommentReadID: p.LastReadID, LastCommentReceivedID: p.LastReceivedID,
		}
	}
	return out
}

// restRoomInfoJSON is an item of rooms_info (get_user_rooms, get_rooms_info).
type restRoomInfoJSON struct {
	LastCommentID        int64                 `json:"last_comment_id"`
	LastCommentMessage   string                `json:"last_comment_message"`
	LastCommentTimestamp string                `json:"last_comment_timestamp"`
	Participants         []restParticipantJSON `json:"participants,omitempty"`
	RoomAvatarURL        string                `json:"room_avatar_url"`
	RoomID               int64                 `json:"room_id"`
	RoomName             string                `json:"room_name"`
	RoomType             string                `json:"room_type"`
	RoomUniqueID         string                `json:"room_unique_id"`
	UnreadCount          int64                 `json:"unread_count"`
}

// noCommentTimestamp is last_comment_timestamp of a room without comments (Go's
// zero time, as in the docs' get_rooms_info example).
const noCommentTimestamp = "0001-01-01T00:00:00Z"

// restRoomJSON is results.room of update_room and get_or_create_room_with_target.
type restRoomJSON struct {
	ID                 int64                 `json:"id"`
	RoomName           string                `json:"room_name"`
	ChatType           string                `json:"chat_type"`
	AvatarURL          string                `json:"avatar_url"`
	Options            string                `json:"options"`
	UniqueID           string                `json:"unique_id"`
	LastCommentID      int64                 `json:"last_comment_id"`
	LastCommentMessage string                `json:"last_comment_message"`
	LastTopicID        int64                 `json:"last_topic_id"`
	Participants       []restParticipantJSON `json:"participants"`
}

// restRoomSummaryJSON is results of create_room, add_room_participants and
// remove_room_participants.
type restRoomSummaryJSON struct {
	Creator      string   `json:"creator"`
	Participants []string `json:"participants"`
	RoomID       int64    `json:"room_id"`
	RoomName     string   `json:"room_name"`
	RoomType     string   `json:"room_type"`
	RoomUniqueID string   `json:"room_unique_id"`
}

func roomSummaryJSON(d *store.RoomDetail, creator string) restRoomSummaryJSON {
	ids := make([]string, len(d.Participants))
	for i := range d.Participants {
		ids[i] = d.Participants[i].ID
	}
	return restRoomSummaryJSON{
		Creator: creator, Participants: ids, RoomID: d.ID, RoomName: wire.RoomName(d),
		RoomType: wire.ChatType(d.ChatType), RoomUniqueID: d.UniqueID,
	}
}

// restCommentJSON renders a comment for the server API: the SDK shape, with the
// room named as nobody in particular sees it (restRoomName).
func restCommentJSON(c *store.Comment, d *store.RoomDetail) wire.Comment {
	out := wire.CommentFor(c, d, 0)
	out.RoomName, out.RoomAvatar = wire.RoomName(d), d.AvatarURL
	return out
}

func restCommentsJSON(cs []store.Comment, d *store.RoomDetail) []wire.Comment {
	out := make([]wire.Comment, len(cs))
	for i := range cs {
		out[i] = restCommentJSON(&cs[i], d)
	}
	return out
}
