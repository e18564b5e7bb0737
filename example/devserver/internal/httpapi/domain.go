package httpapi

import (
	"context"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/chat"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// The handlers change the chat only through these small interfaces, which
// *chat.Service implements; what each handler group needs is listed here.

// Accounts is what login, profiles, tokens, blocks and push tokens need.
type Accounts interface {
	Login(ctx context.Context, in store.LoginInput, now time.Time) (store.User, error)
	IdentityLogin(ctx context.Context, nonce, userID string, p store.Profile, now time.Time) (store.User, error)
	UpsertUser(ctx context.Context, in store.UserInput, now time.Time) (store.User, bool, error)
	UpdateProfile(ctx context.Context, u *store.User, up store.ProfileUpdate) error
	RefreshToken(ctx context.Context, userID, refresh string, now time.Time) (store.User, error)
	ResetToken(ctx context.Context, userID string, now time.Time) (store.User, error)
	ExpireToken(ctx context.Context, u *store.User, now time.Time) error
	SystemUser(ctx context.Context, id string, now time.Time) (store.User, error)
	SetBlocked(ctx context.Context, userPK, otherPK int64, blocked bool, now time.Time) error
	SetDeviceToken(ctx context.Context, userPK int64, t store.DeviceToken, on bool, now time.Time) (bool, chat.PushState, error)
}

// RoomKeeper is what room creation, updates and participant changes need.
type RoomKeeper interface {
	SingleRoom(ctx context.Context, a, b *store.User, options string, now time.Time) (int64, error)
	CreateGroup(ctx context.Context, r store.NewRoom) (int64, error)
	JoinChannel(ctx context.Context, uniqueID, name, avatarURL string, userPK int64, now time.Time) (int64, bool, error)
	UpdateRoom(ctx context.Context, roomID int64, up store.RoomUpdate) (bool, error)
	AddParticipants(ctx context.Context, roomID int64, userPKs []int64) ([]int64, error)
	RemoveParticipants(ctx context.Context, r *store.Room, userPKs []int64, now time.Time) ([]int64, error)
}

// Messenger is what posting, editing, deleting, clearing and receipts need.
type Messenger interface {
	PostComment(ctx context.Context, u *store.User, in store.NewComment, opt chat.PostOptions) (store.Comment, *store.RoomDetail, error)
	EditComment(ctx context.Context, c *store.Comment) (*store.RoomDetail, error)
	DeleteComments(ctx context.Context, ids []int64, payloads map[int64][]byte, now time.Time) error
	ClearRooms(ctx context.Context, u *store.User, roomIDs []int64, payload []byte, now time.Time) error
	Receipts(ctx context.Context, u *store.User, roomID, readID, receivedID int64, now time.Time) (store.CursorResult, error)
}

// ImportRunner runs an import as one transaction.
type ImportRunner interface {
	Import(ctx context.Context, fn func(*store.ImportTx) error) error
}

// Chat is the whole chat as the server sees it.
type Chat interface {
	Accounts
	RoomKeeper
	Messenger
	ImportRunner
}

var _ Chat = (*chat.Service)(nil)
