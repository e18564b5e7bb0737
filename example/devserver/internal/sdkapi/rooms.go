package sdkapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// handleGetOrCreateRoomWithTarget is POST get_or_create_room_with_target (form:
// emails as one value or an array, options as a JSON string). The same pair
// always gets the same single room.
func (s *API) handleGetOrCreateRoomWithTarget(c *httpapi.Call) (any, error) {
	emails := c.P.Strings("emails")
	if len(emails) == 0 {
		return nil, apierr.BadRequest("emails is required (the target user id)")
	}
	// v3 and the server API send both members; the caller is implied.
	targets := slices.DeleteFunc(slices.Clone(emails), func(e string) bool { return e == c.User.ID })
	switch len(targets) {
	case 0:
		return nil, apierr.BadRequest("cannot open a single room with yourself")
	case 1:
	default:
		return nil, apierr.BadRequest("emails must name exactly one target user, got %d", len(targets))
	}
	options, err := c.P.JSON("options")
	if err != nil {
		return nil, err
	}
	target, err := s.reads.UserByID(c.Ctx, targets[0])
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	id, err := s.chat.SingleRoom(c.Ctx, &c.User, &target, string(options), c.Now)
	if err != nil {
		return nil, err
	}
	return s.roomWithComments(c.Ctx, id, c.User.PK)
}

// handleGetRoomByID is GET get_room_by_id?id=.
func (s *API) handleGetRoomByID(c *httpapi.Call) (any, error) {
	id, err := c.P.RequireInt64("id")
	if err != nil {
		return nil, err
	}
	return s.roomWithComments(c.Ctx, id, c.User.PK)
}

// roomWithComments is {room, comments} (comments newest first) as viewerPK sees them.
func (s *API) roomWithComments(ctx context.Context, roomID, viewerPK int64) (map[string]any, error) {
	d, err := s.readableRoom(ctx, roomID, viewerPK)
	if err != nil {
		return nil, err
	}
	cs, err := s.reads.RoomComments(ctx, roomID, viewerPK, 0, false, wire.RoomCommentsPage)
	if err != nil {
		return nil, err
	}
	var last *store.Comment
	if len(cs) > 0 {
		last = &cs[0]
	}
	unread, err := s.unread(ctx, d, viewerPK)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"room":     wire.RoomFor(d, viewerPK, last, unread),
		"comments": wire.CommentsFor(cs, d, viewerPK),
	}, nil
}

// unread counts what viewerPK has not read in the room.
func (s *API) unread(ctx context.Context, d *store.RoomDetail, viewerPK int64) (int64, error) {
	var readID int64
	if p := d.Participant(viewerPK); p != nil {
		readID = p.LastReadID
	}
	return s.reads.UnreadCount(ctx, d.ID, viewerPK, readID)
}

// roomJSONView renders a room for viewerPK with its latest visible comment.
func (s *API) roomJSONView(ctx context.Context, d *store.RoomDetail, viewerPK int64) (wire.Room, *store.Comment, error) {
	last, err := s.reads.LastComment(ctx, d.ID, viewerPK)
	if err != nil {
		return wire.Room{}, nil, err
	}
	unread, err := s.unread(ctx, d, viewerPK)
	if err != nil {
		return wire.Room{}, nil, err
	}
	return wire.RoomFor(d, viewerPK, last, unread), last, nil
}

// readableRoom loads a room the user may read: a participant, or anyone for a
// public channel.
func (s *API) readableRoom(ctx context.Context, roomID, userPK int64) (*store.RoomDetail, error) {
	d, err := s.reads.RoomDetail(ctx, roomID)
	if err != nil {
		return nil, err
	}
	if !d.CanRead(userPK) {
		return nil, fmt.Errorf("%w (room %d)", apierr.ErrNotParticipant, roomID)
	}
	return d, nil
}

