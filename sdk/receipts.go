package sdk

import (
	"context"
	"sync"
	"time"
)

// receipts coalesces update_comment_status calls: per room only the highest
// read and received ids matter, so a burst of messages costs one request
// per room per window, and nothing is dropped (v2 shared one lossy
// throttle across rooms and kinds, reference G.1 #7).
type receipts struct {
	c    *Client
	ctx  context.Context
	mu   sync.Mutex
	want map[int64]*receiptWant
	kick chan struct{}
}

type receiptWant struct{ read, recv int64 }

func newReceipts(c *Client, ctx context.Context) *receipts {
	return &receipts{c: c, ctx: ctx, want: map[int64]*receiptWant{}, kick: make(chan struct{}, 1)}
}

// markReceipt queues a received (and, if read, read) receipt.
func (c *Client) markReceipt(roomID, id int64, read bool) {
	c.mu.Lock()
	r := c.receipts
	c.mu.Unlock()
	if r != nil {
		r.mark(roomID, id, read)
	}
}

func (r *receipts) mark(roomID, id int64, read bool) {
	mode, _ := r.c.statusMode()
	if mode == UpdateStatusDisabled && !read {
		return // v2: no "received" receipts in this mode; "read" ones still go
	}
	r.mu.Lock()
	w := r.want[roomID]
	if w == nil {
		w = &receiptWant{}
		r.want[roomID] = w
	}
	if mode != UpdateStatusDisabled {
		w.recv = max(w.recv, id)
	}
	if read {
		w.read = max(w.read, id)
	}
	r.mu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

func (r *receipts) run() {
	failures := 0
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.kick:
		}
		_, window := r.c.statusMode()
		if !sleepCtx(r.ctx, window) {
			return
		}
		r.mu.Lock()
		batch := r.want
		r.want = map[int64]*receiptWant{}
		r.mu.Unlock()
		failed := false
		for room, w := range batch {
			p := (&params{}).set("room_id", room)
			if w.read > 0 {
				p.set("last_comment_read_id", w.read)
			}
			if w.recv > 0 {
				p.set("last_comment_received_id", w.recv)
			}
			ctx, cancel := context.WithTimeout(r.ctx, 15*time.Second)
			_, err := r.c.call(ctx, "POST", "update_comment_status", nil, p)
			cancel()
			if err != nil && r.ctx.Err() == nil {
				r.c.cfg.Logger.Warn("update_comment_status failed; will retry", "room", room, "err", err)
				if retryable(err) {
					if w.read > 0 {
						r.mark(room, w.read, true)
					}
					if w.recv > 0 {
						r.mark(room, w.recv, false)
					}
					failed = true
				}
			}
		}
		if failed {
			failures++
			if !sleepCtx(r.ctx, backoff(failures, time.Second, 30*time.Second)) {
				return
			}
		} else {
			failures = 0
		}
	}
}
