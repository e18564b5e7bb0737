package sdk

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

type roomResults struct {
	Room     RawMessage   `json:"room"`
	Comments []RawMessage `json:"comments"`
}

// roomCall makes a request answered with a room and its comments and
// decodes them.
func (c *Client) roomCall(ctx context.Context, method, path string, query *params, body any) (*Room, error) {
	res, err := c.call(ctx, method, path, query, body)
	if err != nil {
		return nil, err
	}
	var rr roomResults
	if err := jsonx.Unmarshal(res, &rr); err != nil {
		return nil, fmt.Errorf("qiscus: %s: decode: %w", path, err)
	}
	var r Room
	if len(rr.Room) == 0 {
		return nil, fmt.Errorf("qiscus: %s: response has no room", path)
	}
	if err := jsonx.Unmarshal(rr.Room, &r); err != nil || r.ID <= 0 {
		return nil, fmt.Errorf("qiscus: %s: bad room in response", path)
	}
	r.Raw = rr.Room
	// The server sends newest first; rooms keep them ascending.
	for i := len(rr.Comments) - 1; i >= 0; i-- {
		if cm, err := c.incoming(ctx, rr.Comments[i]); err == nil {
			r.Comments = append(r.Comments, cm)
		}
	}
	return &r, nil
}

// ChatTargetOptions are ChatTarget's optional parts.
type ChatTargetOptions struct {
	// Message, if set, is sent to the room once it is open.
	Message string
	// Options is a JSON object sent with the request as the room's
	// options; nil and null send {}.
	Options RawMessage
}

// ChatTarget gets or creates the 1-on-1 room with userID and opens it.
func (c *Client) ChatTarget(ctx context.Context, userID string, o ChatTargetOptions) (*Room, error) {
	if err := c.requireLogin("ChatTarget"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(userID) == "" {
		return nil, argError("ChatTarget", "userId", "is required")
	}
	opts, ok := optionsObject(o.Options)
	if !ok {
		return nil, argError("ChatTarget", "options", "must be an object")
	}
	room, err := c.roomCall(ctx, "POST", "get_or_create_room_with_target", nil,
		(&params{}).set("emails", userID).set("options", opts))
	if err != nil {
		return nil, err
	}
	c.setActiveRoom(room)
	c.emit(RoomCreated{Room: c.selectedCopy(room)})
	if o.Message != "" {
		if _, err := c.SendComment(ctx, room.ID, o.Message, SendOptions{}); err != nil {
			return room, err
		}
	}
	return room, nil
}

// optionsObject is a room's options as the form value v2 sent: "{}" for
// nil or null, else the object's text; false when raw is not an object.
func optionsObject(raw RawMessage) (string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return "{}", true
	}
	if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) || !jsonx.Valid(raw) {
		return "", false
	}
	return string(raw), true
}

// GetRoomByID fetches a room with its latest comments and opens it.
func (c *Client) GetRoomByID(ctx context.Context, id int64) (*Room, error) {
	if err := c.requireLogin("GetRoomByID"); err != nil {
		return nil, err
	}
	if id <= 0 {
		return nil, argError("GetRoomByID", "id", "must be a positive room id")
	}
	room, err := c.roomCall(ctx, "GET", "get_room_by_id", (&params{}).set("id", id), nil)
	if err != nil {
		return nil, err
	}
	c.setActiveRoom(room)
	return room, nil
}

func roomTopics(id int64) []string {
	s := strconv.FormatInt(id, 10)
	base := "r/" + s + "/" + s + "/+/"
	return []string{base + "t", base + "d", base + "r", "r/" + s + "/typing"}
}

// setActiveRoom makes room the selected one. Unlike v2 the room topics are
// subscribed at once (v2 waited 3 s and missed typing and receipts).
func (c *Client) setActiveRoom(room *Room) {
	c.mu.Lock()
	prev := c.selected
	c.selected = room
	c.rememberRoomLocked(room)
	me := ""
	if c.user != nil {
		me = c.user.Email
	}
	rt := c.rt
	c.mu.Unlock()
	if rt != nil {
		if prev != nil && prev.ID != room.ID {
			rt.unsubscribe(c.leaveTopics(prev, me)...)
		}
		topics := append(roomTopics(room.ID), presenceTopicsOf(room, me)...)
		if ch := c.channelTopicOf(room); ch != "" {
			topics = append(topics, ch) // v2's getRoomById did this for channels
		}
		rt.subscribe(topics...)
	}
	cp := c.selectedCopy(room)
	c.emitMirror("_selected", cp)
	c.emitMirror("_state", map[string]any{"isTypingStatus": nil, "chatmateStatus": nil}) // as v2
	if !room.IsPublicChannel {
		c.emit(RoomChanged{Room: cp}) // v2 waited 3 s
	}
	c.markHistory(room.Comments) // history is not "new"
	if n := len(room.Comments); n > 0 {
		last := room.Comments[n-1]
		c.markReceipt(room.ID, last.ID, true)
	}
}

// leaveTopics are the topics a room that is no longer selected drops: its
// typing, receipts, the opponent's presence and its {AppId}/{uniqueId}/c
// (v2 never dropped that one, reference G.1 #19).
func (c *Client) leaveTopics(r *Room, me string) []string {
	t := append(roomTopics(r.ID), presenceTopicsOf(r, me)...)
	if validRoomIDString(r.UniqueID) {
		t = append(t, c.cfg.AppID+"/"+r.UniqueID+"/c")
	}
	return t
}

func presenceTopicsOf(r *Room, me string) []string {
	if r.ChatType != "single" {
		return nil
	}
	for _, p := range r.Participants {
		if p.Email != me && p.Email != "" {
			return []string{"u/" + p.Email + "/s"}
		}
	}
	return nil
}

// Selected returns a copy of the open room, or nil. The Client goes on
// changing its own room (comments, statuses, participants); the copy is
// the caller's.
func (c *Client) Selected() *Room {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.selected.clone()
}

// selectedCopy copies room under the client lock: once selected, the
// Client edits it.
func (c *Client) selectedCopy(room *Room) *Room {
	c.mu.Lock()
	defer c.mu.Unlock()
	return room.clone()
}

// ExitChatRoom closes the selected room.
func (c *Client) ExitChatRoom() {
	c.mu.Lock()
	prev := c.selected
	c.selected = nil
	me := ""
	if c.user != nil {
		me = c.user.Email
	}
	rt := c.rt
	c.mu.Unlock()
	if prev != nil && rt != nil {
		rt.unsubscribe(c.leaveTopics(prev, me)...)
	}
	c.emitMirror("_selected", nil)
}
