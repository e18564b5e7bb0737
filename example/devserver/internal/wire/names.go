package wire

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// RoomName is a room's name when nobody in particular looks at it: single
// rooms, which store no name, are named after their two members' ids, as the
// Qiscus server API examples show.
func RoomName(d *store.RoomDetail) string {
	if d.Name != "" || d.ChatType != "single" {
		return d.Name
	}
	ids := make([]string, len(d.Participants))
	for i := range d.Participants {
		ids[i] = d.Participants[i].ID
	}
	return strings.Join(ids, " ")
}

// ValidUserID keeps user ids usable as MQTT topic levels (u/{id}/s, r/…/{id}/t).
func ValidUserID(id string) error {
	if len(id) > 255 || strings.TrimSpace(id) == "" || strings.ContainsAny(id, "/+#") ||
		strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return apierr.BadRequest("email (the user id) must be 1-255 characters without / + # or control characters")
	}
	return nil
}

// EventPayload encodes {actor, data}.
func EventPayload(actor *store.User, data any) ([]byte, error) {
	b, err := json.Marshal(struct {
		Actor Actor `json:"actor"`
		Data  any   `json:"data"`
	}{ActorOf(actor), data})
	if err != nil {
		return nil, fmt.Errorf("encode event: %w", err)
	}
	return b, nil
}

// ReceiptEvent is the sync_event payload of a read or delivered receipt
// (nil only if it cannot be encoded, which plain fields never fail).
func ReceiptEvent(actor *store.User, c *store.Comment) []byte {
	type dataJSON struct {
		CommentID       int64  `json:"comment_id"`
		CommentUniqueID string `json:"comment_unique_id"`
		Email           string `json:"email"`
		RoomID          int64  `json:"room_id"`
	}
	b, _ := EventPayload(actor, dataJSON{c.ID, c.UniqueTempID, actor.ID, c.RoomID})
	return b
}

// RoomCommentsPage is how many comments come with a room (both APIs).
const RoomCommentsPage = 20

// PKs are the users' primary keys, in order.
func PKs(us []store.User) []int64 {
	out := make([]int64, len(us))
	for i := range us {
		out[i] = us[i].PK
	}
	return out
}

// RoomReader loads a room with its participants (the store).
type RoomReader interface {
	RoomDetail(ctx context.Context, id int64) (*store.RoomDetail, error)
}

// CommentsAcrossRooms renders comments of several rooms for viewerPK,
// reading each room once.
func CommentsAcrossRooms(ctx context.Context, r RoomReader, cs []store.Comment, viewerPK int64) ([]Comment, error) {
	rooms := map[int64]*store.RoomDetail{}
	out := make([]Comment, 0, len(cs))
	for i := range cs {
		d, ok := rooms[cs[i].RoomID]
		if !ok {
			var err error
			if d, err = r.RoomDetail(ctx, cs[i].RoomID); err != nil {
				return nil, err
			}
			rooms[cs[i].RoomID] = d
		}
		out = append(out, CommentFor(&cs[i], d, viewerPK))
	}
	return out, nil
}
