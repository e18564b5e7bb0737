package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// storeCache keeps what every post_comment reads, so that the hot path skips
// two queries: the caller's user by token (authenticate) and the room with its
// participants (CachedRoom).
//
// Invalidation: every connection of the pool has SQLite's pre-update hook
// (hookedConnector), which sees every row that any statement inserts, updates
// or deletes, foreign-key cascades included, before the change is made.
// Changes to users, rooms and participants drop the entries they affect (the
// whole cache for an updated or deleted user; the room for a room or a
// membership change). Moving a participant's read cursors drops nothing:
// cached rooms carry no cursors (see CachedRoom).
//
// Filling: entries are only added by the comment writer, inside a write
// transaction (fill). SQLite lets one connection write at a time and the hook
// only fires inside a write, so a fill and an invalidation never overlap: a
// fill reads the latest committed state with no write in progress, and any
// later change drops what it stored. Readers that miss read the database as
// before and ask for a fill (want*).
//
// The cache sees every change made through this process (REST, server API,
// imports, tests using Store.DB); another process writing the same database
// file while the server runs is not supported.
type storeCache struct {
	mu     sync.Mutex
	rooms  map[int64]*RoomDetail // cursor-free, never modified once stored
	tokens map[string]User

	wantRooms  map[int64]bool  // fills asked for
	wantTokens map[string]bool //
	wake       chan struct{}   // signals the writer that fills are wanted
}

// maxCacheEntries bounds each map; a full map is emptied before it grows.
const maxCacheEntries = 4096

func newStoreCache() *storeCache {
	return &storeCache{
		rooms: map[int64]*RoomDetail{}, tokens: map[string]User{},
		wantRooms: map[int64]bool{}, wantTokens: map[string]bool{},
		wake: make(chan struct{}, 1),
	}
}

func (c *storeCache) user(token string) (User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.tokens[token]
	return u, ok
}

func (c *storeCache) room(id int64) *RoomDetail {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rooms[id]
}

func (c *storeCache) wantToken(token string) {
	c.mu.Lock()
	if len(c.wantTokens) < maxCacheEntries {
		c.wantTokens[token] = true
	}
	c.mu.Unlock()
	c.signal()
}

func (c *storeCache) wantRoom(id int64) {
	c.mu.Lock()
	if len(c.wantRooms) < maxCacheEntries {
		c.wantRooms[id] = true
	}
	c.mu.Unlock()
	c.signal()
}

func (c *storeCache) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// wanted takes the pending fill requests.
func (c *storeCache) wanted() (rooms []int64, tokens []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range c.wantRooms {
		rooms = append(rooms, id)
	}
	for t := range c.wantTokens {
		tokens = append(tokens, t)
	}
	clear(c.wantRooms)
	clear(c.wantTokens)
	return rooms, tokens
}

// fill reads the wanted entries in a write transaction and stores them before
// it ends (see storeCache). It runs on the comment writer's goroutine.
func (st *Store) fill(ctx context.Context) {
	rooms, tokens := st.cache.wanted()
	if len(rooms) == 0 && len(tokens) == 0 {
		return
	}
	// Any failure only leaves entries out: the next miss asks again.
	// For a file, BeginTx is BEGIN IMMEDIATE (_txlock): the write lock is held
	// from the start. The one connection of ":memory:" is exclusive anyway.
	_ = st.tx(ctx, func(tx *sql.Tx) error {
		details := make(map[int64]*RoomDetail, len(rooms))
		for _, id := range rooms {
			if d, err := roomDetailFrom(ctx, tx.StmtContext(ctx, st.stmts.roomDetail), id); err == nil {
				details[id] = withoutCursors(d)
			}
		}
		users := make(map[string]User, len(tokens))
		for _, t := range tokens {
			if u, err := userFrom(tx.StmtContext(ctx, st.stmts.userByToken).QueryRowContext(ctx, t), t); err == nil {
				users[t] = u
			}
		}
		c := st.cache
		c.mu.Lock()
		defer c.mu.Unlock()
		if len(c.rooms)+len(details) > maxCacheEntries {
			clear(c.rooms)
		}
		if len(c.tokens)+len(users) > maxCacheEntries {
			clear(c.tokens)
		}
		for id, d := range details {
			c.rooms[id] = d
		}
		for t, u := range users {
			c.tokens[t] = u
		}
		return nil
	})
}

