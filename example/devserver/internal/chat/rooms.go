package chat

import (
	"context"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// SingleRoom returns the 1:1 room of a and b, creating it (with options)
// on first use.
func (s *Service) SingleRoom(ctx context.Context, a, b *store.User, options string, now time.Time) (int64, error) {
	return s.Store.GetOrCreateSingleRoom(ctx, a, b, options, now)
}

// CreateGroup creates a group room of its creator and members.
func (s *Service) CreateGroup(ctx context.Context, r store.NewRoom) (int64, error) {
	return s.Store.CreateGroupRoom(ctx, r)
}

// JoinChannel returns the public channel with this unique id, creating it or
// renaming it, and makes the user a member; changed reports a creation or a
// rename.
func (s *Service) JoinChannel(ctx context.Context, uniqueID, name, avatarURL string, userPK int64, now time.Time) (id int64, changed bool, err error) {
	return s.Store.GetOrCreateChannel(ctx, uniqueID, name, avatarURL, userPK, now)
}

// UpdateRoom applies up and reports whether anything changed.
func (s *Service) UpdateRoom(ctx context.Context, roomID int64, up store.RoomUpdate) (bool, error) {
	return s.Store.UpdateRoom(ctx, roomID, up)
}
