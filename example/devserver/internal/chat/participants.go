package chat

import (
	"context"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// AddParticipants adds users to a room, clearing any earlier removal, and
// returns those who were not in it: the same for both APIs.
func (s *Service) AddParticipants(ctx context.Context, roomID int64, userPKs []int64) ([]int64, error) {
	return s.Store.AddParticipants(ctx, roomID, userPKs)
}

// RemoveParticipants removes users from a room, records the removal
// (show_removed), ends their realtime subscriptions to the room, and returns
// those who were in it: the same for both APIs.
func (s *Service) RemoveParticipants(ctx context.Context, r *store.Room, userPKs []int64, now time.Time) ([]int64, error) {
	removed, err := s.Store.RemoveParticipants(ctx, r.ID, userPKs, now)
	if err != nil {
		return nil, err
	}
	if s.Unsubscribe != nil {
		s.Unsubscribe(r, removed)
	}
	return removed, nil
}
