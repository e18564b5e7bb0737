package httpapi

import (
	"context"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// The handlers and the broker hooks read the chat through these small
// interfaces, which *store.Store implements; every change goes through chat
// (domain.go).

// UserReads are the reads of users and their sessions.
type UserReads interface {
	Authenticate(ctx context.Context, id, token string, now time.Time) (store.User, error)
	UserByToken(ctx context.Context, token string) (store.User, error)
	UserByID(ctx context.Context, id string) (store.User, error)
	ListUsers(ctx context.Context, query string, offset, limit int) ([]store.User, int, error)
	BlockedUsers(ctx context.Context, userPK int64, offset, limit int) ([]store.User, int, error)
	PushConfigured(ctx context.Context, userPK int64) (android, ios bool, err error)
	LastCommentID(ctx context.Context, userPK int64) (int64, error)
	LastEventID(ctx context.Context, userPK int64) (int64, error)
}

// RoomReads are the reads of rooms, membership and room lists.
type RoomReads interface {
	RoomDetail(ctx context.Context, id int64) (*store.RoomDetail, error)
	RoomByUniqueID(ctx context.Context, uniqueID string) (store.Room, error)
	IsParticipant(ctx context.Context, roomID, userPK int64) (bool, error)
	WasRemoved(ctx context.Context, roomID, userPK int64) (bool, error)
	RoomCreator(ctx context.Context, roomID int64) (string, error)
	UserRooms(ctx context.Context, userPK int64, removed bool) ([]store.RoomRef, error)
	UserRoomsByActivity(ctx context.Context, userPK int64, roomType string, limit, offset int) (ids []int64, total int, err error)
	UnreadCount(ctx context.Context, roomID, userPK, readID int64) (int64, error)
}

// CommentReads are the reads of comments and sync events.
type CommentReads interface {
	CommentByID(ctx context.Context, id int64) (store.Comment, error)
	CommentInRoom(ctx context.Context, roomID, id int64) (store.Comment, error)
	CommentsByUniqueIDs(ctx context.Context, uids []string) ([]store.Comment, error)
	RoomComments(ctx context.Context, roomID, viewerPK, cursor int64, after bool, limit int) ([]store.Comment, error)
	RoomCommentsPage(ctx context.Context, roomID int64, limit, offset int) ([]store.Comment, error)
	LastComment(ctx context.Context, roomID, viewerPK int64) (*store.Comment, error)
	CommentsSince(ctx context.Context, userPK, afterID int64, limit int) ([]store.Comment, error)
	SearchComments(ctx context.Context, f store.CommentFilter, offset, limit int) ([]store.Comment, int, error)
	SearchMemberComments(ctx context.Context, userPK int64, query string, roomID int64, limit int) ([]store.Comment, error)
	HasEvent(ctx context.Context, userPK, id int64) (bool, error)
	EventsSince(ctx context.Context, userPK, afterID, since int64, limit int) ([]store.Event, error)
}

// Reads is every read of the chat the server makes.
type Reads interface {
	UserReads
	RoomReads
	CommentReads
}

var _ Reads = (*store.Store)(nil)
