package store

import "context"

// Queries of the server API, which sees a room as the server does: every
// comment, whoever cleared or blocked what.

// RoomCommentsPage pages through every comment of the room, deleted ones
// included, newest first.
func (st *Store) RoomCommentsPage(ctx context.Context, roomID int64, limit, offset int) ([]Comment, error) {
	return queryComments(ctx, st.DB, "WHERE c.room_id = ? ORDER BY c.id DESC LIMIT ? OFFSET ?", roomID, limit, offset)
}

// SearchMemberComments returns the newest comments (at most limit) that
// contain query, case-insensitively, and are not deleted, in the rooms of
// userPK, or in roomID alone when it is not 0.
func (st *Store) SearchMemberComments(ctx context.Context, userPK int64, query string, roomID int64, limit int) ([]Comment, error) {
	where, args := "", []any{userPK, "%" + likeEscaper.Replace(query) + "%"}
	if roomID != 0 {
		where, args = " AND c.room_id = ?", append(args, roomID)
	}
	return queryComments(ctx, st.DB, `JOIN participants p ON p.room_id = c.room_id AND p.user_id = ?
		WHERE c.is_deleted = 0 AND c.message LIKE ? ESCAPE '\'`+where+` ORDER BY c.id DESC LIMIT ?`,
		append(args, limit)...)
}
