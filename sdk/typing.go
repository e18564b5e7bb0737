package sdk

import (
	"context"
	"strconv"
	"time"
)

type typingState struct {
	active   bool
	lastOne  time.Time
	autoStop *time.Timer
}

// PublishTyping says the user is (or stopped) typing in a room. "1" is
// throttled to one per TypingThrottle and "0" follows by itself after
// TypingAutoStop without another call (v2 had neither, docs/PROTOCOL.md#differences).
func (c *Client) PublishTyping(ctx context.Context, roomID int64, typing bool) error {
	rt, err := c.currentRealtime("publishTyping")
	if err != nil {
		return err
	}
	if roomID <= 0 {
		return argError("PublishTyping", "roomId", "is required (a positive room id)")
	}
	me := c.User().Email
	rid := strconv.FormatInt(roomID, 10)
	topic := "r/" + rid + "/" + rid + "/" + me + "/t"
	c.mu.Lock()
	st := c.typing[roomID]
	if st == nil {
		st = &typingState{}
		c.typing[roomID] = st
	}
	now := time.Now()
	send := ""
	if typing {
		if !st.active || now.Sub(st.lastOne) >= c.cfg.TypingThrottle {
			send, st.lastOne = "1", now
		}
		st.active = true
		if st.autoStop != nil {
			st.autoStop.Stop()
		}
		st.autoStop = time.AfterFunc(c.cfg.TypingAutoStop, func() {
			c.mu.Lock()
			wasActive := st.active
			st.active = false
			c.mu.Unlock()
			if wasActive {
				_ = rt.publish(context.Background(), topic, []byte("0"), false)
			}
		})
	} else {
		send, st.active = "0", false
		if st.autoStop != nil {
			st.autoStop.Stop()
		}
	}
	c.mu.Unlock()
	if send == "" {
		return nil
	}
	return rt.publish(ctx, topic, []byte(send), false)
}

// PublishTypingSelected is v2's publishTyping(1|0): it goes to the
// selected room.
func (c *Client) PublishTypingSelected(ctx context.Context, typing bool) error {
	r := c.Selected()
	if r == nil {
		return ErrNoRoomSelected
	}
	return c.PublishTyping(ctx, r.ID, typing)
}
