package sdk

import (
	"slices"
	"sync"
	"time"
)

// Delivery gate: every comment reaches newMessages through it, exactly once
// and, per room, in id order, whichever path brought it (MQTT, /sync, a
// send response).
//
// Two facts make that possible without trusting realtime:
//   - /sync is the authority. It returns every comment after the cursor
//     that we may see, oldest first, and the server assigns ids in commit
//     order, so after a page every visible comment up to the page's last id
//     has been delivered. Only /sync moves the cursor; a live comment never
//     does (a comment from a broken or hostile publisher cannot make sync
//     skip anything, issue 9).
//   - Each comment names its room's previous comment (comment_before_id).
//     A live comment is in order when that previous one is delivered: its
//     id is at or below the room's frontier, max(cursor, last live id
//     delivered in order). Otherwise a comment is missing in between: the
//     live one is held and a sync is kicked; the sync fills the gap and the
//     held comments follow in id order.
//
// Held comments never wait forever: when a sync that began after they were
// held completes, whatever is still held is delivered (the gap was history
// we cannot see, e.g. a deleted comment); the same happens after
// maxHoldTime without a completed sync, and to the oldest comments when
// more than maxHeld are held.
type gate struct {
	mu     sync.Mutex
	cursor int64 // /sync cursor: visible comments up to it are delivered (or login history)
	newest int64 // the highest id delivered in order, by any path (what v2 showed)
	seen   *seenSet
	rooms  map[int64]roomMark // per room, the last id delivered in order beyond the cursor
	held   map[int64][]held   // per room, ascending by id
	nheld  int
	epoch  uint64 // syncs begun
	timer  *time.Timer
	// bounds on holding (maxHeld, maxHoldTime; tests shrink them)
	limit   int
	holdFor time.Duration
}

type roomMark struct {
	last  int64
	epoch uint64 // the sync epoch it was set in
}

type held struct {
	cm    *Comment
	own   bool
	epoch uint64
	at    time.Time
}

const (
	maxHeld     = 2000
	maxHoldTime = 20 * time.Second
)

func newGate() *gate {
	return &gate{seen: newSeenSet(20000), rooms: map[int64]roomMark{}, held: map[int64][]held{},
		limit: maxHeld, holdFor: maxHoldTime}
}

func (g *gate) frontier(room int64) int64 { return max(g.cursor, g.rooms[room].last) }

// deliver passes a live comment (MQTT or a send response) through the
// gate. It reports whether the app heard of it now.
func (c *Client) deliver(cm *Comment, own bool) bool {
	g := c.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.seen.has(cm.ID) {
		return false
	}
	if f := g.frontier(cm.RoomID); cm.BeforeID > f && cm.ID > f {
		c.holdLocked(cm, own)
		return false
	}
	c.deliverLocked(cm, own, true)
	c.releaseLocked(cm.RoomID)
	return true
}

// deliverUnordered passes a comment that no sync covers (a public
// channel's): it is de-duplicated only.
func (c *Client) deliverUnordered(cm *Comment) {
	g := c.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.seen.has(cm.ID) {
		c.deliverLocked(cm, false, false)
	}
}

// markHistory records comments the app got as a room's history (not new).
func (c *Client) markHistory(cs []*Comment) {
	g := c.gate
	g.mu.Lock()
	for _, cm := range cs {
		g.seen.add(cm.ID)
	}
	g.mu.Unlock()
}

// deliverLocked emits cm. inOrder moves the room's frontier: cm's
// predecessor was delivered (or is beyond what we can see).
func (c *Client) deliverLocked(cm *Comment, own, inOrder bool) {
	g := c.gate
	g.seen.add(cm.ID)
	if m := g.rooms[cm.RoomID]; inOrder && cm.ID > max(m.last, g.cursor) {
		g.rooms[cm.RoomID] = roomMark{last: cm.ID, epoch: g.epoch}
	}
	g.newest = max(g.newest, cm.ID)
	c.upsertSelected(cm)
	c.emit(MessageReceived{Comment: cm.clone()})
	c.mu.Lock()
	fromOther := c.user != nil && cm.Email != c.user.Email
	open := c.selected != nil && c.selected.ID == cm.RoomID
	c.mu.Unlock()
	if fromOther && !own {
		c.markReceipt(cm.RoomID, cm.ID, open)
	}
}

func (c *Client) holdLocked(cm *Comment, own bool) {
	g := c.gate
	hs := g.held[cm.RoomID]
	i, found := slices.BinarySearchFunc(hs, cm.ID, func(h held, id int64) int { return cmpInt(h.cm.ID, id) })
	if found {
		return // already waiting
	}
	g.held[cm.RoomID] = slices.Insert(hs, i, held{cm: cm, own: own, epoch: g.epoch, at: time.Now()})
	g.nheld++
	c.cfg.Logger.Debug("comment held until the gap before it is synced", "room", cm.RoomID, "id", cm.ID, "before", cm.BeforeID)
	if g.timer == nil {
		g.timer = time.AfterFunc(g.holdFor, c.releaseExpired)
	}
	for g.nheld > g.limit {
		c.releaseOldestLocked()
	}
	c.kickSync()
}

// releaseLocked delivers the room's held comments that are now in order.
func (c *Client) releaseLocked(room int64) {
	g := c.gate
	hs := g.held[room]
	n := 0
	for _, h := range hs {
		f := g.frontier(room)
		if !g.seen.has(h.cm.ID) {
			if h.cm.BeforeID > f && h.cm.ID > f {
				break
			}
			c.deliverLocked(h.cm, h.own, true)
		}
		n++
	}
	c.dropHeldLocked(room, n)
}

