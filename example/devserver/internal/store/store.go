package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is the SQLite persistence layer. Methods return errors wrapping the
// sentinels in errors.go; they never publish to the broker, so no transaction is
// ever held while MQTT work happens.
type Store struct {
	DB     *sql.DB
	stmts  storeStmts
	writer *commentWriter // store_writer.go: every comment insert goes through it
	cache  *storeCache    // store_cache.go
}

// storeStmts are the prepared statements of the post_comment path, which runs
// them for every post: preparing once saves SQLite parsing and planning them
// each time. database/sql prepares each again on every connection it runs on,
// once.
type storeStmts struct {
	insertComment   *sql.Stmt
	commentByTempID *sql.Stmt
	hideComment     *sql.Stmt
	userByToken     *sql.Stmt
	roomDetail      *sql.Stmt
	blockedBy       *sql.Stmt // blockersAmong for one recipient, as in every single room
}

func (st *Store) prepare(ctx context.Context) error {
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&st.stmts.insertComment, insertCommentSQL},
		{&st.stmts.commentByTempID, commentByTempIDSQL},
		{&st.stmts.hideComment, "INSERT INTO hidden_comments (comment_id, user_id) VALUES (?, ?)"},
		{&st.stmts.userByToken, userByColumnSQL("token")},
		{&st.stmts.roomDetail, roomDetailSQL},
		{&st.stmts.blockedBy, blockersAmongSQL(1)},
	} {
		stmt, err := st.DB.PrepareContext(ctx, p.query)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", p.query, err)
		}
		*p.stmt = stmt
	}
	return nil
}

const schema = `
CREATE TABLE IF NOT EXISTS users (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	email            TEXT    NOT NULL UNIQUE, -- the Qiscus user id
	password         TEXT    NOT NULL,        -- salted hash
	username         TEXT    NOT NULL,
	avatar_url       TEXT    NOT NULL DEFAULT '',
	extras           TEXT    NOT NULL DEFAULT '{}',
	token            TEXT    NOT NULL UNIQUE,
	refresh_token    TEXT    NOT NULL DEFAULT '',
	token_expires_at INTEGER NOT NULL DEFAULT 0, -- unix ns, 0 = never
	created_at       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rooms (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	unique_id         TEXT    NOT NULL UNIQUE,
	name              TEXT    NOT NULL DEFAULT '',
	avatar_url        TEXT    NOT NULL DEFAULT '',
	options           TEXT    NOT NULL DEFAULT '',
	chat_type         TEXT    NOT NULL CHECK (chat_type IN ('single', 'group', 'channel')),
	is_public_channel INTEGER NOT NULL DEFAULT 0,
	created_at        INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS participants (
	room_id                  INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	user_id                  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	last_comment_read_id     INTEGER NOT NULL DEFAULT 0,
	last_comment_received_id INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (room_id, user_id)
);
CREATE INDEX IF NOT EXISTS participants_by_user ON participants(user_id);
CREATE TABLE IF NOT EXISTS comments (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	room_id           INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	user_id           INTEGER NOT NULL REFERENCES users(id),
	comment_before_id INTEGER NOT NULL DEFAULT 0,
	unique_temp_id    TEXT    NOT NULL,
	message           TEXT    NOT NULL,
	type              TEXT    NOT NULL,
	payload           TEXT, -- JSON
	extras            TEXT, -- JSON
	created_at        INTEGER NOT NULL, -- unix ns
	is_deleted        INTEGER NOT NULL DEFAULT 0,
	UNIQUE (room_id, user_id, unique_temp_id)
);
CREATE INDEX IF NOT EXISTS comments_by_room ON comments(room_id, id);
-- A unique_temp_id names one comment of a room, whoever sent it (insertCommentSQL).
-- Not a UNIQUE index: databases from before this rule may hold duplicates.
CREATE INDEX IF NOT EXISTS comments_by_temp_id ON comments(room_id, unique_temp_id);
CREATE TABLE IF NOT EXISTS events (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	room_id      INTEGER, -- set: visible to the room's participants
	user_id      INTEGER, -- set: visible to this user only
	action_topic TEXT    NOT NULL,
	payload      TEXT    NOT NULL, -- JSON {actor, data}
	created_at   INTEGER NOT NULL  -- unix ns
);
CREATE INDEX IF NOT EXISTS events_by_room ON events(room_id, id);
CREATE INDEX IF NOT EXISTS events_by_user ON events(user_id, id);
CREATE TABLE IF NOT EXISTS nonces (
	nonce      TEXT    PRIMARY KEY,
	expires_at INTEGER NOT NULL, -- unix ns
	used_at    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS blocks (
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, -- the blocker
	blocked_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, blocked_id)
);
-- Comments a recipient never gets: posted by someone they had blocked.
CREATE TABLE IF NOT EXISTS hidden_comments (
	comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (comment_id, user_id)
);
-- clear_room_messages only affects the caller: comments up to cleared_id are
-- hidden from them.
CREATE TABLE IF NOT EXISTS room_clears (
	room_id    INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	cleared_id INTEGER NOT NULL,
	PRIMARY KEY (room_id, user_id)
);
CREATE TABLE IF NOT EXISTS removed_participants (
	room_id    INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	removed_at INTEGER NOT NULL,
	PRIMARY KEY (room_id, user_id)
);
CREATE TABLE IF NOT EXISTS device_tokens (
	user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token          TEXT    NOT NULL,
	platform       TEXT    NOT NULL,
	is_development INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL,
	PRIMARY KEY (user_id, token)
);
`

