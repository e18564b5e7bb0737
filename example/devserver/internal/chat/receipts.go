package chat

import (
	"context"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// Receipt kinds, as the realtime topics name them.
const (
	Delivered = "d"
	Read      = "r"
)

// Receipts moves the user's read and delivered cursors in a room forward to
// comments readID and receivedID (0 = leave that cursor), records each move
// as a sync event and publishes it (PublishReceipt), after the commit. Both
// comments must be in the room; reading implies receiving.
func (s *Service) Receipts(ctx context.Context, u *store.User, roomID, readID, receivedID int64, now time.Time) (store.CursorResult, error) {
	var up store.CursorUpdate
	var read, received store.Comment
	var err error
	if readID > 0 {
		if read, err = s.Store.CommentInRoom(ctx, roomID, readID); err != nil {
			return store.CursorResult{}, err
		}
		up.Read, up.ReadEvent = read.ID, s.receiptEvent(u, &read)
	}
	if receivedID > 0 {
		if received, err = s.Store.CommentInRoom(ctx, roomID, receivedID); err != nil {
			return store.CursorResult{}, err
		}
		up.Received, up.ReceivedEvent = received.ID, s.receiptEvent(u, &received)
	}
	res, err := s.Store.UpdateCursors(ctx, roomID, u.PK, up, now)
	if err != nil {
		return store.CursorResult{}, err
	}
	if res.ReadMoved && s.PublishReceipt != nil {
		s.PublishReceipt(roomID, u, Read, &read)
	}
	if res.ReceivedMoved && s.PublishReceipt != nil {
		s.PublishReceipt(roomID, u, Delivered, &received)
	}
	return res, nil
}

func (s *Service) receiptEvent(u *store.User, c *store.Comment) []byte {
	if s.ReceiptEvent == nil {
		return nil
	}
	return s.ReceiptEvent(u, c)
}
