package sdk

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

// live is a server comment in room with its predecessor, from sender.
func live(room, id, before int64, sender, uniq string) *Comment {
	return &Comment{ID: id, BeforeID: before, RoomID: room, UniqueTempID: uniq, Email: sender, Status: StatusSent,
		Raw: RawMessage(fmt.Sprintf(`{"id":%d,"comment_before_id":%d,"room_id":%d,"unique_temp_id":%q,"email":%q,"message":"m"}`,
			id, before, room, uniq, sender))}
}

// delivered is the ids of the newMessages events so far, in order.
func delivered(rec *recorder) []int64 {
	var ids []int64
	for _, e := range eventsOf[MessageReceived](rec) {
		ids = append(ids, e.Comment.ID)
	}
	return ids
}

// gateStep is one thing happening to the gate.
type gateStep struct {
	live   *Comment   // a realtime comment (or send response)
	sync   []*Comment // a complete /sync returning these
	expire bool       // the hold time passes
}

func TestGateOrderAndGaps(t *testing.T) {
	tests := []struct {
		name   string
		cursor int64
		steps  []gateStep
		want   []int64
		held   int
	}{
		{"contiguous live comments flow",
			10, []gateStep{{live: live(1, 11, 10, "bob", "a")}, {live: live(1, 12, 11, "bob", "b")}}, []int64{11, 12}, 0},
		{"first comment of a room after the cursor",
			10, []gateStep{{live: live(2, 15, 3, "bob", "a")}}, []int64{15}, 0},
		{"a gap holds later comments until sync fills it, then id order",
			10, []gateStep{
				{live: live(1, 13, 12, "bob", "c")}, {live: live(1, 14, 13, "bob", "d")},
				{sync: []*Comment{live(1, 11, 10, "bob", "a"), live(1, 12, 11, "bob", "b"), live(1, 13, 12, "bob", "c")}},
			}, []int64{11, 12, 13, 14}, 0},
		{"a held comment waits while nothing syncs",
			10, []gateStep{{live: live(1, 13, 12, "bob", "c")}}, nil, 1},
		{"the gap is history we cannot see: the sync releases the held comment",
			10, []gateStep{{live: live(1, 13, 12, "bob", "c")}, {sync: nil}}, []int64{13}, 0},
		{"gaps in one room do not hold another",
			10, []gateStep{{live: live(1, 13, 12, "bob", "c")}, {live: live(2, 14, 9, "carol", "x")}}, []int64{14}, 1},
		{"the same comment by every path is delivered once",
			10, []gateStep{
				{live: live(1, 11, 10, "bob", "a")}, {live: live(1, 11, 10, "bob", "a")},
				{sync: []*Comment{live(1, 11, 10, "bob", "a")}}, {live: live(1, 11, 10, "bob", "a")},
			}, []int64{11}, 0},
		{"a late comment below the frontier is delivered, not lost",
			10, []gateStep{{live: live(1, 12, 10, "bob", "b")}, {live: live(1, 11, 10, "bob", "a")}}, []int64{12, 11}, 0},
		{"the hold time releases a comment whose sync never completes",
			10, []gateStep{{live: live(1, 13, 12, "bob", "c")}, {expire: true}}, []int64{13}, 0},
		{"another member reusing a unique_temp_id is a new message (issue 9)",
			10, []gateStep{{live: live(1, 11, 10, "alice", "same")}, {live: live(1, 12, 11, "bob", "same")}}, []int64{11, 12}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := testClient(t)
			c.gate.holdFor = 30 * time.Millisecond
			c.resetGate(tt.cursor)
			for _, s := range tt.steps {
				switch {
				case s.live != nil:
					c.deliver(s.live, false)
				case s.expire:
					time.Sleep(40 * time.Millisecond)
					c.releaseExpired()
				default:
					e, _ := c.beginSync()
					next := int64(0)
					for _, cm := range s.sync {
						next = max(next, cm.ID)
					}
					c.syncPage(s.sync, next)
					c.endSync(e)
				}
			}
			if got := delivered(rec); !slices.Equal(got, tt.want) {
				t.Fatalf("newMessages ids = %v, want %v", got, tt.want)
			}
			if got := c.heldCount(); got != tt.held {
				t.Fatalf("held = %d, want %d", got, tt.held)
			}
		})
	}
}

// TestGateLiveNeverMovesCursor: only /sync moves the cursor, so a forged
// realtime comment with the largest id cannot make sync skip anything.
func TestGateLiveNeverMovesCursor(t *testing.T) {
	c, _ := testClient(t)
	c.resetGate(10)
	c.deliver(live(1, math.MaxInt64, 10, "mallory", "forged"), false)
	c.deliver(live(1, 11, 10, "bob", "a"), false)
	if got := c.LastReceivedCommentID(); got != 10 {
		t.Fatalf("cursor = %d after live comments, want 10", got)
	}
	e, _ := c.beginSync()
	c.syncPage([]*Comment{live(1, 11, 10, "bob", "a"), live(1, 12, 11, "bob", "b")}, 12)
	c.endSync(e)
	if got := c.LastReceivedCommentID(); got != 12 {
		t.Fatalf("cursor = %d after sync, want 12", got)
	}
	for _, id := range []int64{5, 3} { // a sync can never move it back
		e, _ := c.beginSync()
		c.syncPage(nil, id)
		c.endSync(e)
	}
	if got := c.LastReceivedCommentID(); got != 12 {
		t.Fatalf("cursor moved back to %d", got)
	}
}

// TestGateHoldIsBounded: past the limit the oldest held comments go out.
func TestGateHoldIsBounded(t *testing.T) {
	c, rec := testClient(t)
	c.gate.limit = 3
	c.resetGate(10)
	for id := int64(20); id < 25; id++ {
		c.deliver(live(1, id, id-1, "bob", fmt.Sprint(id)), false) // 19 is missing
	}
	// Holding 20 pushed the count over the limit only at the fourth comment:
	// then 20 is given up on and the rest, now in order, follow.
	if got := delivered(rec); !slices.Equal(got, []int64{20, 21, 22, 23, 24}) {
		t.Fatalf("newMessages ids = %v", got)
	}
	if n := c.heldCount(); n != 0 {
		t.Fatalf("held = %d", n)
	}
}

// TestSelectedRoomUniqueIDCollision: a member posting with our unique id
// must neither replace our comment nor be hidden (issue 9).
func TestSelectedRoomUniqueIDCollision(t *testing.T) {
	c, rec := testClient(t)
	c.selected = &Room{ID: 1}
	c.resetGate(10)
	c.deliver(live(1, 11, 10, "alice", "mine"), true)
	c.deliver(live(1, 12, 11, "bob", "mine"), false)
	// A pending copy of ours is matched only with our own comment.
	c.upsertSelected(&Comment{RoomID: 1, UniqueTempID: "next", Email: "alice", Status: StatusPending})
	c.deliver(live(1, 13, 12, "bob", "next"), false)
	c.deliver(live(1, 14, 13, "alice", "next"), true)
	if got := delivered(rec); !slices.Equal(got, []int64{11, 12, 13, 14}) {
		t.Fatalf("newMessages ids = %v", got)
	}
	var got []string
	for _, cm := range c.Selected().Comments {
		got = append(got, fmt.Sprintf("%d:%s:%s", cm.ID, cm.Email, cm.Status))
	}
	want := []string{"11:alice:sent", "12:bob:sent", "13:bob:sent", "14:alice:sent"}
	if !slices.Equal(got, want) {
		t.Fatalf("selected comments = %v, want %v", got, want)
	}
}
