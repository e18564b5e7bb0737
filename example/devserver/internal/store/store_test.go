package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// openWithRoom opens a store on a fresh file, registers alice (with
// profile) and creates her group room; the caller closes the store.
func openWithRoom(t *testing.T, now time.Time, profile Profile) (st *Store, alice User, room int64) {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	if alice, err = st.LoginOrRegister(ctx, LoginInput{ID: "alice", Password: "pw", Profile: profile}, now, 0); err == nil {
		room, err = st.CreateGroupRoom(ctx, NewRoom{Name: "G", CreatorPK: alice.PK, CreatedAt: now})
	}
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	return st, alice, room
}

// Every pooled connection of a file store runs with the journal settings
// Open documents (durability through SIGKILL, rare checkpoint stalls).
func TestFileStorePragmas(t *testing.T) {
	ctx := context.Background()
	st, _, _ := openWithRoom(t, time.Now(), Profile{})
	defer st.Close()
	conns := make([]interface{ Close() error }, 0, 3)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range 3 { // distinct connections: all held at once
		c, err := st.DB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		for _, p := range []struct {
			pragma, want string
		}{
			{"journal_mode", "wal"},
			{"synchronous", "1"}, // NORMAL
			{"wal_autocheckpoint", "10000"},
			{"journal_size_limit", "67108864"},
			{"busy_timeout", "10000"},
			{"foreign_keys", "1"},
		} {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != p.want {
				t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, p.pragma, got, p.want)
			}
		}
	}
}
