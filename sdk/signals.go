package sdk

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// validPresence accepts "0", "1" and "{0|1}:{1-16 digits}".
func validPresence(p string) bool {
	if len(p) == 0 || (p[0] != '0' && p[0] != '1') {
		return false
	}
	if len(p) == 1 {
		return true
	}
	if p[1] != ':' || len(p) < 3 || len(p) > 18 {
		return false
	}
	for i := 2; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

// handlePresence accepts "1", "0" and "{0|1}:{ms}". v2 crashed its whole
// realtime pipeline on anything without a colon (docs/PROTOCOL.md#payloads).
func (c *Client) handlePresence(userID string, payload []byte) {
	p := string(payload)
	if !validPresence(p) {
		if len(p) > 0 {
			c.cfg.Logger.Debug("skipping malformed presence", "user", userID, "bytes", len(p))
		}
		return
	}
	c.emit(presenceEvent(userID, p))
	c.chatmateStatus(userID, p)
}

// presenceEvent reads a validated "1", "0" or "{0|1}:{ms}".
func presenceEvent(userID, p string) PresenceChanged {
	ev := PresenceChanged{UserID: userID, Online: p[0] == '1'}
	if len(p) > 2 {
		if ms, err := strconv.ParseInt(p[2:], 10, 64); err == nil {
			ev.At = time.UnixMilli(ms)
		}
	}
	return ev
}

// handleRoomSignal handles r/{rid}/{rid}/{uid}/{t|d|r}.
func (c *Client) handleRoomSignal(roomID int64, rid, uid, kind string, payload []byte) {
	me := ""
	if u := c.User(); u != nil {
		me = u.Email
	}
	switch kind {
	case "t":
		if uid == me {
			return
		}
		msg := string(payload)
		if msg != "1" && msg != "0" {
			c.cfg.Logger.Debug("skipping malformed typing", "room", rid, "user", uid, "bytes", len(payload))
			return
		}
		c.emit(TypingChanged{RoomID: roomID, UserID: uid, Typing: msg == "1"})
		c.typingStatus(roomID, uid, msg == "1")
	case "d", "r":
		idStr, uniq, ok := strings.Cut(string(payload), ":")
		id, err := strconv.ParseInt(idStr, 10, 64)
		if !ok || err != nil || id <= 0 || !utf8.ValidString(uniq) {
			c.cfg.Logger.Debug("skipping malformed receipt", "room", rid, "user", uid, "bytes", len(payload))
			return
		}
		if uid == me {
			return
		}
		c.applyReceipt(roomID, uid, id, uniq, kind == "r")
	}
}

// applyReceipt records one participant's cursor in the selected room and
// marks our comments delivered/read only once every other participant has
// got that far (v2 let one reader mark a group message read, G.1 #8).
func (c *Client) applyReceipt(roomID int64, userID string, id int64, uniq string, read bool) {
	c.mu.Lock()
	r := c.knownRoomLocked(roomID) // any room opened this session, not only the selected one
	if r == nil || c.user == nil {
		c.mu.Unlock()
		return
	}
	isSelected := r == c.selected
	me := c.user.Email
	found := false
	for i := range r.Participants {
		p := &r.Participants[i]
		if p.Email != userID {
			continue
		}
		found = true
		if id > p.LastCommentReceivedID {
			p.LastCommentReceivedID = id
		}
		if read && id > p.LastCommentReadID {
			p.LastCommentReadID = id
		}
	}
	if !found {
		r.Participants = append(r.Participants, Participant{Email: userID, LastCommentReceivedID: id})
		if read {
			r.Participants[len(r.Participants)-1].LastCommentReadID = id
		}
	}
	minRead, minRecv := int64(1<<62), int64(1<<62)
	for _, p := range r.Participants {
		if p.Email == me {
			continue
		}
		minRead = min(minRead, p.LastCommentReadID)
		minRecv = min(minRecv, p.LastCommentReceivedID)
	}
	type change struct {
		idx int
		cm  *Comment
	}
	var changed []change
	for i := len(r.Comments) - 1; i >= 0; i-- {
		cm := r.Comments[i]
		if cm.ID <= 0 || cm.Email != me {
			continue
		}
		want := cm.Status
		if cm.ID <= minRead {
			want = StatusRead
		} else if cm.ID <= minRecv {
			want = StatusDelivered
		}
		if statusRank(want) > statusRank(cm.Status) {
			cp := *cm
			cp.Status = want
			r.Comments[i] = &cp
			changed = append(changed, change{i, &cp})
		} else if cm.Status == StatusRead {
			break // everything older is read already
		}
	}
	c.mu.Unlock()
	for i := len(changed) - 1; i >= 0 && isSelected; i-- {
		ch := changed[i]
		c.emitMirror("_selectedComment", "set", ch.idx, ch.cm.clone())
	}
	if len(changed) > 0 {
		top := changed[0].cm // the newest comment that changed
		if top.Status == StatusRead {
			c.emit(CommentRead{Comment: top.clone(), UserID: userID})
		} else {
			c.emit(CommentDelivered{Comment: top.clone(), UserID: userID})
		}
	}
}

// maxRoomTypingBytes bounds r/{room}/typing: its text is at most 50
// characters (reference D.2), so a few KB is generous.
const maxRoomTypingBytes = 4 << 10

// jsonObject reports whether b is a JSON object in valid UTF-8; the decoders
// accept "null" for any target, which is not a payload of any signal.
func jsonObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{' && utf8.Valid(b)
}

// parseRoomTyping reads r/{room}/typing: {status, sender_id, sender_name?,
// text?}, all strings.
func parseRoomTyping(payload []byte) (map[string]any, bool) {
	if len(payload) > maxRoomTypingBytes || !jsonObject(payload) {
		return nil, false
	}
	var t map[string]any
	if err := jsonx.Unmarshal(payload, &t); err != nil || t == nil {
		return nil, false
	}
	for _, k := range []string{"status", "sender_id", "sender_name", "text"} {
		v, present := t[k]
		if _, isStr := v.(string); (present || k == "status" || k == "sender_id") && !isStr {
			return nil, false // required and missing, or not a string
		}
	}
	return t, true
}

func (c *Client) handleRoomTyping(rid string, payload []byte) {
	t, ok := parseRoomTyping(payload)
	if !ok {
		c.cfg.Logger.Debug("skipping malformed room typing", "room", rid, "bytes", len(payload))
		return
	}
	id, _ := strconv.ParseInt(rid, 10, 64)
	str := func(k string) string { s, _ := t[k].(string); return s }
	c.emit(RoomTyping{RoomID: id, Status: str("status"), SenderID: str("sender_id"), SenderName: str("sender_name"),
		Text: str("text"), Raw: append(RawMessage(nil), payload...)})
}

// notification is {token}/n and a sync_event entry.
type notification struct {
	ID          int64  `json:"id"`
	ActionTopic string `json:"action_topic"`
	Payload     struct {
		Actor struct {
			ID    any    `json:"id"`
			Email string `json:"email"`
		} `json:"actor"`
		Data struct {
			IsHardDelete    *bool `json:"is_hard_delete"`
			DeletedMessages []struct {
				RoomID           any      `json:"room_id"`
				MessageUniqueIDs []string `json:"message_unique_ids"`
			} `json:"deleted_messages"`
			DeletedRooms []RawMessage `json:"deleted_rooms"`
			// delivered / read events
			CommentID       int64  `json:"comment_id"`
			CommentUniqueID string `json:"comment_unique_id"`
			Email           string `json:"email"`
			RoomID          any    `json:"room_id"`
		} `json:"data"`
	} `json:"payload"`
}

func (c *Client) handleNotification(payload []byte) {
	var n notification
	if err := jsonx.Unmarshal(payload, &n); err != nil {
		c.cfg.Logger.Warn("skipping malformed notification", "err", err)
		return
	}
	c.applyNotification(&n)
}

// applyNotification handles deletes and clears (v2 looks at the data keys,
// not action_topic; so do we) and, from sync_event, receipts.
func (c *Client) applyNotification(n *notification) {
	d := &n.Payload.Data
	hard := true
	if d.IsHardDelete != nil {
		hard = *d.IsHardDelete
	}
	for _, dm := range d.DeletedMessages {
		id, _ := strconv.ParseInt(fmt.Sprint(dm.RoomID), 10, 64)
		c.removeFromSelected(id, dm.MessageUniqueIDs)
		c.emit(CommentDeleted{RoomID: id, UniqueIDs: dm.MessageUniqueIDs, ForEveryone: true, Hard: hard})
	}
	for _, raw := range d.DeletedRooms {
		var r struct {
			ID int64 `json:"id"`
		}
		_ = jsonx.Unmarshal(raw, &r)
		c.mu.Lock()
		sel := c.selected
		cleared := sel != nil && sel.ID == r.ID
		if cleared {
			sel.Comments = nil
		}
		c.mu.Unlock()
		if cleared {
			c.emitMirror("_selectedPatch", map[string]any{"comments": []any{}})
		}
		c.emit(RoomCleared{RoomID: r.ID, Raw: raw})
	}
	if (n.ActionTopic == "delivered" || n.ActionTopic == "read") && d.CommentID > 0 {
		rid, _ := strconv.ParseInt(fmt.Sprint(d.RoomID), 10, 64)
		if u := c.User(); u != nil && d.Email != u.Email {
			c.applyReceipt(rid, d.Email, d.CommentID, d.CommentUniqueID, n.ActionTopic == "read")
		}
	}
}

// validCustomEvent accepts {sender?: string, data: object}: what
// PublishEvent and the official client (which omits sender) send.
func validCustomEvent(payload []byte) bool {
	if !jsonObject(payload) {
		return false
	}
	var ev struct {
		Sender *string    `json:"sender"`
		Data   RawMessage `json:"data"`
	}
	if err := jsonx.Unmarshal(payload, &ev); err != nil {
		return false
	}
	return jsonObject(ev.Data)
}

// handleCustomEvent passes {sender, data} to the room's subscriber.
func (c *Client) handleCustomEvent(rid string, payload []byte) {
	if !validCustomEvent(payload) {
		c.cfg.Logger.Debug("skipping malformed custom event", "room", rid, "bytes", len(payload))
		return
	}
	c.mu.Lock()
	fn := c.eventSubs[rid]
	c.mu.Unlock()
	if fn != nil {
		// On the event goroutine: in order with the other events, and the
		// handler may call the Client.
		raw := RawMessage(append([]byte(nil), payload...))
		c.emitFunc(func() { fn(raw) })
	}
}

func (c *Client) currentRealtime(method string) (*realtime, error) {
	if err := c.requireLogin(method); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rt == nil {
		return nil, ErrNotConnected
	}
	return c.rt, nil
}

func validRoomIDString(s string) bool {
	if s == "" || strings.ContainsAny(s, "/+#") {
		return false
	}
	return true
}

// PublishEvent sends {sender, data} on r/{room}/{room}/e. data must be a
// JSON object. v2 dropped sender (G.1 #2); here it is the logged-in user.
func (c *Client) PublishEvent(ctx context.Context, roomID string, data RawMessage) error {
	rt, err := c.currentRealtime("publishEvent")
	if err != nil {
		return err
	}
	if !validRoomIDString(roomID) {
		return argError("PublishEvent", "roomId", "is required")
	}
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) || !jsonx.Valid(data) {
		return argError("PublishEvent", "payload", "must be an object")
	}
	u := c.User()
	b, _ := jsonx.Marshal(map[string]any{"sender": u.Email, "data": data})
	return rt.publish(ctx, "r/"+roomID+"/"+roomID+"/e", b, false)
}

