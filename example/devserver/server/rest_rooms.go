package server

import (
	"context"
	"fmt"
	"slices"
)

// roomCommentsPage is how many comments come with a room.
const roomCommentsPage = 20

// handleGetOrCreateRoomWithTarget is POST get_or_create_room_with_target (form:
// emails as one value or an array, options as a JSON string). The same pair
// always gets the same single room.
func (s *Server) handleGetOrCreateRoomWithTarget(c *call) (any, error) {
	emails := c.p.Strings("emails")
	if len(emails) == 0 {
		return nil, badRequest("emails is required (the target user id)")
	}
	// v3 and the server API send both members; the caller is implied.
	targets := slices.DeleteFunc(slices.Clone(emails), func(e string) bool { return e == c.user.ID })
	switch len(targets) {
	case 0:
		return nil, badRequest("cannot open a single room with yourself")
	case 1:
	default:
		return nil, badRequest("emails must name exactly one target user, got %d", len(targets))
	}
	options, err := c.p.JSON("options")
	if err != nil {
		return nil, err
	}
	target, err := s.store.userByID(c.ctx, targets[0])
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	id, err := s.store.getOrCreateSingleRoom(c.ctx, &c.user, &target, string(options), c.now)
	if err != nil {
		return nil, err
	}
	return s.roomWithComments(c.ctx, id, c.user.PK)
}

// handleGetRoomByID is GET get_room_by_id?id=.
func (s *Server) handleGetRoomByID(c *call) (any, error) {
	id, err := c.p.requireInt64("id")
	if err != nil {
		return nil, err
	}
	return s.roomWithComments(c.ctx, id, c.user.PK)
}

// roomWithComments is {room, comments} (comments newest first) as viewerPK sees them.
func (s *Server) roomWithComments(ctx context.Context, roomID, viewerPK int64) (any, error) {
	d, err := s.readableRoom(ctx, roomID, viewerPK)
	if err != nil {
		return nil, err
	}
	cs, err := s.store.roomComments(ctx, roomID, 0, false, roomCommentsPage)
	if err != nil {
		return nil, err
	}
	var last *comment
	if len(cs) > 0 {
		last = &cs[0]
	}
	var readID int64
	if p := d.participant(viewerPK); p != nil {
		readID = p.LastReadID
	}
	unread, err := s.store.unreadCount(ctx, roomID, viewerPK, readID)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"room":     roomJSONFor(d, viewerPK, last, unread),
		"comments": commentsJSONFor(cs, d, viewerPK),
	}, nil
}

// readableRoom loads a room the user may read: a participant, or anyone for a
// public channel.
func (s *Server) readableRoom(ctx context.Context, roomID, userPK int64) (*roomDetail, error) {
	d, err := s.store.roomDetail(ctx, roomID)
	if err != nil {
		return nil, err
	}
	if !d.canRead(userPK) {
		return nil, fmt.Errorf("%w (room %d)", ErrNotParticipant, roomID)
	}
	return d, nil
}

// memberRoom loads a room the user belongs to.
func (s *Server) memberRoom(ctx context.Context, roomID, userPK int64) (*roomDetail, error) {
	d, err := s.store.roomDetail(ctx, roomID)
	if err != nil {
		return nil, err
	}
	if d.participant(userPK) == nil {
		return nil, fmt.Errorf("%w (room %d)", ErrNotParticipant, roomID)
	}
	return d, nil
}