func (g *gate) dropHeld(room int64, n int) {
	if n == 0 {
		return
	}
	hs := g.held[room]
	g.nheld -= n
	if n == len(hs) {
		delete(g.held, room)
	} else {
		g.held[room] = slices.Delete(hs, 0, n)
	}
}

func (c *Client) dropHeldLocked(room int64, n int) { c.gate.dropHeld(room, n) }

// releaseOldestLocked gives up waiting for the lowest held comment.
func (c *Client) releaseOldestLocked() {
	g := c.gate
	room, id := int64(0), int64(0)
	for r, hs := range g.held {
		if id == 0 || hs[0].cm.ID < id {
			room, id = r, hs[0].cm.ID
		}
	}
	if room == 0 {
		return
	}
	h := g.held[room][0]
	g.dropHeld(room, 1)
	if !g.seen.has(h.cm.ID) {
		c.cfg.Logger.Warn("too many comments held for a gap; delivering the oldest out of order", "room", room, "id", h.cm.ID)
		c.deliverLocked(h.cm, h.own, true)
	}
	c.releaseLocked(room)
}

// releaseWhere stops holding the comments giveUp picks and delivers them
// in id order, then whatever that put in order.
func (c *Client) releaseWhere(giveUp func(held) bool, why string) {
	g := c.gate
	var out []held
	for room, hs := range g.held {
		n := 0
		for _, h := range hs {
			if giveUp(h) {
				out = append(out, h)
				n++
			}
		}
		if n == 0 {
			continue
		}
		rest := slices.DeleteFunc(slices.Clone(hs), giveUp)
		g.nheld -= n
		if len(rest) == 0 {
			delete(g.held, room)
		} else {
			g.held[room] = rest
		}
	}
	slices.SortFunc(out, func(a, b held) int { return cmpInt(a.cm.ID, b.cm.ID) })
	for _, h := range out {
		if !g.seen.has(h.cm.ID) {
			c.cfg.Logger.Warn("a held comment's gap was not filled; delivering it", "why", why, "room", h.cm.RoomID, "id", h.cm.ID, "before", h.cm.BeforeID)
			c.deliverLocked(h.cm, h.own, true)
		}
	}
	for room := range g.held {
		c.releaseLocked(room)
	}
}

// releaseExpired is the time bound: comments held for maxHoldTime are
// delivered even if no sync could complete.
func (c *Client) releaseExpired() {
	g := c.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	g.timer = nil
	now := time.Now()
	c.releaseWhere(func(h held) bool { return now.Sub(h.at) >= g.holdFor }, "held too long")
	if g.nheld > 0 {
		oldest := now
		for _, hs := range g.held {
			for _, h := range hs {
				if h.at.Before(oldest) {
					oldest = h.at
				}
			}
		}
		g.timer = time.AfterFunc(g.holdFor-now.Sub(oldest), c.releaseExpired)
	}
}

// beginSync starts a sync epoch and returns it with the cursor to start at.
func (c *Client) beginSync() (uint64, int64) {
	g := c.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	g.epoch++
	return g.epoch, g.cursor
}

// syncPage delivers one /sync page (ascending) and moves the cursor to
// next, the page's last id: everything visible up to it is now delivered.
func (c *Client) syncPage(cs []*Comment, next int64) {
	g := c.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, cm := range cs {
		if !g.seen.has(cm.ID) {
			c.deliverLocked(cm, false, true)
		}
	}
	if next > g.cursor {
		g.cursor = next
	}
	g.newest = max(g.newest, g.cursor)
	for room, m := range g.rooms {
		if m.last <= g.cursor {
			delete(g.rooms, room)
		}
	}
	for room := range g.held {
		c.releaseLocked(room)
	}
}

// endSync closes the epoch of a sync that reached the end. Every genuine
// comment received before it began is now at or below the cursor, so room
// frontiers set before it and comments still held from before it were
// about comments we cannot sync: forget the former, deliver the latter.
func (c *Client) endSync(epoch uint64) {
	g := c.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	for room, m := range g.rooms {
		if m.epoch < epoch {
			delete(g.rooms, room)
		}
	}
	c.releaseWhere(func(h held) bool { return h.epoch < epoch }, "sync completed")
}

// heldCount is the number of comments waiting for a gap.
func (c *Client) heldCount() int {
	c.gate.mu.Lock()
	defer c.gate.mu.Unlock()
	return c.gate.nheld
}

// resetGate starts a new session's ordering state at cursor (forward
// only); comments still held from the last session are delivered first.
func (c *Client) resetGate(cursor int64) int64 {
	g := c.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	c.releaseWhere(func(held) bool { return true }, "new session")
	g.rooms = map[int64]roomMark{}
	if cursor > g.cursor {
		g.cursor = cursor
	}
	g.newest = max(g.newest, g.cursor)
	return g.cursor
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// seenSet is a bounded FIFO set of delivered comment ids. Only server ids
// count: a unique_temp_id is chosen by the sender, so another member
// reusing ours must not make their comment look like a duplicate (issue 9).
type seenSet struct {
	keys map[int64]struct{}
	ring []int64
	next int
}

func newSeenSet(capacity int) *seenSet {
	return &seenSet{keys: make(map[int64]struct{}, capacity), ring: make([]int64, capacity)}
}

func (s *seenSet) has(id int64) bool { _, ok := s.keys[id]; return ok }

func (s *seenSet) add(id int64) {
	if _, ok := s.keys[id]; ok {
		return
	}
	if old := s.ring[s.next]; old != 0 {
		delete(s.keys, old)
	}
	s.ring[s.next] = id
	s.keys[id] = struct{}{}
	s.next = (s.next + 1) % len(s.ring)
}
