package chat

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// MaxMessageLength is the server limit from the Qiscus docs, in characters.
const MaxMessageLength = 4000

// CheckMessage applies the message rules every post and edit shares.
func CheckMessage(msg, typ string) error {
	if utf8.RuneCountInString(msg) > MaxMessageLength {
		return apierr.BadRequest("comment is too long (max %d characters)", MaxMessageLength)
	}
	if typ == "text" && strings.TrimSpace(msg) == "" {
		return apierr.BadRequest("comment is required")
	}
	return nil
}

// Service is the chat: users, rooms and their participants, device tokens,
// receipts and what posting a comment sets off, whoever asks for them.
type Service struct {
	Store *store.Store
	// Publish sends a new comment of room d to its members but those in
	// skip (realtime). It runs in commit order, outside any transaction.
	Publish func(c *store.Comment, d *store.RoomDetail, skip []int64)
	// Notify queues the webhook of a new comment; it must not block.
	Notify func(eventType string, c *store.Comment, d *store.RoomDetail)
	// Unsubscribe ends the realtime subscriptions of users to a room they
	// left, so nothing of it reaches them any more.
	Unsubscribe func(r *store.Room, userPKs []int64)
	// PublishReceipt sends a moved read (kind Read) or delivered (kind
	// Delivered) cursor of user u in a room, pointing at comment c.
	PublishReceipt func(roomID int64, u *store.User, kind string, c *store.Comment)
	// ReceiptEvent is the sync event payload recorded with a moved cursor
	// (nil records none).
	ReceiptEvent func(u *store.User, c *store.Comment) []byte
	// PublishEdit sends an edited comment of room d to its members but
	// those in skip.
	PublishEdit func(c *store.Comment, d *store.RoomDetail, skip []int64)
	// PublishRoomEvent sends a recorded sync event to every participant of room d.
	PublishRoomEvent func(d *store.RoomDetail, e *store.Event)
	// PublishUserEvent sends a recorded sync event to every session of user u.
	PublishUserEvent func(u *store.User, e *store.Event)
	// TokenTTL is how long a new token lives (0 = no expiry).
	TokenTTL time.Duration
	Ctx      context.Context // lives until the server closes: bounds fan-out reads
	Log      *slog.Logger
	// BeforeInsert, when a test sets it, runs between reading the room and
	// storing the comment: a seam to change the world (rotate a token) at
	// exactly that point.
	BeforeInsert func()
}

// PostOptions say who posts and what follows a new comment.
type PostOptions struct {
	Webhook string // the webhook event type
	// AsServer marks a post of the server API: the caller has decided who
	// may send (a public channel's non-member, the System user), and user
	// blocks do not apply.
	AsServer bool
	// NoRealtime posts into history only: nothing is published; clients
	// find the comment through load_comments and sync (QuickBlox's
	// send_to_chat=0). The webhook still fires.
	NoRealtime bool
}

// PostComment is the one way a comment is posted, whoever posts it (the SDK
// API, the server API, its system events, Server.PostComment): it is stored
// through the comment writer, published to every participant's {token}/c (or
// the channel topic) in commit order, and its webhook is queued. A retry with
// the same unique_temp_id returns the stored comment and publishes nothing.
// In a single room, a recipient who blocked the sender gets no fan-out and
// never sees the comment; the sender is not told. It returns the room as
// the rendering of the comment needs it.
func (s *Service) PostComment(ctx context.Context, u *store.User, in store.NewComment, opt PostOptions) (store.Comment, *store.RoomDetail, error) {
	if err := CheckMessage(in.Message, in.Type); err != nil {
		return store.Comment{}, nil, err
	}
	d, err := s.Store.CachedRoom(ctx, in.RoomID) // cached, without cursors
	if err != nil {
		return store.Comment{}, nil, err
	}
	if !opt.AsServer && d.Participant(u.PK) == nil {
		return store.Comment{}, nil, fmt.Errorf("%w (room %d)", apierr.ErrNotParticipant, in.RoomID)
	}
	if in.UniqueTempID == "" {
		in.UniqueTempID = store.NewUniqueTempID()
	}
	in.SenderPK, in.Sender = u.PK, u
	if d.ChatType == "single" && !opt.AsServer {
		others := []int64{}
		for _, p := range d.Participants {
			if p.PK != u.PK {
				others = append(others, p.PK)
			}
		}
		if in.HiddenFor, err = s.Store.BlockersAmong(ctx, u.PK, others); err != nil {
			return store.Comment{}, nil, err
		}
	}
	if s.BeforeInsert != nil {
		s.BeforeInsert()
	}
	// The fan-out runs in commit order, before insertComment returns. It reads
	// the room again there: d was read before the commit, and a participant's
	// token (part of the topic) may have been rotated since. Their client
	// fetches with /sync once it has the new token, which only finds comments
	// committed by then; a comment committed later must go to the new topic.
	fanOut := func(c *store.Comment) { s.Publish(c, s.fanOutRoom(d), in.HiddenFor) }
	if opt.NoRealtime {
		fanOut = nil
	}
	cm, created, err := s.Store.InsertComment(ctx, in, fanOut)
	if err != nil {
		return store.Comment{}, nil, err
	}
	if !created {
		// A retry answers with the stored comment, whose status depends on
		// the cursors CachedRoom leaves out.
		if d, err = s.Store.RoomDetail(ctx, in.RoomID); err != nil {
			return store.Comment{}, nil, err
		}
		return cm, d, nil
	}
	s.Notify(opt.Webhook, &cm, d)
	return cm, d, nil
}

// fanOutRoom is the room as it is now (after the new comment's commit), for
// its participants' current tokens; d if it cannot be read.
func (s *Service) fanOutRoom(d *store.RoomDetail) *store.RoomDetail {
	ctx, cancel := context.WithTimeout(s.Ctx, 5*time.Second)
	defer cancel()
	now, err := s.Store.CachedRoom(ctx, d.ID)
	if err != nil {
		s.Log.Warn("fan-out: re-read room; using the one read before the commit", "room", d.ID, "err", err)
		return d
	}
	return now
}
