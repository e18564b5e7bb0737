package sdk

import (
	"context"
	"fmt"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

func validIDs(method, arg string, ids []string) error {
	if ids == nil {
		return argError(method, arg, "must be an array")
	}
	for _, id := range ids {
		if strings.TrimSpace(id) == "" {
			return argError(method, arg, "must not contain empty ids")
		}
	}
	return nil
}

// GroupRoomOptions are CreateGroupRoom's optional parts.
type GroupRoomOptions struct {
	AvatarURL string
	// Options is the room's options, a JSON object stored with the room
	// as sent; nil, null and {} store none.
	Options RawMessage
}

// CreateGroupRoom creates a group room with the given members.
func (c *Client) CreateGroupRoom(ctx context.Context, name string, userIDs []string, o GroupRoomOptions) (*Room, error) {
	if err := c.requireLogin("CreateGroupRoom"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" {
		return nil, argError("CreateGroupRoom", "name", "is required")
	}
	if err := validIDs("CreateGroupRoom", "userIds", userIDs); err != nil {
		return nil, err
	}
	p := (&params{}).set("name", name).set("participants", userIDs)
	if o.AvatarURL != "" {
		p.set("avatar_url", o.AvatarURL)
	}
	opts, ok := optionsObject(o.Options)
	if !ok {
		return nil, argError("CreateGroupRoom", "options", "must be an object")
	}
	if opts != "{}" {
		p.set("options", opts)
	}
	room, err := c.roomCall(ctx, "POST", "create_room", nil, p)
	if err != nil {
		return nil, err
	}
	c.emit(GroupRoomCreated{Room: room.clone()})
	return room, nil
}

// RoomOptions name a room that does not exist yet; an existing room keeps
// its own.
type RoomOptions struct {
	Name      string
	AvatarURL string
}

// GetOrCreateRoomByUniqueID opens a channel-style room by its unique id
// and follows its {AppId}/{uniqueId}/c topic.
func (c *Client) GetOrCreateRoomByUniqueID(ctx context.Context, uniqueID string, o RoomOptions) (*Room, error) {
	name, avatarURL := o.Name, o.AvatarURL
	if err := c.requireLogin("GetOrCreateRoomByUniqueID"); err != nil {
		return nil, err
	}
	if !validRoomIDString(uniqueID) {
		return nil, argError("GetOrCreateRoomByUniqueID", "uniqueId", "is required and may not contain / + #")
	}
	p := (&params{}).set("unique_id", uniqueID)
	if name != "" {
		p.set("name", name)
	}
	if avatarURL != "" {
		p.set("avatar_url", avatarURL)
	}
	room, err := c.roomCall(ctx, "POST", "get_or_create_room_with_unique_id", nil, p)
	if err != nil {
		return nil, err
	}
	c.setActiveRoom(room)
	c.mu.Lock()
	rt := c.rt
	c.mu.Unlock()
	if rt != nil {
		rt.subscribe(c.cfg.AppID + "/" + uniqueID + "/c")
	}
	return room, nil
}

// RoomsInfoOptions are rooms_info's parameters.
type RoomsInfoOptions struct {
	RoomIDs          []RawMessage `json:"room_ids"`
	RoomUniqueIDs    []string     `json:"room_unique_ids"`
	ShowParticipants *bool        `json:"show_participants"`
	ShowRemoved      bool         `json:"show_removed"`
}

// RoomList is the rooms a call answered with.
type RoomList struct {
	Rooms []*Room
	Raw   RawMessage // the server's results object
}

// GetRoomsInfo returns the rooms asked for.
func (c *Client) GetRoomsInfo(ctx context.Context, o RoomsInfoOptions) (*RoomList, error) {
	if err := c.requireLogin("GetRoomsInfo"); err != nil {
		return nil, err
	}
	show := true
	if o.ShowParticipants != nil {
		show = *o.ShowParticipants // v2 could not send false
	}
	body := map[string]any{"show_participants": show, "show_removed": o.ShowRemoved,
		"room_id": emptyIfNil(o.RoomIDs), "room_unique_id": emptyIfNilS(o.RoomUniqueIDs)}
	res, err := c.call(ctx, "POST", "rooms_info", nil, body)
	if err != nil {
		return nil, err
	}
	return c.parseRooms(res, "rooms_info"), nil
}

func emptyIfNil(v []RawMessage) []RawMessage {
	if v == nil {
		return []RawMessage{}
	}
	return v
}

func emptyIfNilS(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// RoomListOptions are user_rooms' parameters.
type RoomListOptions struct {
	Page             int    `json:"page"`
	Limit            int    `json:"limit"`
	ShowParticipants *bool  `json:"show_participants"`
	ShowEmpty        bool   `json:"show_empty"`
	RoomType         string `json:"room_type"`
}

// LoadRoomList returns the user's rooms in v2's Room shape. A room with
// no last comment is fine (v2 threw a TypeError).
func (c *Client) LoadRoomList(ctx context.Context, o RoomListOptions) ([]*Room, error) {
	if err := c.requireLogin("LoadRoomList"); err != nil {
		return nil, err
	}
	q := &params{}
	if o.Page > 0 {
		q.set("page", o.Page)
	}
	show := true
	if o.ShowParticipants != nil {
		show = *o.ShowParticipants
	}
	q.set("show_participants", show)
	if o.Limit > 0 {
		q.set("limit", o.Limit)
	}
	if o.ShowEmpty {
		q.set("show_empty", true)
	}
	rt := o.RoomType
	if rt == "" {
		rt = "default"
	}
	q.set("room_type", rt)
	res, err := c.call(ctx, "GET", "user_rooms", q, nil)
	if err != nil {
		return nil, err
	}
	var r struct {
		Rooms []RawMessage `json:"rooms_info"`
	}
	if err := jsonx.Unmarshal(res, &r); err != nil {
		return nil, fmt.Errorf("qiscus: user_rooms: decode: %w", err)
	}
	return c.roomList(r.Rooms, "user_rooms"), nil
}

// parseRooms decodes results[key] leniently: v2 handed these bodies to
// apps unchecked, so a bad one is no error here.
func (c *Client) parseRooms(res RawMessage, key string) *RoomList {
	var r map[string]RawMessage
	_ = jsonx.Unmarshal(res, &r)
	var raws []RawMessage
	_ = jsonx.Unmarshal(r[key], &raws)
	return &RoomList{Rooms: c.roomList(raws, key), Raw: res}
}

// roomList decodes rooms, skipping malformed ones.
func (c *Client) roomList(raws []RawMessage, path string) []*Room {
	out := make([]*Room, 0, len(raws))
	for _, raw := range raws {
		rm, err := parseRoom(raw)
		if err != nil {
			c.cfg.Logger.Warn(path+": skipping malformed room", "err", err)
			continue
		}
		out = append(out, rm)
	}
	return out
}

// parseRoom decodes one room (with an optional last_comment object).
func parseRoom(raw RawMessage) (*Room, error) {
	var r Room
	if err := jsonx.Unmarshal(raw, &r); err != nil || r.ID <= 0 {
		return nil, fmt.Errorf("qiscus: malformed room")
	}
	var lc struct {
		LastComment *struct {
			ID        int64  `json:"id"`
			Message   string `json:"message"`
			Timestamp string `json:"timestamp"`
		} `json:"last_comment"`
	}
	if jsonx.Unmarshal(raw, &lc) == nil && lc.LastComment != nil {
		r.LastCommentID, r.LastCommentMessage = lc.LastComment.ID, lc.LastComment.Message
		r.LastCommentAt = lc.LastComment.Timestamp
	}
	r.Raw = raw
	return &r, nil
}

// UpdateRoomOptions are UpdateRoom's changes; empty fields stay as they are.
type UpdateRoomOptions struct {
	Name      string
	AvatarURL string
	Options   RawMessage // the room's options, any JSON; nil keeps them
}

// UpdateRoom changes a room's name, avatar or options and returns the
// room (Room.Raw is the server's object).
func (c *Client) UpdateRoom(ctx context.Context, id int64, o UpdateRoomOptions) (*Room, error) {
	if err := c.requireLogin("UpdateRoom"); err != nil {
		return nil, err
	}
	if id <= 0 {
		return nil, argError("UpdateRoom", "id", "is required")
	}
	p := (&params{}).set("id", id)
	if o.Name != "" {
		p.set("room_name", o.Name)
	}
	if o.AvatarURL != "" {
		p.set("avatar_url", o.AvatarURL)
	}
	if len(o.Options) > 0 && string(o.Options) != "null" {
		p.set("options", string(o.Options))
	}
	res, err := c.call(ctx, "POST", "update_room", nil, p)
	if err != nil {
		return nil, err
	}
	raw, err := field(res, "room")
	if err != nil {
		return nil, err
	}
	return parseRoom(raw)
}

// AddParticipantsToGroup adds users and returns them as participants
// (each Participant.Raw is the server's object).
func (c *Client) AddParticipantsToGroup(ctx context.Context, roomID int64, userIDs []string) ([]Participant, error) {
	out, err := c.changeParticipants(ctx, "addParticipantsToGroup", "add_room_participants", "participants_added", roomID, userIDs)
	if err != nil {
		return nil, err
	}
	return parseParticipants(out)
}

// RemoveParticipantsFromGroup removes users and returns the ids removed.
func (c *Client) RemoveParticipantsFromGroup(ctx context.Context, roomID int64, userIDs []string) ([]string, error) {
	out, err := c.changeParticipants(ctx, "removeParticipantsFromGroup", "remove_room_participants", "participants_removed", roomID, userIDs)
	if err != nil {
		return nil, err
	}
	var ids []string
	if err := jsonx.Unmarshal(out, &ids); err != nil {
		return nil, fmt.Errorf("qiscus: decode participants_removed: %w", err)
	}
	return ids, nil
}

// parseParticipants decodes a JSON array of participants, keeping each
// one's bytes.
func parseParticipants(arr RawMessage) ([]Participant, error) {
	var raws []RawMessage
	if err := jsonx.Unmarshal(arr, &raws); err != nil {
		return nil, fmt.Errorf("qiscus: decode participants: %w", err)
	}
	out := make([]Participant, 0, len(raws))
	for _, raw := range raws {
		var p Participant
		if err := jsonx.Unmarshal(raw, &p); err != nil {
			return nil, fmt.Errorf("qiscus: decode participant: %w", err)
		}
		p.Raw = raw
		out = append(out, p)
	}
	return out, nil
}

func (c *Client) changeParticipants(ctx context.Context, method, path, key string, roomID int64, userIDs []string) (RawMessage, error) {
	if err := c.requireLogin(method); err != nil {
		return nil, err
	}
	if roomID <= 0 {
		return nil, argError(method, "roomId", "is required")
	}
	if err := validIDs(method, "userIds", userIDs); err != nil {
		return nil, err
	}
	res, err := c.call(ctx, "POST", path, nil, (&params{}).set("room_id", roomID).set("emails", userIDs))
	if err != nil {
		return nil, err
	}
	out, err := field(res, key)
	if err != nil {
		return nil, err
	}
	// Only the selected room's participants change, and only if it is
	// this room (v2 edited whatever room was selected).
	c.mu.Lock()
	if sel := c.selected; sel != nil && sel.ID == roomID {
		if key == "participants_added" {
			var ps []Participant
			if jsonx.Unmarshal(out, &ps) == nil {
				sel.Participants = append(sel.Participants, ps...)
			}
		} else {
			drop := map[string]bool{}
			for _, u := range userIDs {
				drop[u] = true
			}
			kept := sel.Participants[:0]
			for _, p := range sel.Participants {
				if !drop[p.Email] {
					kept = append(kept, p)
				}
			}
			sel.Participants = kept
		}
		ps, _ := jsonx.Marshal(sel.Participants)
		c.mu.Unlock()
		c.emitMirror("_selectedPatch", map[string]any{"participants": RawMessage(ps)})
	} else {
		c.mu.Unlock()
	}
	return out, nil
}

// ParticipantList is a page of a room's members.
type ParticipantList struct {
	Participants []Participant
	Total        int        // members in the room, from meta.total
	Raw          RawMessage // the server's results object ({meta, participants})
}

// GetParticipants pages through a room's members (broken in v2.14+).
func (c *Client) GetParticipants(ctx context.Context, roomUniqueID string, o PageOptions) (*ParticipantList, error) {
	if err := c.requireLogin("GetParticipants"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(roomUniqueID) == "" {
		return nil, argError("GetParticipants", "roomUniqueId", "is required")
	}
	res, err := c.call(ctx, "GET", "room_participants", o.params().set("room_unique_id", roomUniqueID), nil)
	if err != nil {
		return nil, err
	}
	var r struct {
		Meta struct {
			Total int `json:"total"`
		} `json:"meta"`
		Participants RawMessage `json:"participants"`
	}
	if err := jsonx.Unmarshal(res, &r); err != nil {
		return nil, fmt.Errorf("qiscus: room_participants: decode: %w", err)
	}
	l := &ParticipantList{Total: r.Meta.Total, Raw: res}
	if len(r.Participants) > 0 && string(r.Participants) != "null" {
		if l.Participants, err = parseParticipants(r.Participants); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// GetTotalUnreadCount is the number of unread messages in all rooms.
func (c *Client) GetTotalUnreadCount(ctx context.Context) (int64, error) {
	return c.unreadCount(ctx, "getTotalUnreadCount", "total_unread_count")
}

// GetRoomUnreadCount is the number of rooms with unread messages.
func (c *Client) GetRoomUnreadCount(ctx context.Context) (int64, error) {
	return c.unreadCount(ctx, "getRoomUnreadCount", "get_room_unread_count")
}

func (c *Client) unreadCount(ctx context.Context, method, path string) (int64, error) {
	if err := c.requireLogin(method); err != nil {
		return 0, err
	}
	res, err := c.call(ctx, "GET", path, nil, nil)
	if err != nil {
		return 0, err
	}
	var r struct {
		N int64 `json:"total_unread_count"`
	}
	if err := jsonx.Unmarshal(res, &r); err != nil {
		return 0, fmt.Errorf("qiscus: %s: decode: %w", path, err)
	}
	return r.N, nil
}

// ClearRoomMessages empties rooms, given their unique ids, and returns
// the rooms cleared; RoomCleared arrives over realtime.
func (c *Client) ClearRoomMessages(ctx context.Context, roomUniqueIDs []string) (*RoomList, error) {
	if err := c.requireLogin("ClearRoomMessages"); err != nil {
		return nil, err
	}
	if err := validIDs("ClearRoomMessages", "roomUniqueIds", roomUniqueIDs); err != nil {
		return nil, err
	}
	res, err := c.call(ctx, "DELETE", "clear_room_messages", nil, map[string]any{"room_channel_ids": roomUniqueIDs})
	if err != nil {
		return nil, err
	}
	return c.parseRooms(res, "rooms"), nil
}
