package v2compat

import (
	"cmp"
	"context"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// ChatTarget is chatTarget(userId, options?).
func ChatTarget(ctx context.Context, s *Session, a Args) ([]byte, error) {
	r := a.read()
	id := r.str(0, "userId", true)
	opts := r.object(1, "options")
	if r.err != nil {
		return nil, r.err
	}
	// v2 sends the whole options object, message included; it ignored a
	// message that is not a string.
	msg, _ := optionText(opts, "message")
	return roomReply(s.Client.ChatTarget(ctx, id, sdk.ChatTargetOptions{Message: msg, Options: opts}))
}

// optionText is the string member key of a v2 options object: "" when
// opts or the member is missing or null, an error when it is not a string.
func optionText(opts sdk.RawMessage, key string) (string, error) {
	var m map[string]sdk.RawMessage
	if opts == nil {
		return "", nil
	}
	if err := jsonx.Unmarshal(opts, &m); err != nil {
		return "", err
	}
	var v string
	if raw, ok := m[key]; ok && string(raw) != "null" {
		return v, jsonx.Unmarshal(raw, &v)
	}
	return v, nil
}

// GetRoomByID is getRoomById(roomId) and chatGroup(roomId).
func GetRoomByID(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withArg(a.id, "roomId", func(id int64) ([]byte, error) { return roomReply(s.Client.GetRoomByID(ctx, id)) })
}

// GetOrCreateRoomByUniqueID is getOrCreateRoomByUniqueId(uniqueId,
// roomName?, avatarURL?) and getOrCreateRoomByChannel.
func GetOrCreateRoomByUniqueID(ctx context.Context, s *Session, a Args) ([]byte, error) {
	r := a.read()
	uid := r.str(0, "uniqueId", true)
	name := r.str(1, "roomName", false)
	avatar := r.str(2, "avatarURL", false)
	if r.err != nil {
		return nil, r.err
	}
	return roomReply(s.Client.GetOrCreateRoomByUniqueID(ctx, uid, sdk.RoomOptions{Name: name, AvatarURL: avatar}))
}

// CreateGroupRoom is createGroupRoom(name, userIds, options?); it resolves
// with v2's camelCase summary (GroupJSON).
func CreateGroupRoom(ctx context.Context, s *Session, a Args) ([]byte, error) {
	r := a.read()
	name := r.str(0, "name", true)
	ids := r.strs(1, "userIds", true)
	opts := r.object(2, "options")
	if r.err != nil {
		return nil, r.err
	}
	// v2 sends the whole options object, avatarURL included.
	avatar, err := optionText(opts, "avatarURL")
	if err != nil {
		return nil, a.bad("options", "must be an object with a string avatarURL")
	}
	room, err := s.Client.CreateGroupRoom(ctx, name, ids, sdk.GroupRoomOptions{AvatarURL: avatar, Options: opts})
	if err != nil {
		return nil, err
	}
	return GroupJSON(room), nil
}

// GetRoomsInfo is getRoomsInfo(options?).
func GetRoomsInfo(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withOptions(a, false, func(o sdk.RoomsInfoOptions) ([]byte, error) { return bodyOf(s.Client.GetRoomsInfo(ctx, o)) })
}

// LoadRoomList is loadRoomList(options?): rooms in their v2 shape.
func LoadRoomList(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withOptions(a, false, func(o sdk.RoomListOptions) ([]byte, error) {
		rooms, err := s.Client.LoadRoomList(ctx, o)
		if err != nil {
			return nil, err
		}
		return list(rooms, RoomJSON), nil
	})
}

// UpdateRoom is updateRoom({id, room_name?, avatar_url?, options?});
// options may be an object or a JSON string of one.
func UpdateRoom(ctx context.Context, s *Session, a Args) ([]byte, error) {
	var o struct {
		ID        sdk.RawMessage `json:"id"`
		RoomName  string         `json:"room_name"`
		AvatarURL string         `json:"avatar_url"`
		Options   sdk.RawMessage `json:"options"`
	}
	if err := a.decode(0, "room", &o, true); err != nil {
		return nil, err
	}
	id, err := a.field(o.ID).id(0, "room.id", true)
	if err != nil {
		return nil, err
	}
	opts := o.Options
	if len(opts) > 0 && opts[0] == '"' { // already a JSON string
		var str string
		_ = jsonx.Unmarshal(opts, &str)
		opts = sdk.RawMessage(str)
	}
	rm, err := s.Client.UpdateRoom(ctx, id, sdk.UpdateRoomOptions{Name: o.RoomName, AvatarURL: o.AvatarURL, Options: opts})
	if err != nil {
		return nil, err
	}
	return rm.Raw, nil
}

// AddParticipantsToGroup is addParticipantsToGroup(roomId, userIds).
func AddParticipantsToGroup(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return participants(ctx, s, a, "participantsAdded", func(ctx context.Context, room int64, ids []string) ([]byte, error) {
		ps, err := s.Client.AddParticipantsToGroup(ctx, room, ids)
		if err != nil {
			return nil, err
		}
		return list(ps, func(p sdk.Participant) sdk.RawMessage { return p.Raw }), nil
	})
}

// RemoveParticipantsFromGroup is removeParticipantsFromGroup(roomId, userIds).
func RemoveParticipantsFromGroup(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return participants(ctx, s, a, "participantsRemoved", func(ctx context.Context, room int64, ids []string) ([]byte, error) {
		removed, err := s.Client.RemoveParticipantsFromGroup(ctx, room, ids)
		if err != nil {
			return nil, err
		}
		return AppendJSON(nil, removed), nil
	})
}

// participants changes a group's members and then emits v2's bus event
// (participants-added / participants-removed) with the v2 result.
func participants(ctx context.Context, s *Session, a Args, event string, call func(context.Context, int64, []string) ([]byte, error)) ([]byte, error) {
	r := a.read()
	room := r.id(0, "roomId", true)
	ids := r.strs(1, "userIds", true)
	if r.err != nil {
		return nil, r.err
	}
	res, err := call(ctx, room, ids)
	if err != nil {
		return nil, err
	}
	s.Push(event, []any{sdk.RawMessage(res)})
	return res, nil
}

// GetParticipants is getParticipants(roomUniqueId, page?, limit?).
func GetParticipants(ctx context.Context, s *Session, a Args) ([]byte, error) {
	uid, err := a.str(0, "roomUniqueId", true)
	if err != nil {
		return nil, err
	}
	l, err := s.Client.GetParticipants(ctx, uid, sdk.PageOptions{Page: a.int(1), Limit: a.int(2)})
	if err != nil {
		return nil, err
	}
	return l.Raw, nil
}

// GetTotalUnreadCount is getTotalUnreadCount().
func GetTotalUnreadCount(ctx context.Context, s *Session, a Args) ([]byte, error) {
	n, err := s.Client.GetTotalUnreadCount(ctx)
	return AppendJSON(nil, n), err
}

// GetRoomUnreadCount is getRoomUnreadCount().
func GetRoomUnreadCount(ctx context.Context, s *Session, a Args) ([]byte, error) {
	n, err := s.Client.GetRoomUnreadCount(ctx)
	return AppendJSON(nil, n), err
}

// ExitChatRoom is exitChatRoom().
func ExitChatRoom(ctx context.Context, s *Session, a Args) ([]byte, error) {
	s.Client.ExitChatRoom()
	return nil, nil
}

// ClearRoomMessages is clearRoomMessages(roomUniqueIds).
func ClearRoomMessages(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withArg(a.strs, "roomUniqueIds", func(ids []string) ([]byte, error) { return bodyOf(s.Client.ClearRoomMessages(ctx, ids)) })
}

// SetActiveRoom is setActiveRoom(room): opens a room object the app holds
// (v2's Room object or the server's room JSON), without a request.
func SetActiveRoom(ctx context.Context, s *Session, a Args) ([]byte, error) {
	room, err := a.object(0, "room")
	if err != nil || room == nil {
		return nil, a.bad("room", "must be a room object")
	}
	_, err = s.Client.SetActiveRoom(ctx, serverRoom(room))
	return none(err)
}

// serverRoom adds the server's keys to a v2 Room object (room_type, name,
// isChannel), keeping the server's where the object has them.
func serverRoom(room sdk.RawMessage) sdk.RawMessage {
	var k struct {
		ChatType  string `json:"chat_type"`
		RoomType  string `json:"room_type"`
		RoomName  string `json:"room_name"`
		Name      string `json:"name"`
		Public    bool   `json:"is_public_channel"`
		IsChannel bool   `json:"isChannel"`
	}
	o, ok := extendRaw(room, 96)
	if !ok || jsonx.Unmarshal(room, &k) != nil {
		return room
	}
	o.str("chat_type", cmp.Or(k.ChatType, k.RoomType))
	o.str("room_name", cmp.Or(k.RoomName, k.Name))
	o.bool("is_public_channel", k.Public || k.IsChannel)
	return o.close()
}

// ClearRoomsCache is clearRoomsCache(): forget the rooms but the selected one.
func ClearRoomsCache(ctx context.Context, s *Session, a Args) ([]byte, error) {
	s.Client.ClearRoomsCache()
	return nil, nil
}

// RemoveSelectedRoomParticipants is removeSelectedRoomParticipants(values,
// key?): resolves with the participants as they were.
func RemoveSelectedRoomParticipants(ctx context.Context, s *Session, a Args) ([]byte, error) {
	r := a.read()
	vals := r.strs(0, "values", true)
	key := r.str(1, "key", false)
	if r.err != nil {
		return nil, r.err
	}
	before, err := s.Client.RemoveSelectedRoomParticipants(vals, sdk.ParticipantField(key))
	if err != nil {
		return nil, err
	}
	return AppendJSON(nil, before), nil
}

// GetRoomParticipants is the deprecated getRoomParticipants(roomUniqueId,
// offset?).
func GetRoomParticipants(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withArg(a.str, "roomUniqueId", func(uid string) ([]byte, error) {
		return raw(s.Client.GetRoomParticipants(ctx, uid, a.int(1)))
	})
}