// SubscribeEvent calls fn with each raw {sender, data} event of the room.
// One subscriber per room, as in v2; a second call replaces the first.
func (c *Client) SubscribeEvent(ctx context.Context, roomID string, fn func(RawMessage)) error {
	rt, err := c.currentRealtime("subscribeEvent")
	if err != nil {
		return err
	}
	if !validRoomIDString(roomID) {
		return argError("SubscribeEvent", "roomId", "is required")
	}
	if fn == nil {
		return argError("SubscribeEvent", "callback", "is required")
	}
	c.mu.Lock()
	c.eventSubs[roomID] = fn
	c.mu.Unlock()
	rt.subscribe("r/" + roomID + "/" + roomID + "/e")
	return nil
}

// UnsubscribeEvent stops a room's custom events.
func (c *Client) UnsubscribeEvent(ctx context.Context, roomID string) error {
	rt, err := c.currentRealtime("unsubscribeEvent")
	if err != nil {
		return err
	}
	if !validRoomIDString(roomID) {
		return argError("UnsubscribeEvent", "roomId", "is required")
	}
	c.mu.Lock()
	delete(c.eventSubs, roomID)
	c.mu.Unlock()
	rt.unsubscribe("r/" + roomID + "/" + roomID + "/e")
	return nil
}

// SubscribeUserPresence follows u/{userId}/s; presence events follow.
func (c *Client) SubscribeUserPresence(ctx context.Context, userID string) error {
	rt, err := c.currentRealtime("subscribeUserPresence")
	if err != nil {
		return err
	}
	if !validRoomIDString(userID) {
		return argError("SubscribeUserPresence", "userId", "is required")
	}
	rt.subscribe("u/" + userID + "/s")
	return nil
}

// UnsubscribeUserPresence stops following a user's presence.
func (c *Client) UnsubscribeUserPresence(ctx context.Context, userID string) error {
	rt, err := c.currentRealtime("unsubscribeUserPresence")
	if err != nil {
		return err
	}
	rt.unsubscribe("u/" + userID + "/s")
	return nil
}
