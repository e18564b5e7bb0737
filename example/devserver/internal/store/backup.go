package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
)

// Exports page through a table by id within a creation-time window; imports
// run in one transaction of the comment writer (ImportTx), all or nothing.

// exportTables are the tables an export reads.
var exportTables = map[string]bool{"users": true, "rooms": true, "comments": true}

// CountCreated counts the rows of table created in [from, to) (unix ns) and
// gives the highest id among all of them: an export stops there, so rows
// added while it runs are left out.
func (st *Store) CountCreated(ctx context.Context, table string, from, to int64) (total, maxID int64, err error) {
	if !exportTables[table] {
		return 0, 0, fmt.Errorf("count %q: not an exported table", table)
	}
	err = st.DB.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM "+table+
		" WHERE created_at >= ? AND created_at < ?", from, to).Scan(&total, &maxID)
	if err != nil {
		return 0, 0, fmt.Errorf("count %s: %w", table, err)
	}
	return total, maxID, nil
}

// Page selects the rows after id After up to id Max created in [From, To).
type Page struct {
	After, Max, From, To int64
	Limit                int
}

// StoredUser is a users row as an export writes it: with its password hash
// and creation time.
type StoredUser struct {
	User
	PasswordHash string
	CreatedAt    int64 // unix ns
}

// UsersPage reads one page of users, by id.
func (st *Store) UsersPage(ctx context.Context, p Page) ([]StoredUser, error) {
	rows, err := st.DB.QueryContext(ctx, "SELECT "+userColumns+`, created_at FROM users
		WHERE id > ? AND id <= ? AND created_at >= ? AND created_at < ? ORDER BY id LIMIT ?`,
		p.After, p.Max, p.From, p.To, p.Limit)
	return scanAll(rows, err, "users page", func(r scanner) (StoredUser, error) {
		var u StoredUser
		var extras string
		err := r.Scan(&u.PK, &u.ID, &u.PasswordHash, &u.Username, &u.AvatarURL, &extras,
			&u.Token, &u.RefreshToken, &u.TokenExpiresAt, &u.CreatedAt)
		u.Extras = []byte(extras)
		return u, err
	})
}

// RoomsPage reads one page of rooms, by id.
func (st *Store) RoomsPage(ctx context.Context, p Page) ([]Room, error) {
	rows, err := st.DB.QueryContext(ctx, "SELECT "+roomColumns+` FROM rooms
		WHERE id > ? AND id <= ? AND created_at >= ? AND created_at < ? ORDER BY id LIMIT ?`,
		p.After, p.Max, p.From, p.To, p.Limit)
	return scanAll(rows, err, "rooms page", scanRoom)
}

// CommentsPage reads one page of comments, by id, deleted ones included.
func (st *Store) CommentsPage(ctx context.Context, p Page) ([]Comment, error) {
	return queryComments(ctx, st.DB, `WHERE c.id > ? AND c.id <= ? AND c.created_at >= ? AND c.created_at < ?
		ORDER BY c.id LIMIT ?`, p.After, p.Max, p.From, p.To, p.Limit)
}

// CommentUniqueID is the unique_temp_id of comment id in the room, or "".
func (st *Store) CommentUniqueID(ctx context.Context, roomID, id int64) (string, error) {
	var uid string
	err := st.DB.QueryRowContext(ctx, "SELECT unique_temp_id FROM comments WHERE id = ? AND room_id = ?",
		id, roomID).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return uid, err
}

// ImportTx is the transaction of an import (Store.Import).
type ImportTx struct {
	st  *Store
	tx  *sql.Tx
	ctx context.Context
}

// Import runs fn in one transaction of the comment writer: imported
// comments get ids in commit order with every post, and when fn fails
// nothing of it is stored.
func (st *Store) Import(ctx context.Context, fn func(*ImportTx) error) error {
	return st.WriteTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return fn(&ImportTx{st: st, tx: tx, ctx: ctx})
	})
}

// UserByID finds a user, imported earlier in the transaction or not.
func (t *ImportTx) UserByID(id string) (User, error) { return userBy(t.ctx, t.tx, "email", id) }

// TokenTaken reports whether a user already has this token.
func (t *ImportTx) TokenTaken(token string) (bool, error) {
	_, err := userBy(t.ctx, t.tx, "token", token)
	if errors.Is(err, apierr.ErrUserNotFound) {
		return false, nil
	}
	return err == nil, err
}

// NewUser is a user to import. Password is stored hashed; PasswordHash (a
// hash this server wrote) is stored as it is; with neither the user gets a
// random password. Token "" gets a fresh one.
type NewUser struct {
	ID, Username, AvatarURL string
	Extras                  []byte
	Password, PasswordHash  string
	Token                   string
	CreatedAt               time.Time
}

// ValidPasswordHash reports whether h has the form of a hash this server writes.
func ValidPasswordHash(h string) bool {
	parts := strings.Split(h, ":")
	return len(parts) == 3 && parts[0] == "sha256"
}

// InsertUser stores a new user with a token pair issued now, valid for ttl
// (0 = forever).
func (t *ImportTx) InsertUser(in NewUser, now time.Time, ttl time.Duration) error {
	u := User{ID: in.ID, Username: in.Username, AvatarURL: in.AvatarURL, Extras: in.Extras}
	issueToken(&u, now, ttl)
	if in.Token != "" {
		u.Token = in.Token
	}
	hash := in.PasswordHash
	switch {
	case in.Password != "":
		hash = hashPassword(in.Password)
	case hash == "":
		hash = hashPassword(rand.Text())
	}
	return insertUser(t.ctx, t.tx, &u, hash, in.CreatedAt)
}

// RoomByUniqueID finds a room, imported earlier in the transaction or not.
func (t *ImportTx) RoomByUniqueID(uid string) (Room, error) {
	r, err := scanRoom(t.tx.QueryRowContext(t.ctx, "SELECT "+roomColumns+" FROM rooms WHERE unique_id = ?", uid))
	if err != nil {
		return Room{}, notFound(err, apierr.ErrRoomNotFound, fmt.Sprintf("unique id %q", uid))
	}
	return r, nil
}

// CreateRoom stores a room with its creator and participants.
func (t *ImportTx) CreateRoom(r NewRoom) (int64, error) { return insertRoom(t.ctx, t.tx, r) }

// InsertComment stores a comment after the room's latest one.
func (t *ImportTx) InsertComment(in NewComment) (Comment, error) {
	c, _, err := t.st.insertCommentTx(t.ctx, t.tx, in)
	return c, err
}

// CommentByUniqueID finds the first comment with this unique id, in roomID
// (0: in any room).
func (t *ImportTx) CommentByUniqueID(uid string, roomID int64) (Comment, error) {
	q, args := "WHERE c.unique_temp_id = ?", []any{uid}
	if roomID != 0 {
		q, args = q+" AND c.room_id = ?", append(args, roomID)
	}
	c, err := scanComment(t.tx.QueryRowContext(t.ctx, commentSelect+q+" ORDER BY c.id LIMIT 1", args...))
	if err != nil {
		return Comment{}, notFound(err, apierr.ErrCommentNotFound, fmt.Sprintf("unique id %q", uid))
	}
	return c, nil
}

// CommentInRoom finds comment id of the room.
func (t *ImportTx) CommentInRoom(roomID, id int64) (Comment, error) {
	return commentInRoom(t.ctx, t.tx, roomID, id)
}
