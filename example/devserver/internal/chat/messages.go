package chat

import (
	"context"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// EditComment stores the edited c (its sender checked by the caller) and
// sends it to the room's participants but those hidden from it
// (PublishEdit). It returns the room as the rendering of c needs it.
func (s *Service) EditComment(ctx context.Context, c *store.Comment) (*store.RoomDetail, error) {
	if err := CheckMessage(c.Message, c.Type); err != nil {
		return nil, err
	}
	if err := s.Store.UpdateComment(ctx, c); err != nil {
		return nil, err
	}
	d, err := s.Store.RoomDetail(ctx, c.RoomID)
	if err != nil {
		return nil, err
	}
	hidden, err := s.Store.HiddenFor(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if s.PublishEdit != nil {
		s.PublishEdit(c, d, hidden)
	}
	return d, nil
}

// DeleteComments marks comments deleted, records one delete_message event per
// room (payloads by room id) and sends it to each room's participants
// (PublishRoomEvent).
func (s *Service) DeleteComments(ctx context.Context, ids []int64, payloads map[int64][]byte, now time.Time) error {
	notices, err := s.Store.DeleteComments(ctx, ids, payloads, now)
	if err != nil {
		return err
	}
	for _, n := range notices {
		d, err := s.Store.RoomDetail(ctx, n.RoomID)
		if err != nil {
			return err
		}
		if s.PublishRoomEvent != nil {
			s.PublishRoomEvent(d, &store.Event{ID: n.EventID, ActionTopic: "delete_message", Payload: n.Payload, CreatedAt: now.UnixNano()})
		}
	}
	return nil
}

// ClearRooms hides every current comment of the rooms from u only, records a
// clear_room event and sends it to u's other sessions (PublishUserEvent).
func (s *Service) ClearRooms(ctx context.Context, u *store.User, roomIDs []int64, payload []byte, now time.Time) error {
	id, err := s.Store.ClearRooms(ctx, u.PK, roomIDs, payload, now)
	if err != nil {
		return err
	}
	if s.PublishUserEvent != nil {
		s.PublishUserEvent(u, &store.Event{ID: id, ActionTopic: "clear_room", Payload: payload, CreatedAt: now.UnixNano()})
	}
	return nil
}
