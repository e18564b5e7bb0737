package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"slices"
	"time"
)

// Comment is a row of the comments table joined with its sender.
type Comment struct {
	ID           int64
	RoomID       int64
	BeforeID     int64
	UniqueTempID string
	Message      string
	Type         string
	Payload      []byte // JSON or nil
	Extras       []byte // JSON or nil
	CreatedAt    int64  // unix ns
	IsDeleted    bool
	Sender       User // PK, ID, Username, AvatarURL and Extras are set

	DisableLinkPreview bool
}

const commentSelect = `SELECT c.id, c.room_id, c.comment_before_id, c.unique_temp_id, c.message, c.type,
	c.payload, c.extras, c.created_at, c.is_deleted, u.id, u.email, u.username, u.avatar_url, u.extras,
	c.disable_link_preview
	FROM comments c JOIN users u ON u.id = c.user_id `

func scanComment(row scanner) (Comment, error) {
	var c Comment
	var payload, extras sql.NullString
	var senderExtras string
	err := row.Scan(&c.ID, &c.RoomID, &c.BeforeID, &c.UniqueTempID, &c.Message, &c.Type,
		&payload, &extras, &c.CreatedAt, &c.IsDeleted,
		&c.Sender.PK, &c.Sender.ID, &c.Sender.Username, &c.Sender.AvatarURL, &senderExtras,
		&c.DisableLinkPreview)
	c.Payload, c.Extras, c.Sender.Extras = jsonOrNil(payload), jsonOrNil(extras), []byte(senderExtras)
	return c, err
}

func queryComments(ctx context.Context, q querier, query string, args ...any) ([]Comment, error) {
	rows, err := q.QueryContext(ctx, commentSelect+query, args...)
	return scanAll(rows, err, "query comments", scanComment)
}

// NewComment is what post_comment stores.
type NewComment struct {
	RoomID, SenderPK            int64
	UniqueTempID, Message, Type string
	Payload, Extras             []byte
	CreatedAt                   time.Time
	HiddenFor                   []int64 // recipients who blocked the sender
	// Sender, when set, is the sender's row (PK SenderPK) as the caller
	// read it: a new comment is then made from it and from the insert's
	// RETURNING columns instead of being read back (one query less a post).
	Sender             *User
	DisableLinkPreview bool
	IsDeleted          bool // imports may bring deleted comments
}

// insertCommentSQL inserts a comment after the room's latest one, unless a
// comment of the room, by anyone, already has its unique_temp_id: clients key a
// room's messages by it (receipts, deletes, the pending copy), so it must name
// one message. The ON CONFLICT clause covers databases from before that rule
// (their uniqueness was per sender); the WHERE clause also resolves SQLite's
// INSERT…SELECT…ON CONFLICT parsing ambiguity.
//
// In the prepared statements of the post path, ids are compared with +? rather
// than ?: same value, same plan, but SQLite's planner then does not note
// whether the bound id is 0 or 1 (a truth-probability guess for boolean-like
// columns), which makes it prepare the statement again every time a post for
// room 1 or by user 1 follows another one, or the other way round.
const insertCommentSQL = `INSERT INTO comments
	(room_id, user_id, comment_before_id, unique_temp_id, message, type, payload, extras, created_at,
	disable_link_preview, is_deleted)
	SELECT ?1, ?2, (SELECT COALESCE(MAX(id), 0) FROM comments WHERE room_id = +?1), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
	WHERE NOT EXISTS (SELECT 1 FROM comments WHERE room_id = +?1 AND unique_temp_id = ?3)
	ON CONFLICT (room_id, user_id, unique_temp_id) DO NOTHING
	RETURNING id, comment_before_id`

// commentByTempIDSQL reads back what insertCommentSQL stored or found: the
// sender's own comment first (older databases may also hold someone else's).
const commentByTempIDSQL = commentSelect + `WHERE c.room_id = +? AND c.unique_temp_id = ?
	ORDER BY c.user_id <> +?, c.id LIMIT 1`

