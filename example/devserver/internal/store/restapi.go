package store

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

// Tables of the server API (/api/v2/rest/). They live beside the SDK tables and
// are created by migrateRESTAPI, which openStore runs after the main schema.
const restAPISchema = `
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

// migrateRESTAPI creates the server API tables and adds the columns it needs to
// the SDK tables of databases created before them.
func migrateRESTAPI(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, restAPISchema); err != nil {
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

// newUUID returns a random (version 4) UUID, the form Qiscus uses for backup ids.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newUniqueTempID is a server-generated comment unique id.
func NewUniqueTempID() string { return "devserver-" + strings.ToLower(rand.Text()) }

const systemUsername = "System"

// ensureSystemUser returns the system user, creating it on first use.
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
