package store

// The schema and its migrations.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"strings"
	"time"
)

// schema is the chat: users, rooms, participants, comments and what hangs off them.
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

// recordsSchema holds the tables of what the server API records: room
// creators, exports, imports and webhook deliveries. Open creates them after
// schema, in migrate.
const recordsSchema = `
CREATE TABLE IF NOT EXISTS restapi_room_creators (
	room_id INTEGER PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS restapi_exports (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	unique_id         TEXT    NOT NULL UNIQUE,
	resource_name     TEXT    NOT NULL,
	start_date        TEXT    NOT NULL DEFAULT '',
	end_date          TEXT    NOT NULL DEFAULT '',
	status            TEXT    NOT NULL,
	percentage        INTEGER NOT NULL DEFAULT 0,
	total_rows        INTEGER NOT NULL DEFAULT 0,
	size              INTEGER NOT NULL DEFAULT 0,
	error_message     TEXT    NOT NULL DEFAULT '',
	original_filename TEXT    NOT NULL,
	content           BLOB,             -- the JSON file once finished
	created_at        INTEGER NOT NULL  -- unix ns
);
CREATE TABLE IF NOT EXISTS restapi_imports (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	unique_id         TEXT    NOT NULL UNIQUE,
	resource_name     TEXT    NOT NULL,
	original_filename TEXT    NOT NULL,
	size              INTEGER NOT NULL,
	status            TEXT    NOT NULL,
	total_rows        INTEGER NOT NULL DEFAULT 0,
	errors            TEXT    NOT NULL DEFAULT '{}', -- JSON {Message, Data}
	created_at        INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	delivery_id TEXT    NOT NULL, -- one event; its attempts share it
	event_type  TEXT    NOT NULL, -- post_comment_mobile or post_comment_rest
	comment_id  INTEGER NOT NULL,
	url         TEXT    NOT NULL,
	attempt     INTEGER NOT NULL, -- 1-based
	status_code INTEGER NOT NULL DEFAULT 0, -- 0 when no HTTP response
	error       TEXT    NOT NULL DEFAULT '',
	success     INTEGER NOT NULL DEFAULT 0,
	duration_ms INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_delivery ON webhook_deliveries(delivery_id, attempt);
`

// migrate brings a database written by an older devserver up to schema:
// the record tables, the columns added since, and one device-token table.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, recordsSchema); err != nil {
		return err
	}
	if err := addColumnIfMissing(ctx, db, "comments", "disable_link_preview", "INTEGER NOT NULL DEFAULT 0"); err != nil {
		return err
	}
	return mergeDeviceTokens(ctx, db)
}

// mergeDeviceTokens moves the tokens of restapi_device_tokens, the server
// API's own table in databases from before there was one table for both APIs,
// into device_tokens and drops it. A token both tables held keeps the SDK
// API's row (it knows is_development).
func mergeDeviceTokens(ctx context.Context, db *sql.DB) error {
	var n int
	if err := db.QueryRowContext(ctx,
		"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'restapi_device_tokens'").Scan(&n); err != nil {
		return fmt.Errorf("inspect device tokens: %w", err)
	}
	if n == 0 {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("merge device tokens: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO device_tokens (user_id, token, platform, is_development, created_at)
		SELECT user_id, token, platform, 0, created_at FROM restapi_device_tokens WHERE true
		ON CONFLICT (user_id, token) DO NOTHING`); err != nil {
		return fmt.Errorf("merge device tokens: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DROP TABLE restapi_device_tokens"); err != nil {
		return fmt.Errorf("merge device tokens: %w", err)
	}
	return tx.Commit()
}

func addColumnIfMissing(ctx context.Context, db *sql.DB, table, column, decl string) error {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?",
		table, column).Scan(&n); err != nil {
		return fmt.Errorf("inspect %s: %w", table, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := db.ExecContext(ctx, "ALTER TABLE "+table+" ADD COLUMN "+column+" "+decl); err != nil {
		return fmt.Errorf("add %s.%s: %w", table, column, err)
	}
	return nil
}

// NewUUID returns a random (version 4) UUID, the form Qiscus uses for backup ids.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// NewUniqueTempID is a server-generated comment unique id.
func NewUniqueTempID() string { return "devserver-" + strings.ToLower(rand.Text()) }

const systemUsername = "System"

// EnsureSystemUser returns the system user, creating it on first use.
func (st *Store) EnsureSystemUser(ctx context.Context, id string, now time.Time) (User, error) {
	var u User
	err := st.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = userBy(ctx, tx, "email", id); !errors.Is(err, apierr.ErrUserNotFound) {
			return err
		}
		u, err = createUser(ctx, tx, id, Profile{Username: systemUsername}, hashPassword(rand.Text()), now, 0)
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("system user: %w", err)
	}
	return u, nil
}