// InsertComment stores a comment unless the room already has one with the
// same unique_temp_id. If that one is the sender's, this is a retry: it returns
// the stored comment, and created tells which happened (a retry must not be
// fanned out twice). If it is someone else's, it fails with
// apierr.ErrUniqueTempIDTaken. When the comment is new, onCreated (if not nil) runs
// before insertComment returns, in commit order: comments are passed to it in
// increasing id order. It runs outside any transaction (see writer.go).
func (st *Store) InsertComment(ctx context.Context, in NewComment, onCreated func(*Comment)) (Comment, bool, error) {
	c, created, err := st.writer.insert(&commentWrite{ctx: ctx, in: in, onCreated: onCreated})
	if err == nil && !created && c.Sender.PK != in.SenderPK {
		// Not an error inside the writer: that would roll back a whole batch.
		return Comment{}, false, fmt.Errorf("%w (room %d)", apierr.ErrUniqueTempIDTaken, in.RoomID)
	}
	return c, created, err
}

// insertCommentTx is insertComment's work inside tx.
func (st *Store) insertCommentTx(ctx context.Context, tx *sql.Tx, in NewComment) (c Comment, created bool, err error) {
	// The insert returns a row only when it stored the comment.
	err = tx.StmtContext(ctx, st.stmts.insertComment).QueryRowContext(ctx,
		in.RoomID, in.SenderPK, in.UniqueTempID, in.Message, in.Type,
		nullJSON(in.Payload), nullJSON(in.Extras), in.CreatedAt.UnixNano(), in.DisableLinkPreview, in.IsDeleted,
	).Scan(&c.ID, &c.BeforeID)
	switch {
	case err == nil:
		created = true
	case !errors.Is(err, sql.ErrNoRows):
		return Comment{}, false, fmt.Errorf("insert comment: %w", err)
	}
	if created && in.Sender != nil && in.Sender.PK == in.SenderPK {
		c = Comment{ID: c.ID, BeforeID: c.BeforeID, RoomID: in.RoomID, UniqueTempID: in.UniqueTempID,
			Message: in.Message, Type: in.Type, Payload: storedJSON(in.Payload),
			Extras: storedJSON(in.Extras), CreatedAt: in.CreatedAt.UnixNano(), IsDeleted: in.IsDeleted,
			Sender: User{PK: in.Sender.PK, ID: in.Sender.ID, Username: in.Sender.Username,
				AvatarURL: in.Sender.AvatarURL, Extras: in.Sender.Extras},
			DisableLinkPreview: in.DisableLinkPreview}
	} else {
		c, err = scanComment(tx.StmtContext(ctx, st.stmts.commentByTempID).QueryRowContext(ctx,
			in.RoomID, in.UniqueTempID, in.SenderPK))
		if err != nil {
			return c, created, fmt.Errorf("read back comment: %w", err)
		}
	}
	if !created {
		return c, false, nil // a retry keeps what the first post decided; or someone else's (insertComment)
	}
	for _, pk := range in.HiddenFor {
		if _, err := tx.StmtContext(ctx, st.stmts.hideComment).ExecContext(ctx, c.ID, pk); err != nil {
			return c, created, fmt.Errorf("hide comment: %w", err)
		}
	}
	return c, true, nil
}

// CommentInRoom finds comment id of the room.
func (st *Store) CommentInRoom(ctx context.Context, roomID, id int64) (Comment, error) {
	return commentInRoom(ctx, st.DB, roomID, id)
}

func commentInRoom(ctx context.Context, q querier, roomID, id int64) (Comment, error) {
	c, err := scanComment(q.QueryRowContext(ctx, commentSelect+"WHERE c.room_id = ? AND c.id = ?", roomID, id))
	if err != nil {
		return Comment{}, notFound(err, apierr.ErrCommentNotFound, fmt.Sprintf("id %d in room %d", id, roomID))
	}
	return c, nil
}

// visibleTo is a WHERE fragment (on alias c) keeping the comments viewerPK may
// see: not deleted, not cleared by them, not hidden from them because they had
// blocked the sender. It takes the viewer twice.
const visibleTo = ` c.is_deleted = 0
	AND c.id > COALESCE((SELECT rc.cleared_id FROM room_clears rc WHERE rc.room_id = c.room_id AND rc.user_id = ?), 0)
	AND NOT EXISTS (SELECT 1 FROM hidden_comments h WHERE h.comment_id = c.id AND h.user_id = ?) `