// openStore opens (creating if needed) the database at path, or an in-memory one
// for ":memory:", and applies the schema.
func Open(ctx context.Context, path string) (*Store, error) {
	const pragmas = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	memory := path == ":memory:"
	var dsn string
	if memory {
		dsn = ":memory:?" + pragmas
	} else {
		if strings.Contains(path, "?") {
			return nil, fmt.Errorf("open store: database path %q must not contain '?'", path)
		}
		// Immediate transactions take the write lock up front, so two writers
		// wait on busy_timeout instead of failing a read-to-write upgrade.
		dsn = path + "?" + pragmas + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	}
	cache := newStoreCache()
	db, err := openHookedDB(dsn, cache.changed)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if memory {
		// Every connection to ":memory:" is a separate database: keep exactly one.
		db.SetMaxOpenConns(1)
	} else {
		// Keep every connection open: with database/sql's default of 2 idle
		// connections, concurrent requests kept opening (and closing) new ones,
		// each with its pragmas and its own prepared statements to build.
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	}
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema in %s: %w", path, err)
	}
	if err := migrateRESTAPI(ctx, db); err != nil { // store_restapi.go
		db.Close()
		return nil, fmt.Errorf("server API schema in %s: %w", path, err)
	}
	st := &Store{DB: db, cache: cache}
	if err := st.prepare(ctx); err != nil {
		st.closeStmts()
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	st.writer = newCommentWriter(st)
	return st, nil
}

// Close stops the comment writer (after the batch it holds) and closes the database.
func (st *Store) Close() error {
	st.writer.close()
	st.closeStmts()
	return st.DB.Close()
}

func (st *Store) closeStmts() {
	for _, stmt := range []*sql.Stmt{st.stmts.insertComment, st.stmts.commentByTempID, st.stmts.hideComment,
		st.stmts.userByToken, st.stmts.roomDetail, st.stmts.blockedBy} {
		if stmt != nil {
			_ = stmt.Close()
		}
	}
}

// tx runs fn in a transaction, committing when it returns nil.
func (st *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := st.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// notFound turns sql.ErrNoRows into the given sentinel, with context.
func notFound(err error, sentinel error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s", sentinel, what)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// jsonOrNil turns an empty JSON column into nil.
func jsonOrNil(s sql.NullString) []byte {
	if !s.Valid || s.String == "" {
		return nil
	}
	return []byte(s.String)
}

func nullJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}
