package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// holdWriteLock takes SQLite's write lock on a connection of its own until
// release is called, so that comment writes queue up and go in one batch.
func holdWriteLock(t *testing.T, st *Store) (release func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			t.Error(err)
		}
		conn.Close()
	}
}

// A batch with a failing post is written again one post at a time: the
// failing post gets its error, the others are stored.
func TestCommentBatchFailureIsPerPost(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	st, u, room := openWithRoom(t, now, Profile{})
	defer st.Close()

	for round, bad := range []int{3, 0} { // with failing posts, then without
		release := holdWriteLock(t, st)
		batched := st.writer.batched.Load()
		type result struct {
			c       Comment
			created bool
			err     error
		}
		results := make([]result, 12)
		published := make([]int64, 0, len(results))
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range results {
			in := NewComment{RoomID: room, SenderPK: u.PK, UniqueTempID: fmt.Sprint(round, "-", i),
				Message: "m", Type: "text", CreatedAt: now}
			if i < bad {
				in.RoomID = 999999 // no such room: a foreign key error
			}
			wg.Go(func() {
				c, created, err := st.InsertComment(ctx, in, func(c *Comment) {
					mu.Lock()
					published = append(published, c.ID)
					mu.Unlock()
				})
				results[i] = result{c, created, err}
			})
		}
		time.Sleep(200 * time.Millisecond) // let them queue behind the lock
		release()
		wg.Wait()
		for i, r := range results {
			switch {
			case i < bad && (r.err == nil || !strings.Contains(r.err.Error(), "FOREIGN KEY")):
				t.Errorf("round %d post %d: err %v, want a foreign key error", round, i, r.err)
			case i >= bad && (r.err != nil || !r.created || r.c.ID == 0):
				t.Errorf("round %d post %d: %+v", round, i, r)
			}
		}
		if !slices.IsSorted(published) || len(published) != len(results)-bad {
			t.Errorf("round %d: published %v", round, published)
		}
		if st.writer.batched.Load() == batched {
			t.Errorf("round %d: no posts were written together", round)
		}
	}
	var n int
	if err := st.DB.QueryRow("SELECT COUNT(*) FROM comments").Scan(&n); err != nil || n != 2*12-3 {
		t.Errorf("%d comments (%v), want %d", n, err, 2*12-3)
	}
}

// Closing the store while posts are coming in ends every call: the ones the
// writer took are finished, the others fail.
func TestCloseDuringPosts(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	st, u, room := openWithRoom(t, now, Profile{})
	done := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			for k := 0; k < 10000; k++ {
				_, _, err := st.InsertComment(ctx, NewComment{RoomID: room, SenderPK: u.PK,
					UniqueTempID: fmt.Sprint(i, "-", k), Message: "m", Type: "text", CreatedAt: now}, nil)
				if err != nil {
					return
				}
			}
		})
	}
	go func() { wg.Wait(); close(done) }()
	time.Sleep(100 * time.Millisecond)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second): // the budget of the server tests' waitFor
		t.Fatal("posts still running after Close")
	}
	if _, _, err := st.InsertComment(ctx, NewComment{RoomID: room, SenderPK: u.PK, UniqueTempID: "late",
		Message: "m", Type: "text", CreatedAt: now}, nil); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("insert after Close: %v", err)
	}
}