// RoomComments pages through a room newest first, as viewerPK sees it. With a
// cursor, after selects the comments right after it, otherwise the ones right
// before it; without one it gives the latest.
func (st *Store) RoomComments(ctx context.Context, roomID, viewerPK, cursor int64, after bool, limit int) ([]Comment, error) {
	switch {
	case cursor <= 0:
		return queryComments(ctx, st.DB, "WHERE c.room_id = ? AND"+visibleTo+"ORDER BY c.id DESC LIMIT ?",
			roomID, viewerPK, viewerPK, limit)
	case after:
		cs, err := queryComments(ctx, st.DB, "WHERE c.room_id = ? AND c.id > ? AND"+visibleTo+"ORDER BY c.id ASC LIMIT ?",
			roomID, cursor, viewerPK, viewerPK, limit)
		slices.Reverse(cs)
		return cs, err
	default:
		return queryComments(ctx, st.DB, "WHERE c.room_id = ? AND c.id < ? AND"+visibleTo+"ORDER BY c.id DESC LIMIT ?",
			roomID, cursor, viewerPK, viewerPK, limit)
	}
}

// LastComment is the newest comment of the room that viewerPK can see, or nil.
func (st *Store) LastComment(ctx context.Context, roomID, viewerPK int64) (*Comment, error) {
	cs, err := st.RoomComments(ctx, roomID, viewerPK, 0, false, 1)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return &cs[0], nil
}

// CommentsSince returns comments newer than afterID from every room of the
// user, oldest first.
func (st *Store) CommentsSince(ctx context.Context, userPK, afterID int64, limit int) ([]Comment, error) {
	return queryComments(ctx, st.DB, `JOIN participants p ON p.room_id = c.room_id AND p.user_id = ?
		WHERE c.id > ? AND`+visibleTo+`ORDER BY c.id ASC LIMIT ?`, userPK, afterID, userPK, userPK, limit)
}

// CursorUpdate asks to move a participant's cursors; zero leaves one alone. The
// event payloads are recorded only for the cursors that actually move.
type CursorUpdate struct {
	Read, Received           int64
	ReadEvent, ReceivedEvent []byte
}

// CursorResult is the participant's cursors after an update.
type CursorResult struct {
	Read, Received           int64
	ReadMoved, ReceivedMoved bool // the requested cursor moved forward
	Changed                  bool // anything was written
}

// UpdateCursors moves the cursors forward only; reading implies receiving.
func (st *Store) UpdateCursors(ctx context.Context, roomID, userPK int64, up CursorUpdate, now time.Time) (CursorResult, error) {
	var res CursorResult
	err := st.tx(ctx, func(tx *sql.Tx) error {
		var oldRead, oldReceived int64
		err := tx.QueryRowContext(ctx, `SELECT last_comment_read_id, last_comment_received_id
			FROM participants WHERE room_id = ? AND user_id = ?`, roomID, userPK).Scan(&oldRead, &oldReceived)
		if err != nil {
			return notFound(err, apierr.ErrNotParticipant, fmt.Sprintf("room %d", roomID))
		}
		res.Read, res.Received = oldRead, oldReceived
		if up.Read > oldRead {
			res.Read, res.ReadMoved = up.Read, true
		}
		if up.Received > oldReceived {
			res.Received, res.ReceivedMoved = up.Received, true
		}
		res.Received = max(res.Received, res.Read)
		res.Changed = res.Read != oldRead || res.Received != oldReceived
		if !res.Changed {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE participants SET last_comment_read_id = ?,
			last_comment_received_id = ? WHERE room_id = ? AND user_id = ?`,
			res.Read, res.Received, roomID, userPK); err != nil {
			return fmt.Errorf("update cursors: %w", err)
		}
		if res.ReadMoved && up.ReadEvent != nil {
			if _, err := addRoomEvent(ctx, tx, roomID, "read", up.ReadEvent, now); err != nil {
				return err
			}
		}
		if res.ReceivedMoved && up.ReceivedEvent != nil {
			if _, err := addRoomEvent(ctx, tx, roomID, "delivered", up.ReceivedEvent, now); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// addRoomEvent records a sync event that the room's participants will see.
func addRoomEvent(ctx context.Context, q querier, roomID int64, topic string, payload []byte, now time.Time) (int64, error) {
	return addEvent(ctx, q, "room_id", roomID, topic, payload, now)
}

// addUserEvent records a sync event that only this user will see.
func addUserEvent(ctx context.Context, q querier, userPK int64, topic string, payload []byte, now time.Time) (int64, error) {
	return addEvent(ctx, q, "user_id", userPK, topic, payload, now)
}

func addEvent(ctx context.Context, q querier, scope string, id int64, topic string, payload []byte, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO events (`+scope+`, action_topic, payload, created_at)
		VALUES (?, ?, ?, ?)`, id, topic, string(payload), now.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("record %s event: %w", topic, err)
	}
	return res.LastInsertId()
}
