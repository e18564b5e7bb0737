package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit of new comments.
//
// Every comment insert goes through one writer goroutine. Posts that arrive
// while it is busy wait on its channel and are written together in one
// transaction (one BEGIN IMMEDIATE, one COMMIT, one WAL append), instead of
// each taking SQLite's write lock in turn through busy_timeout, whose retry
// sleeps (1, 2, 5 … 100 ms) made the latency of concurrent posts. Each caller
// still gets its own comment, its own created flag and its own error: when
// anything in a batch fails, the batch is rolled back and its posts are
// written again one transaction each, exactly as they were before batching.
//
// Committed batches go to a second goroutine that runs each post's onCreated
// (the fan-out) in commit order and only then releases the caller. Comment
// ids increase in commit order, so every room's comments are published in id
// order, and a post's fan-out has happened when insertComment returns. No
// transaction is held while onCreated runs: the writer is already on the next
// batch.

const (
	maxCommentBatch   = 256              // posts per transaction at most
	commentBatchLimit = 30 * time.Second // bounds a batch transaction
)

var errStoreClosed = errors.New("store is closed")

// commentWrite is one insertComment call waiting for the writer.
type commentWrite struct {
	ctx       context.Context
	in        NewComment
	onCreated func(*Comment) // run in commit order when the comment is new; may be nil
	// fn, when set, is not a comment but a whole transaction of its own (an
	// import) that the writer runs between batches, so that it too stores
	// comments in id order with every post.
	fn func(context.Context, *sql.Tx) error

	c       Comment
	created bool
	err     error
	panic   any // what onCreated panicked with, re-raised in the caller
	done    chan struct{}
}

type commentWriter struct {
	st        *Store
	reqs      chan *commentWrite   // unbuffered: a send is a hand-over to the writer
	committed chan []*commentWrite // to the publishing stage, in commit order
	stop      chan struct{}
	ctx       context.Context // bounds batch transactions; cancelled by close
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once

	batched atomic.Int64 // posts tried in transactions of several (tests look)
}

func newCommentWriter(st *Store) *commentWriter {
	ctx, cancel := context.WithCancel(context.Background())
	w := &commentWriter{
		st: st, reqs: make(chan *commentWrite), committed: make(chan []*commentWrite, 4),
		stop: make(chan struct{}), ctx: ctx, cancel: cancel,
	}
	w.wg.Add(2)
	go w.write()
	go w.publish()
	return w
}

// close stops the writer once the batch it holds is done; calls that were not
// handed over yet fail with errStoreClosed.
func (w *commentWriter) close() {
	w.closeOnce.Do(func() {
		close(w.stop)
		w.wg.Wait()
		w.cancel()
	})
}

// insert hands r to the writer and waits for its outcome, fan-out included.
func (w *commentWriter) insert(r *commentWrite) (Comment, bool, error) {
	r.done = make(chan struct{})
	select {
	case w.reqs <- r:
	case <-w.stop:
		return Comment{}, false, fmt.Errorf("insert comment: %w", errStoreClosed)
	case <-r.ctx.Done():
		return Comment{}, false, fmt.Errorf("begin: %w", r.ctx.Err())
	}
	<-r.done // the writer finishes whatever it was handed, even while closing
	if r.panic != nil {
		panic(r.panic)
	}
	return r.c, r.created, r.err
}

func (w *commentWriter) write() {
	defer w.wg.Done()
	defer close(w.committed)
	for {
		var first *commentWrite
		select {
		case first = <-w.reqs:
		case <-w.st.cache.wake:
			w.fillCache()
			continue
		case <-w.stop:
			return
		}
		w.fillCache()
		batch := w.gather(first)
		w.writeBatch(batch)
		w.committed <- batch
	}
}

// gather takes the posts that are waiting after first. When none is, it
// yields once and looks again: the goroutines that were runnable then (the
// HTTP handlers of other posts, a few microseconds from handing theirs over)
// run first, and their posts join this transaction instead of each paying
// a commit of its own. Without the yield, under load most transactions held
// one post while the rest queued behind them (serverload: 27 % of the posts
// alone in theirs; 2 % with it, and the devserver's CPU per post 13 % lower).
// An idle server loses nothing: Gosched returns at once when nothing else is
// runnable.
func (w *commentWriter) gather(first *commentWrite) []*commentWrite {
	batch := []*commentWrite{first}
	for yielded := false; len(batch) < maxCommentBatch; {
		select {
		case r := <-w.reqs:
			batch = append(batch, r)
			continue
		default:
		}
		if yielded {
			break
		}
		yielded = true
		runtime.Gosched()
	}
	return batch
}

// fillCache stores the cache entries that readers asked for (cache.go).
func (w *commentWriter) fillCache() {
	ctx, cancel := context.WithTimeout(w.ctx, commentBatchLimit)
	defer cancel()
	w.st.fill(ctx)
}

// writeBatch stores the batch, setting each request's outcome.
func (w *commentWriter) writeBatch(batch []*commentWrite) {
	live := make([]*commentWrite, 0, len(batch))
	var jobs []*commentWrite
	for _, r := range batch {
		switch {
		case r.ctx.Err() != nil:
			r.err = fmt.Errorf("begin: %w", r.ctx.Err()) // what BeginTx says for a finished context
		case r.fn != nil:
			jobs = append(jobs, r)
		default:
			live = append(live, r)
		}
	}
	defer func() {
		for _, r := range jobs {
			r.err = w.st.tx(r.ctx, func(tx *sql.Tx) error { return r.fn(r.ctx, tx) })
		}
	}()
	if len(live) > 1 {
		w.batched.Add(int64(len(live)))
		ctx, cancel := context.WithTimeout(w.ctx, commentBatchLimit)
		err := w.st.tx(ctx, func(tx *sql.Tx) error {
			for _, r := range live {
				var err error
				if r.c, r.created, err = w.st.insertCommentTx(ctx, tx, r.in); err != nil {
					return err
				}
			}
			return nil
		})
		cancel()
		if err == nil {
			return
		}
		for _, r := range live { // rolled back: nothing of the batch is stored
			r.c, r.created = Comment{}, false
		}
	}
	// One post (or a batch that failed): a transaction each, under the
	// caller's context, as insertComment always did.
	for _, r := range live {
		r.err = w.st.tx(r.ctx, func(tx *sql.Tx) error {
			var err error
			r.c, r.created, err = w.st.insertCommentTx(r.ctx, tx, r.in)
			return err
		})
		if r.err != nil {
			r.c, r.created = Comment{}, false
		}
	}
}

// WriteTx runs fn in a transaction of its own on the writer goroutine,
// between batches of posts.
func (st *Store) WriteTx(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
	_, _, err := st.writer.insert(&commentWrite{ctx: ctx, fn: fn})
	return err
}

// publish runs the onCreated callbacks in commit order and releases the callers.
func (w *commentWriter) publish() {
	defer w.wg.Done()
	for batch := range w.committed {
		for _, r := range batch {
			if r.err == nil && r.created && r.onCreated != nil {
				r.runOnCreated()
			}
			close(r.done)
		}
	}
}

func (r *commentWrite) runOnCreated() {
	defer func() {
		if v := recover(); v != nil {
			r.panic = v
		}
	}()
	r.onCreated(&r.c)
}
