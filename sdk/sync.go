package sdk

import (
	"context"
	"fmt"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// pollLoop runs /sync when kicked (after every (re)connect, and when a
// live comment shows a gap) and on a timer: SyncInterval while realtime is
// down, SyncOnConnect while up. While comments are held for a gap, a
// failed sync is retried soon rather than at the next tick.
func (c *Client) pollLoop(ctx context.Context) {
	c.mu.Lock()
	rt := c.rt
	c.mu.Unlock()
	var kick, wake chan struct{}
	if rt != nil {
		kick, wake = rt.syncKick, rt.wake
	}
	failures := 0
	for {
		every := c.cfg.SyncInterval
		if rt != nil && !rt.disabled && rt.connected() {
			every = c.cfg.SyncOnConnect
			if c.cfg.SyncOnlyWhenDisconnected {
				every = 0 // kicks (reconnects, gaps) still sync
			}
		}
		if c.periodicSyncOff() {
			every = 0 // stopSync / enable_sync false: kicks only
		}
		if failures > 0 && c.heldCount() > 0 {
			if d := backoff(failures-1, 250*time.Millisecond, 5*time.Second); every <= 0 || d < every {
				every = d
			}
		}
		var tick <-chan time.Time
		var t *time.Timer
		if every > 0 {
			t = time.NewTimer(every)
			tick = t.C
		}
		select {
		case <-ctx.Done():
			if t != nil {
				t.Stop()
			}
			return
		case <-wake: // connected or not changed: a new interval
			if t != nil {
				t.Stop()
			}
			continue
		case <-kick:
		case <-tick:
			if c.periodicSyncOff() {
				continue // stopSync while the timer ran
			}
		}
		if t != nil {
			t.Stop()
		}
		if err := c.Sync(ctx); err != nil && ctx.Err() == nil {
			failures++
			c.cfg.Logger.Warn("sync failed", "err", err)
		} else {
			failures = 0
		}
		if c.cfg.DisableSyncEvent {
			continue
		}
		if err := c.SyncEvents(ctx); err != nil && ctx.Err() == nil {
			c.cfg.Logger.Debug("sync_event failed", "err", err)
		}
	}
}

// kickSync asks the session's poll loop for a sync now.
func (c *Client) kickSync() {
	c.mu.Lock()
	rt := c.rt
	c.mu.Unlock()
	if rt != nil {
		rt.kickSync()
	}
}

// Sync fetches every comment after the cursor, page by page, and delivers
// the ones the app has not seen, in id order. Only Sync moves the cursor,
// and only forward: to the last id of a page it delivered.
func (c *Client) Sync(ctx context.Context) error {
	if err := c.requireLogin("Synchronize"); err != nil {
		return err
	}
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	epoch, from := c.beginSync()
	const limit, maxPages = 100, 100
	for page := 0; page < maxPages; page++ {
		res, err := c.call(ctx, "GET", "sync", (&params{}).set("last_received_comment_id", from).set("limit", limit), nil)
		if err != nil {
			return err
		}
		var r struct {
			Comments []RawMessage `json:"comments"`
			Meta     struct {
				LastReceivedCommentID int64 `json:"last_received_comment_id"`
			} `json:"meta"`
		}
		if err := jsonx.Unmarshal(res, &r); err != nil {
			return fmt.Errorf("qiscus: sync: decode: %w", err)
		}
		var cs []*Comment
		for _, raw := range r.Comments {
			cm, err := c.incoming(ctx, raw)
			if err != nil {
				c.cfg.Logger.Warn("sync: skipping malformed comment", "err", err)
				continue
			}
			if cm.ID > from {
				cs = append(cs, cm)
			}
		}
		sortByID(cs)
		next := from
		if n := len(cs); n > 0 {
			next = cs[n-1].ID
		}
		// The server's meta covers comments we could not parse; an
		// empty page moves nothing.
		if len(r.Comments) > 0 && r.Meta.LastReceivedCommentID > next {
			next = r.Meta.LastReceivedCommentID
		}
		c.syncPage(cs, next)
		if len(r.Comments) < limit || next <= from {
			c.endSync(epoch)
			return nil
		}
		from = next
	}
	c.kickSync() // more than maxPages pages behind: carry on in the next round
	return nil
}

// SyncEvents replays deletes, clears and receipts recorded since the last
// event id (seeded from the login's last_sync_event_id, not 0 as in v2).
func (c *Client) SyncEvents(ctx context.Context) error {
	if err := c.requireLogin("SynchronizeEvent"); err != nil {
		return err
	}
	c.mu.Lock()
	from := c.lastEventID
	c.mu.Unlock()
	for page := 0; page < 20; page++ {
		res, err := c.call(ctx, "GET", "sync_event", (&params{}).set("start_event_id", from), nil)
		if err != nil {
			return err
		}
		var r struct {
			Events []notification `json:"events"`
		}
		if err := jsonx.Unmarshal(res, &r); err != nil {
			return fmt.Errorf("qiscus: sync_event: decode: %w", err)
		}
		next := from
		for i := range r.Events {
			if r.Events[i].ID <= from {
				continue
			}
			c.applyNotification(&r.Events[i])
			next = max(next, r.Events[i].ID)
		}
		c.mu.Lock()
		if next > c.lastEventID {
			c.lastEventID = next
		}
		c.mu.Unlock()
		if next == from || len(r.Events) < 50 {
			return nil
		}
		from = next
	}
	return nil
}