// roomByUniqueID loads the room with this unique id through access
// (readableRoom or memberRoom).
func (s *API) roomByUniqueID(ctx context.Context, uid string, userPK int64,
	access func(context.Context, int64, int64) (*store.RoomDetail, error)) (*store.RoomDetail, error) {
	r, err := s.reads.RoomByUniqueID(ctx, uid)
	if err != nil {
		return nil, err
	}
	return access(ctx, r.ID, userPK)
}

// memberRoom loads a room the user belongs to.
func (s *API) memberRoom(ctx context.Context, roomID, userPK int64) (*store.RoomDetail, error) {
	d, err := s.reads.RoomDetail(ctx, roomID)
	if err != nil {
		return nil, err
	}
	if d.Participant(userPK) == nil {
		return nil, fmt.Errorf("%w (room %d)", apierr.ErrNotParticipant, roomID)
	}
	return d, nil
}

// resolveUsers looks up user ids (deduplicated, in order); an unknown one is a 404.
func (s *API) resolveUsers(ctx context.Context, ids []string) ([]store.User, error) {
	seen := map[string]bool{}
	var out []store.User
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		u, err := s.reads.UserByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// validRoomName bounds names and unique ids; unique ids are also MQTT topic
// levels ({AppId}/{uniqueId}/c), like user ids.
func validRoomName(k, v string) error {
	if len(v) > 255 {
		return apierr.BadRequest("%s is too long (max 255 bytes)", k)
	}
	return nil
}

// handleCreateRoom is POST create_room (form: name, participants[],
// avatar_url, options as a JSON string). The creator is always a participant.
func (s *API) handleCreateRoom(c *httpapi.Call) (any, error) {
	name, err := c.P.RequireString("name")
	if err != nil {
		return nil, err
	}
	if err := validRoomName("name", name); err != nil {
		return nil, err
	}
	options, err := c.P.JSON("options")
	if err != nil {
		return nil, err
	}
	members, err := s.resolveUsers(c.Ctx, c.P.Strings("participants"))
	if err != nil {
		return nil, fmt.Errorf("participants: %w", err)
	}
	id, err := s.chat.CreateGroup(c.Ctx, store.NewRoom{Name: name, AvatarURL: c.P.String("avatar_url"),
		Options: string(options), CreatorPK: c.User.PK, MemberPKs: wire.PKs(members), CreatedAt: c.Now})
	if err != nil {
		return nil, err
	}
	return s.roomWithComments(c.Ctx, id, c.User.PK)
}

// handleGetOrCreateRoomWithUniqueID is POST get_or_create_room_with_unique_id
// (form: unique_id, name, avatar_url): a public channel, which the caller
// joins. changed is true when the channel was created or renamed.
func (s *API) handleGetOrCreateRoomWithUniqueID(c *httpapi.Call) (any, error) {
	uid, err := c.P.RequireString("unique_id")
	if err != nil {
		return nil, err
	}
	if err := wire.ValidUserID(uid); err != nil {
		return nil, apierr.BadRequest("unique_id must be 1-255 characters without / + # or control characters")
	}
	name := c.P.String("name")
	if err := validRoomName("name", name); err != nil {
		return nil, err
	}
	id, changed, err := s.chat.JoinChannel(c.Ctx, uid, name, c.P.String("avatar_url"), c.User.PK, c.Now)
	if err != nil {
		return nil, err
	}
	res, err := s.roomWithComments(c.Ctx, id, c.User.PK)
	if err != nil {
		return nil, err
	}
	res["changed"] = changed
	return res, nil
}

// roomInfo renders a room of a list (user_rooms, rooms_info) for viewerPK.
// placeholder gives an empty room a last_comment with id 0 instead of null:
// the v2 loadRoomList reads last_comment.id of every room.
func (s *API) roomInfo(ctx context.Context, d *store.RoomDetail, viewerPK int64, showParticipants, removed, placeholder bool) (wire.RoomInfo, error) {
	r, last, err := s.roomJSONView(ctx, d, viewerPK)
	if err != nil {
		return wire.RoomInfo{}, err
	}
	if !showParticipants {
		r.Participants = []wire.Participant{}
	}
	if removed {
		r.UnreadCount = 0 // they no longer read this room
	}
	out := wire.RoomInfo{Room: r, IsRemoved: removed}
	switch {
	case last != nil:
		cj := wire.CommentFor(last, d, viewerPK)
		out.LastComment = &cj
	case placeholder:
		cj := wire.CommentFor(&store.Comment{RoomID: d.ID, Type: "text", CreatedAt: d.CreatedAt}, d, viewerPK)
		cj.Status = "sent"
		out.LastComment = &cj
	}
	return out, nil
}

// maxRoomsInfo bounds one rooms_info request.
const maxRoomsInfo = 100

// handleRoomsInfo is POST rooms_info (JSON: room_id[] as numbers or strings,
// room_unique_id[], show_participants, show_removed). Rooms the caller may not
// see (or that do not exist) are left out; meta tells how many came back.
func (s *API) handleRoomsInfo(c *httpapi.Call) (any, error) {
	var ids []int64
	for _, v := range c.P.Strings("room_id") {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, apierr.BadRequest("room_id must hold room ids (integers), got %q", v)
		}
		ids = append(ids, id)
	}
	uids := c.P.Strings("room_unique_id")
	requested := len(ids) + len(uids)
	if requested == 0 {
		return nil, apierr.BadRequest("room_id or room_unique_id is required")
	}
	if requested > maxRoomsInfo {
		return nil, apierr.BadRequest("at most %d rooms per request, got %d", maxRoomsInfo, requested)
	}
	showParticipants, err := c.P.Bool("show_participants")
	if err != nil {
		return nil, err
	}
	showRemoved, err := c.P.Bool("show_removed")
	if err != nil {
		return nil, err
	}
	for _, uid := range uids {
		r, err := s.reads.RoomByUniqueID(c.Ctx, uid)
		if errors.Is(err, apierr.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		ids = append(ids, r.ID)
	}
	seen := map[int64]bool{}
	infos := []wire.RoomInfo{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		d, err := s.reads.RoomDetail(c.Ctx, id)
		if errors.Is(err, apierr.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		removed := false
		if !d.CanRead(c.User.PK) {
			if removed, err = s.reads.WasRemoved(c.Ctx, id, c.User.PK); err != nil {
				return nil, err
			}
			if !removed || !showRemoved {
				continue
			}
		}
		info, err := s.roomInfo(c.Ctx, d, c.User.PK, showParticipants, removed, false)
		if err != nil {
			return nil, err
		}
		infos = append(infos, info)
	}
	return map[string]any{
		"meta":       map[string]int{"request_rooms_total": requested, "response_rooms_total": len(infos)},
		"rooms_info": infos,
	}, nil
}

// roomTypes maps user_rooms' room_type to the chat types it lists.
var roomTypes = map[string][]string{
	"": {"single", "group", "channel"}, "default": {"single", "group", "channel"},
	"all": {"single", "group", "channel"}, "single": {"single"}, "group": {"group"}, "channel": {"channel"},
}

// handleUserRooms is GET user_rooms?page&limit&show_participants&show_empty&
// show_removed&room_type: the caller's rooms, latest activity first. Rooms
// without comments are left out unless show_empty; then their last_comment
// is a placeholder with id 0.
func (s *API) handleUserRooms(c *httpapi.Call) (any, error) {
	page, limit, err := c.P.PageOf(20, 100)
	if err != nil {
		return nil, err
	}
	var flags [3]bool
	for i, k := range []string{"show_participants", "show_empty", "show_removed"} {
		if flags[i], err = c.P.Bool(k); err != nil {
			return nil, err
		}
	}
	showParticipants, showEmpty, showRemoved := flags[0], flags[1], flags[2]
	types, ok := roomTypes[c.P.String("room_type")]
	if !ok {
		return nil, apierr.BadRequest("room_type must be default, all, single, group or channel, got %q", c.P.String("room_type"))
	}
	refs, err := s.reads.UserRooms(c.Ctx, c.User.PK, showRemoved)
	if err != nil {
		return nil, err
	}
	type entry struct {
		d        *store.RoomDetail
		removed  bool
		activity int64
	}
	var list []entry
	for _, ref := range refs {
		d, err := s.reads.RoomDetail(c.Ctx, ref.ID)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(types, d.ChatType) {
			continue
		}
		last, err := s.reads.LastComment(c.Ctx, d.ID, c.User.PK)
		if err != nil {
			return nil, err
		}
		if last == nil && !showEmpty {
			continue
		}
		e := entry{d: d, removed: ref.Removed, activity: d.CreatedAt}
		if last != nil {
			e.activity = last.CreatedAt
		}
		list = append(list, e)
	}
	slices.SortStableFunc(list, func(a, b entry) int {
		if a.activity != b.activity {
			return cmp.Compare(b.activity, a.activity)
		}
		return cmp.Compare(b.d.ID, a.d.ID)
	})
	total := len(list)
	from := min((page-1)*limit, total)
	infos := []wire.RoomInfo{}
	for _, e := range list[from:min(from+limit, total)] {
		info, err := s.roomInfo(c.Ctx, e.d, c.User.PK, showParticipants, e.removed, true)
		if err != nil {
			return nil, err
		}
		infos = append(infos, info)
	}
	return map[string]any{
		"meta":       map[string]int{"current_page": page, "total_room": total},
		"rooms_info": infos,
	}, nil
}

// handleUpdateRoom is POST update_room (form: id, room_name, avatar_url,
// options as a JSON string; each optional). Participants only; nothing is
// published.
func (s *API) handleUpdateRoom(c *httpapi.Call) (any, error) {
	id, err := c.P.RequireInt64("id")
	if err != nil {
		return nil, err
	}
	var up store.RoomUpdate
	if v := c.P.String("room_name"); v != "" {
		if err := validRoomName("room_name", v); err != nil {
			return nil, err
		}
		up.Name = &v
	}
	if v := c.P.String("avatar_url"); v != "" {
		up.AvatarURL = &v
	}
	options, err := c.P.JSON("options")
	if err != nil {
		return nil, err
	}
	if options != nil {
		o := string(options)
		up.Options = &o
	}
	if _, err := s.memberRoom(c.Ctx, id, c.User.PK); err != nil {
		return nil, err
	}
	if _, err := s.chat.UpdateRoom(c.Ctx, id, up); err != nil {
		return nil, err
	}
	d, err := s.reads.RoomDetail(c.Ctx, id)
	if err != nil {
		return nil, err
	}
	r, _, err := s.roomJSONView(c.Ctx, d, c.User.PK)
	if err != nil {
		return nil, err
	}
	return map[string]any{"room": r}, nil
}

// groupForChange loads a group room whose participants the caller may change,
// and the users named by emails[].
func (s *API) groupForChange(c *httpapi.Call) (*store.RoomDetail, []store.User, error) {
	roomID, err := c.P.RequireInt64("room_id")
	if err != nil {
		return nil, nil, err
	}
	emails := c.P.Strings("emails")
	if len(emails) == 0 {
		return nil, nil, apierr.BadRequest("emails is required (the user ids)")
	}
	d, err := s.memberRoom(c.Ctx, roomID, c.User.PK)
	if err != nil {
		return nil, nil, err
	}
	if d.ChatType != "group" {
		kind := d.ChatType
		if kind == "channel" {
			kind = "public channel"
		}
		return nil, nil, apierr.BadRequest("participants can only be changed in group rooms (room %d is a %s room)", roomID, kind)
	}
	users, err := s.resolveUsers(c.Ctx, emails)
	if err != nil {
		return nil, nil, fmt.Errorf("emails: %w", err)
	}
	return d, users, nil
}

// handleAddRoomParticipants is POST add_room_participants (form: room_id,
// emails[]). participants_added lists the users who were not in the room yet.
func (s *API) handleAddRoomParticipants(c *httpapi.Call) (any, error) {
	d, users, err := s.groupForChange(c)
	if err != nil {
		return nil, err
	}
	added, err := s.chat.AddParticipants(c.Ctx, d.ID, wire.PKs(users))
	if err != nil {
		return nil, err
	}
	if d, err = s.reads.RoomDetail(c.Ctx, d.ID); err != nil {
		return nil, err
	}
	out := []wire.Participant{}
	for _, pk := range added {
		if p := d.Participant(pk); p != nil {
			out = append(out, wire.ParticipantOf(p))
		}
	}
	return map[string]any{"participants_added": out}, nil
}

// handleRemoveRoomParticipants is POST remove_room_participants (form:
// room_id, emails[]). participants_removed lists the user ids that were in the
// room; a participant may remove themselves.
func (s *API) handleRemoveRoomParticipants(c *httpapi.Call) (any, error) {
	d, users, err := s.groupForChange(c)
	if err != nil {
		return nil, err
	}
	removed, err := s.chat.RemoveParticipants(c.Ctx, &d.Room, wire.PKs(users), c.Now)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, pk := range removed {
		for _, u := range users {
			if u.PK == pk {
				out = append(out, u.ID)
			}
		}
	}
	return map[string]any{"participants_removed": out}, nil
}

// handleRoomParticipants is GET room_participants?room_unique_id&page&limit
// (or &offset, the deprecated form).
func (s *API) handleRoomParticipants(c *httpapi.Call) (any, error) {
	uid, err := c.P.RequireString("room_unique_id")
	if err != nil {
		return nil, err
	}
	limit, err := c.P.Limit("limit", 20, 100)
	if err != nil {
		return nil, err
	}
	offset := 0
	if c.P.Has("offset") {
		o, _, err := c.P.Int64("offset")
		if err != nil {
			return nil, err
		}
		offset = int(max(o, 0))
	} else {
		page, err := c.P.Page()
		if err != nil {
			return nil, err
		}
		offset = (page - 1) * limit
	}
	d, err := s.roomByUniqueID(c.Ctx, uid, c.User.PK, s.readableRoom)
	if err != nil {
		return nil, err
	}
	total := len(d.Participants)
	from := min(offset, total)
	out := []wire.Participant{}
	for i := from; i < min(from+limit, total); i++ {
		out = append(out, wire.ParticipantOf(&d.Participants[i]))
	}
	return map[string]any{
		"meta":         map[string]int{"current_offset": offset, "per_page": limit, "total": total},
		"participants": out,
	}, nil
}

// unreadPerRoom is the caller's unread count in each of their rooms.
func (s *API) unreadPerRoom(c *httpapi.Call) ([]int64, error) {
	refs, err := s.reads.UserRooms(c.Ctx, c.User.PK, false)
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(refs))
	for _, ref := range refs {
		d, err := s.reads.RoomDetail(c.Ctx, ref.ID)
		if err != nil {
			return nil, err
		}
		n, err := s.unread(c.Ctx, d, c.User.PK)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// handleTotalUnreadCount is GET total_unread_count: unread comments across
// the caller's rooms (comments by others after their read cursor).
func (s *API) handleTotalUnreadCount(c *httpapi.Call) (any, error) {
	counts, err := s.unreadPerRoom(c)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, n := range counts {
		total += n
	}
	return map[string]int64{"total_unread_count": total}, nil
}

// handleRoomUnreadCount is GET get_room_unread_count: how many of the
// caller's rooms have unread comments.
func (s *API) handleRoomUnreadCount(c *httpapi.Call) (any, error) {
	counts, err := s.unreadPerRoom(c)
	if err != nil {
		return nil, err
	}
	var rooms int64
	for _, n := range counts {
		if n > 0 {
			rooms++
		}
	}
	return map[string]int64{"total_unread_count": rooms}, nil
}
