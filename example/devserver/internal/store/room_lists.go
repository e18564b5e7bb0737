package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// RoomCreator is the id (email) of the user who created the room through the
// server API or an import, or "" when unknown.
func (st *Store) RoomCreator(ctx context.Context, roomID int64) (string, error) {
	var id string
	err := st.DB.QueryRowContext(ctx, `SELECT u.email FROM restapi_room_creators c JOIN users u ON u.id = c.user_id
		WHERE c.room_id = ?`, roomID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("creator of room %d: %w", roomID, err)
	}
	return id, nil
}

// UserRoomsByActivity pages the rooms of a user, most recently active first.
// roomType is "", "single" or "group" (channels count as groups).
func (st *Store) UserRoomsByActivity(ctx context.Context, userPK int64, roomType string, limit, offset int) (ids []int64, total int, err error) {
	filter := ""
	switch roomType {
	case "single":
		filter = " AND r.chat_type = 'single'"
	case "group":
		filter = " AND r.chat_type IN ('group', 'channel')"
	}
	from := ` FROM rooms r JOIN participants p ON p.room_id = r.id AND p.user_id = ? WHERE 1 = 1` + filter
	if err := st.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+from, userPK).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count rooms of user %d: %w", userPK, err)
	}
	rows, err := st.DB.QueryContext(ctx, "SELECT r.id"+from+`
		ORDER BY COALESCE((SELECT MAX(c.id) FROM comments c WHERE c.room_id = r.id), 0) DESC, r.id DESC
		LIMIT ? OFFSET ?`, userPK, limit, offset)
	ids, err = scanAll(rows, err, fmt.Sprint("rooms of user ", userPK), scanInt64)
	return ids, total, err
}
