package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is the SQLite persistence layer. Methods return errors wrapping the
// sentinels in errors.go; they never publish to the broker, so no transaction is
// ever held while MQTT work happens.
type Store struct {
	DB     *sql.DB
	stmts  storeStmts
	writer *commentWriter // writer.go: every comment insert goes through it
	cache  *storeCache    // cache.go
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
		//
		// Durability: in WAL mode a commit writes its frames to the WAL file
		// before COMMIT returns, so a comment whose post was answered is in
		// the OS's hands and survives the process being killed
		// (TestSIGKILLLosesNoAcknowledgedPost). synchronous(NORMAL) adds no
		// fsync per commit; it fsyncs at checkpoints and when the WAL
		// restarts, which keeps the file consistent through a power loss (the
		// last commits may be lost then). OFF would skip those fsyncs too
		// and could leave a corrupt file after a power loss; FULL would add
		// an fsync to every commit. NORMAL it is.
		//
		// Those fsyncs happen inside whichever commit crosses the checkpoint
		// threshold, i.e. in the comment writer, and stall every post queued
		// behind it (one fsync took 6 ms on the bench machine; a checkpoint
		// and the restart that follows take three). With SQLite's default of
		// 1,000 pages the bench's server phase hit one several times a second
		// and the writer waited in them for about a sixth of the phase
		// (bench/notes/server.md); at 10,000 pages (a WAL of up to 40 MB)
		// they are a tenth as frequent. journal_size_limit truncates a WAL
		// that a large transaction (an import) grew beyond 64 MB.
		dsn = path + "?" + pragmas + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
			"&_pragma=wal_autocheckpoint(10000)&_pragma=journal_size_limit(67108864)&_txlock=immediate"
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
	if err := migrate(ctx, db); err != nil { // schema.go
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

// storedJSON is what reading back nullJSON(b) gives: nil for empty, else a copy.
func storedJSON(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return slices.Clone(b)
}

func nullJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}
