package store

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"strings"
	"time"
)

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anySlice[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// CommentsByUniqueIDs returns every comment (deleted ones too) carrying one of
// these unique ids, oldest first. A unique id is unique per sender and room
// only, so several comments may match.
func (st *Store) CommentsByUniqueIDs(ctx context.Context, uids []string) ([]Comment, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	return queryComments(ctx, st.DB, "WHERE c.unique_temp_id IN ("+placeholders(len(uids))+") ORDER BY c.id", anySlice(uids)...)
}

func (st *Store) CommentByID(ctx context.Context, id int64) (Comment, error) {
	c, err := scanComment(st.DB.QueryRowContext(ctx, commentSelect+"WHERE c.id = ?", id))
	if err != nil {
		return Comment{}, notFound(err, apierr.ErrCommentNotFound, fmt.Sprintf("id %d", id))
	}
	return c, nil
}

// RoomNotice is a sync event recorded for a room, to be published as a
// notification to its participants.
type RoomNotice struct {
	RoomID  int64
	EventID int64
	Payload []byte
}

// DeleteComments marks comments deleted and records one delete_message event
// per room (payloads by room id).
func (st *Store) DeleteComments(ctx context.Context, ids []int64, payloads map[int64][]byte, now time.Time) ([]RoomNotice, error) {
	var out []RoomNotice
	err := st.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE comments SET is_deleted = 1 WHERE id IN ("+placeholders(len(ids))+")",
			anySlice(ids)...); err != nil {
			return fmt.Errorf("delete comments: %w", err)
		}
		for roomID, p := range payloads {
			id, err := addRoomEvent(ctx, tx, roomID, "delete_message", p, now)
			if err != nil {
				return err
			}
			out = append(out, RoomNotice{RoomID: roomID, EventID: id, Payload: p})
		}
		return nil
	})
	return out, err
}

// ClearRooms hides every current comment of the rooms from userPK only, and
// records one clear_room event for that user.
func (st *Store) ClearRooms(ctx context.Context, userPK int64, roomIDs []int64, payload []byte, now time.Time) (int64, error) {
	var eventID int64
	err := st.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range roomIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO room_clears (room_id, user_id, cleared_id)
				SELECT ?, ?, COALESCE(MAX(id), 0) FROM comments WHERE room_id = ?
				ON CONFLICT (room_id, user_id) DO UPDATE SET cleared_id = excluded.cleared_id`, id, userPK, id); err != nil {
				return fmt.Errorf("clear room %d: %w", id, err)
			}
		}
		var err error
		eventID, err = addUserEvent(ctx, tx, userPK, "clear_room", payload, now)
		return err
	})
	return eventID, err
}

// UpdateComment replaces a comment's text, payload and extras.
func (st *Store) UpdateComment(ctx context.Context, c *Comment) error {
	_, err := st.DB.ExecContext(ctx, "UPDATE comments SET message = ?, payload = ?, extras = ? WHERE id = ?",
		c.Message, nullJSON(c.Payload), nullJSON(c.Extras), c.ID)
	if err != nil {
		return fmt.Errorf("update comment %d: %w", c.ID, err)
	}
	return nil
}

// CommentFilter selects comments a viewer can see in the rooms they are in.
type CommentFilter struct {
	ViewerPK  int64
	Query     string   // substring of the message, ASCII case-insensitive
	RoomIDs   []int64  // nil: every room of the viewer
	SenderID  string   // the sender's user id
	Type      string   // comment type
	ChatTypes []string // rooms.chat_type
	BeforeID  int64    // only comments older than this one
	FilesOnly bool     // file_attachment comments and "[file] … [/file]" texts
}

func (f *CommentFilter) where() (string, []any) {
	q := `JOIN participants fp ON fp.room_id = c.room_id AND fp.user_id = ?
		JOIN rooms fr ON fr.id = c.room_id WHERE` + visibleTo
	args := []any{f.ViewerPK, f.ViewerPK, f.ViewerPK}
	if f.Query != "" {
		q += `AND c.message LIKE ? ESCAPE '\' `
		args = append(args, "%"+likeEscaper.Replace(f.Query)+"%")
	}
	if f.RoomIDs != nil {
		q += "AND c.room_id IN (" + placeholders(len(f.RoomIDs)) + ") "
		args = append(args, anySlice(f.RoomIDs)...)
	}
	if f.SenderID != "" {
		q += "AND u.email = ? "
		args = append(args, f.SenderID)
	}
	if f.Type != "" {
		q += "AND c.type = ? "
		args = append(args, f.Type)
	}
	if f.ChatTypes != nil {
		q += "AND fr.chat_type IN (" + placeholders(len(f.ChatTypes)) + ") "
		args = append(args, anySlice(f.ChatTypes)...)
	}
	if f.BeforeID > 0 {
		q += "AND c.id < ? "
		args = append(args, f.BeforeID)
	}
	if f.FilesOnly {
		q += `AND (c.type = 'file_attachment' OR c.message LIKE '%[file]%[/file]%') `
	}
	return q, args
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// SearchComments returns one page of matching comments, newest first, and
// how many match in all. limit < 0 returns them all.
func (st *Store) SearchComments(ctx context.Context, f CommentFilter, offset, limit int) ([]Comment, int, error) {
	where, args := f.where()
	var total int
	if err := st.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM comments c JOIN users u ON u.id = c.user_id "+where,
		args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count comments: %w", err)
	}
	cs, err := queryComments(ctx, st.DB, where+"ORDER BY c.id DESC LIMIT ? OFFSET ?", append(args, limit, offset)...)
	return cs, total, err
}

// HiddenFor lists the users a comment is hidden from (they blocked its sender).
func (st *Store) HiddenFor(ctx context.Context, commentID int64) ([]int64, error) {
	rows, err := st.DB.QueryContext(ctx, "SELECT user_id FROM hidden_comments WHERE comment_id = ?", commentID)
	return scanAll(rows, err, fmt.Sprint("hidden comment ", commentID), scanInt64)
}