// withoutCursors is d with every participant's cursors at 0.
func withoutCursors(d *RoomDetail) *RoomDetail {
	out := &RoomDetail{Room: d.Room, Participants: make([]Participant, len(d.Participants))}
	copy(out.Participants, d.Participants)
	for i := range out.Participants {
		out.Participants[i].LastReadID, out.Participants[i].LastReceivedID = 0, 0
	}
	return out
}

// changed is the pre-update hook of every connection: it drops what a row
// change makes stale.
func (c *storeCache) changed(d sqlite.SQLitePreUpdateData) {
	if d.DatabaseName != "main" {
		return
	}
	switch d.TableName {
	case "users":
		if d.Op == sqlite3.SQLITE_INSERT {
			return // nobody's room or token yet
		}
		c.mu.Lock()
		clear(c.rooms) // participants carry profiles and tokens
		clear(c.tokens)
		c.mu.Unlock()
	case "rooms":
		c.mu.Lock()
		delete(c.rooms, d.OldRowID)
		delete(c.rooms, d.NewRowID)
		c.mu.Unlock()
	case "participants":
		oldRoom, oldUser, okOld := participantKey(&d, d.Op != sqlite3.SQLITE_INSERT, false)
		newRoom, newUser, okNew := participantKey(&d, d.Op != sqlite3.SQLITE_DELETE, true)
		if d.Op == sqlite3.SQLITE_UPDATE && okOld && okNew && oldRoom == newRoom && oldUser == newUser {
			return // cursors moved
		}
		c.mu.Lock()
		if !okOld || !okNew {
			clear(c.rooms) // cannot tell which room
		}
		delete(c.rooms, oldRoom)
		delete(c.rooms, newRoom)
		c.mu.Unlock()
	}
}

// participantKey reads (room_id, user_id) of the old or new participants row;
// ok is true when there is no such row (has is false) or it was read.
func participantKey(d *sqlite.SQLitePreUpdateData, has, new bool) (room, user int64, ok bool) {
	if !has {
		return 0, 0, true
	}
	vals := make([]any, 2)
	var err error
	if new {
		err = d.New(vals...)
	} else {
		err = d.Old(vals...)
	}
	room, ok1 := vals[0].(int64)
	user, ok2 := vals[1].(int64)
	return room, user, err == nil && ok1 && ok2
}

// hookedConnector installs storeCache.changed on every connection it opens.
type hookedConnector struct {
	driver.Connector
	hook sqlite.PreUpdateHookFn
}

func (c hookedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	hr, ok := conn.(sqlite.HookRegisterer)
	if !ok {
		_ = conn.Close()
		return nil, errors.New("sqlite connection has no pre-update hook")
	}
	hr.RegisterPreUpdateHook(c.hook)
	return conn, nil
}

func openHookedDB(dsn string, hook sqlite.PreUpdateHookFn) (*sql.DB, error) {
	base, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite connector: %w", err)
	}
	return sql.OpenDB(hookedConnector{Connector: base, hook: hook}), nil
}

// Cached reports whether the post path's cache holds the room and every
// token's user (tests wait for it).
func (st *Store) Cached(roomID int64, tokens ...string) bool {
	ok := st.cache.room(roomID) != nil
	for _, tok := range tokens {
		_, found := st.cache.user(tok)
		ok = ok && found
	}
	return ok
}

// CachedRoom is the room of a new comment: RoomDetail, from the cache when it
// can, without cursors. A new comment needs none: they point at older
// comments, so its status is "sent" whatever they are.
func (st *Store) CachedRoom(ctx context.Context, id int64) (*RoomDetail, error) {
	if d := st.cache.room(id); d != nil {
		return d, nil
	}
	d, err := st.RoomDetail(ctx, id)
	if err != nil {
		return nil, err
	}
	st.cache.wantRoom(id)
	return withoutCursors(d), nil
}
