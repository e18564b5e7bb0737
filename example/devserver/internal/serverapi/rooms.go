package serverapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// restRoomsPage is the get_user_rooms page size; without a page the first
// restRoomsAll rooms come back.
const (
	restRoomsPage = 20
	restRoomsAll  = 100
	maxRoomIDs    = 100 // room_id[] of get_rooms_info
)

// handleRESTGetUserRooms is GET get_user_rooms (user_email, page?,
// show_participants?, room_type?), most recently active rooms first. Single
// rooms are named after the other member, as the user sees them.
func (s *API) handleRESTGetUserRooms(c *httpapi.Call) (any, error) {
	rd := c.P.Read()
	page, show := rd.RestPage("page"), rd.Bool("show_participants")
	if err := rd.Err(); err != nil {
		return nil, err
	}
	roomType := strings.ToLower(strings.TrimSpace(c.P.String("room_type")))
	switch roomType {
	case "", "single", "group":
	case "all", "default":
		roomType = ""
	default:
		return nil, apierr.BadRequest(`room_type must be "single" or "group", got %q`, roomType)
	}
	u, err := s.restUser(c.Ctx, c.P, "user_email")
	if err != nil {
		return nil, err
	}
	limit, offset := restRoomsAll, 0
	if page > 0 {
		limit, offset = restRoomsPage, (page-1)*restRoomsPage
	}
	ids, total, err := s.reads.UserRoomsByActivity(c.Ctx, u.PK, roomType, limit, offset)
	if err != nil {
		return nil, err
	}
	infos := make([]restRoomInfoJSON, 0, len(ids))
	for _, id := range ids {
		d, err := s.reads.RoomDetail(c.Ctx, id)
		if err != nil {
			return nil, err
		}
		info, err := s.restRoomInfo(c.Ctx, d, u.PK, show, d.NameFor(u.PK))
		if err != nil {
			return nil, err
		}
		infos = append(infos, info)
	}
	type metaJSON struct {
		CurrentPage int `json:"current_page"`
		TotalRoom   int `json:"total_room"`
	}
	return map[string]any{"meta": metaJSON{max(page, 1), total}, "rooms_info": infos}, nil
}

// restRoomInfo is one rooms_info item as viewerPK sees it.
func (s *API) restRoomInfo(ctx context.Context, d *store.RoomDetail, viewerPK int64, withParticipants bool, name string) (restRoomInfoJSON, error) {
	last, err := s.reads.LastComment(ctx, d.ID, viewerPK)
	if err != nil {
		return restRoomInfoJSON{}, err
	}
	var readID int64
	if p := d.Participant(viewerPK); p != nil {
		readID = p.LastReadID
	}
	unread, err := s.reads.UnreadCount(ctx, d.ID, viewerPK, readID)
	if err != nil {
		return restRoomInfoJSON{}, err
	}
	info := restRoomInfoJSON{
		LastCommentTimestamp: noCommentTimestamp, RoomAvatarURL: d.AvatarFor(viewerPK), RoomID: d.ID,
		RoomName: name, RoomType: wire.ChatType(d.ChatType), RoomUniqueID: d.UniqueID, UnreadCount: unread,
	}
	if last != nil {
		info.LastCommentID, info.LastCommentMessage = last.ID, last.Message
		info.LastCommentTimestamp = wire.RFC3339(last.CreatedAt)
	}
	if withParticipants {
		info.Participants = restParticipantsJSON(d)
	}
	return info, nil
}

// handleRESTCreateRoom is POST create_room (name, participants[], creator,
// avatar_url?, options?): a group room with the creator and the participants.
func (s *API) handleRESTCreateRoom(c *httpapi.Call) (any, error) {
	name := strings.TrimSpace(c.P.String("name"))
	if name == "" {
		return nil, apierr.BadRequest("name is required")
	}
	if len(name) > 255 {
		return nil, apierr.BadRequest("name is too long (max 255 characters)")
	}
	ids := httpapi.Dedupe(httpapi.Strs(c.P, "participants"))
	if len(ids) == 0 {
		return nil, apierr.BadRequest("participants[] is required (user ids)")
	}
	avatar := strings.TrimSpace(c.P.String("avatar_url"))
	if avatar != "" {
		if err := httpapi.CheckURL("avatar_url", avatar); err != nil {
			return nil, err
		}
	}
	options, err := c.P.JSON("options")
	if err != nil {
		return nil, err
	}
	creator, err := s.restUser(c.Ctx, c.P, "creator")
	if err != nil {
		return nil, err
	}
	members, err := s.restUsers(c.Ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("participants: %w", err)
	}
	id, err := s.chat.CreateGroup(c.Ctx, store.NewRoom{Name: name, AvatarURL: avatar, Options: string(options),
		CreatorPK: creator.PK, MemberPKs: wire.PKs(members), CreatedAt: c.Now})
	if err != nil {
		return nil, err
	}
	d, err := s.reads.RoomDetail(c.Ctx, id)
	if err != nil {
		return nil, err
	}
	return roomSummaryJSON(d, creator.ID), nil
}

// handleRESTUpdateRoom is POST update_room (user_email, room_id, room_name?,
// room_avatar_url?, options?). The user must be a participant of the group.
func (s *API) handleRESTUpdateRoom(c *httpapi.Call) (any, error) {
	var up store.RoomUpdate
	if c.P.Has("room_name") {
		name := strings.TrimSpace(c.P.String("room_name"))
		if name == "" {
			return nil, apierr.BadRequest("room_name must not be empty")
		}
		if len(name) > 255 {
			return nil, apierr.BadRequest("room_name is too long (max 255 characters)")
		}
		up.Name = &name
	}
	for _, k := range []string{"room_avatar_url", "avatar_url"} {
		if c.P.Has(k) && up.AvatarURL == nil {
			avatar := strings.TrimSpace(c.P.String(k))
			if avatar != "" {
				if err := httpapi.CheckURL(k, avatar); err != nil {
					return nil, err
				}
			}
			up.AvatarURL = &avatar
		}
	}
	if c.P.Has("options") {
		options, err := c.P.JSON("options")
		if err != nil {
			return nil, err
		}
		o := string(options)
		up.Options = &o
	}
	u, err := s.restUser(c.Ctx, c.P, "user_email")
	if err != nil {
		return nil, err
	}
	d, err := s.restRoomParam(c.Ctx, c.P, "room_id")
	if err != nil {
		return nil, err
	}
	if err := requireGroup(d); err != nil {
		return nil, err
	}
	if d.Participant(u.PK) == nil {
		return nil, fmt.Errorf("%w (user %q, room %d)", apierr.ErrNotParticipant, u.ID, d.ID)
	}
	changed, err := s.chat.UpdateRoom(c.Ctx, d.ID, up)
	if err != nil {
		return nil, err
	}
	res, err := s.restRoomWithComments(c.Ctx, d.ID)
	if err != nil {
		return nil, err
	}
	res["changed"] = changed
	return res, nil
}

// restRoomWithComments is {room, comments} (the 20 newest, newest first).
func (s *API) restRoomWithComments(ctx context.Context, roomID int64) (map[string]any, error) {
	d, err := s.reads.RoomDetail(ctx, roomID)
	if err != nil {
		return nil, err
	}
	cs, err := s.reads.RoomComments(ctx, roomID, 0, 0, false, wire.RoomCommentsPage) // the server sees every comment
	if err != nil {
		return nil, err
	}
	room := restRoomJSON{
		ID: d.ID, RoomName: wire.RoomName(d), ChatType: wire.ChatType(d.ChatType), AvatarURL: d.AvatarURL,
		Options: d.Options, UniqueID: d.UniqueID, LastTopicID: d.ID, Participants: restParticipantsJSON(d),
	}
	if len(cs) > 0 {
		room.LastCommentID, room.LastCommentMessage = cs[0].ID, cs[0].Message
	}
	return map[string]any{"room": room, "comments": restCommentsJSON(cs, d)}, nil
}

// handleRESTGetOrCreateRoomWithTarget is GET get_or_create_room_with_target
// (emails[]: exactly two user ids). The pair always gets the same single room,
// the one the SDK's chatTarget opens too.
func (s *API) handleRESTGetOrCreateRoomWithTarget(c *httpapi.Call) (any, error) {
	ids := httpapi.Dedupe(httpapi.Strs(c.P, "emails"))
	if len(ids) != 2 {
		return nil, apierr.BadRequest("emails[] must hold exactly 2 different user ids, got %d", len(ids))
	}
	options, err := c.P.JSON("options")
	if err != nil {
		return nil, err
	}
	us, err := s.restUsers(c.Ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("emails: %w", err)
	}
	id, err := s.chat.SingleRoom(c.Ctx, &us[0], &us[1], string(options), c.Now)
	if err != nil {
		return nil, err
	}
	return s.restRoomWithComments(c.Ctx, id)
}

// handleRESTGetRoomsInfo is POST get_rooms_info (room_id[]: ids or unique ids,
// user_email, show_participants?). unread_count is the user's; the user must be
// in every room.
func (s *API) handleRESTGetRoomsInfo(c *httpapi.Call) (any, error) {
	refs := httpapi.Dedupe(httpapi.Strs(c.P, "room_id"))
	if len(refs) == 0 {
		return nil, apierr.BadRequest("room_id[] is required")
	}
	if len(refs) > maxRoomIDs {
		return nil, apierr.BadRequest("room_id[] holds %d rooms (max %d)", len(refs), maxRoomIDs)
	}
	show, err := c.P.Bool("show_participants")
	if err != nil {
		return nil, err
	}
	u, err := s.restUser(c.Ctx, c.P, "user_email")
	if err != nil {
		return nil, err
	}
	infos := make([]restRoomInfoJSON, 0, len(refs))
	for _, ref := range refs {
		d, err := s.restRoom(c.Ctx, ref)
		if err != nil {
			return nil, err
		}
		if d.Participant(u.PK) == nil {
			return nil, fmt.Errorf("%w (user %q, room %d)", apierr.ErrNotParticipant, u.ID, d.ID)
		}
		info, err := s.restRoomInfo(c.Ctx, d, u.PK, show, wire.RoomName(d))
		if err != nil {
			return nil, err
		}
		infos = append(infos, info)
	}
	return map[string]any{"rooms_info": infos}, nil
}

// handleRESTAddRoomParticipants is POST add_room_participants (room_id, emails[]).
func (s *API) handleRESTAddRoomParticipants(c *httpapi.Call) (any, error) {
	return s.changeParticipants(c, true)
}

// handleRESTRemoveRoomParticipants is POST remove_room_participants (room_id,
// emails[]). Users who are not in the room are ignored.
func (s *API) handleRESTRemoveRoomParticipants(c *httpapi.Call) (any, error) {
	return s.changeParticipants(c, false)
}

func (s *API) changeParticipants(c *httpapi.Call, add bool) (any, error) {
	ids := httpapi.Dedupe(httpapi.Strs(c.P, "emails"))
	if len(ids) == 0 {
		return nil, apierr.BadRequest("emails[] is required (user ids)")
	}
	d, err := s.restRoomParam(c.Ctx, c.P, "room_id")
	if err != nil {
		return nil, err
	}
	if err := requireGroup(d); err != nil {
		return nil, err
	}
	us, err := s.restUsers(c.Ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("emails: %w", err)
	}
	pks := wire.PKs(us)
	if add {
		_, err = s.chat.AddParticipants(c.Ctx, d.ID, pks)
	} else {
		_, err = s.chat.RemoveParticipants(c.Ctx, &d.Room, pks, c.Now)
	}
	if err != nil {
		return nil, err
	}
	if d, err = s.reads.RoomDetail(c.Ctx, d.ID); err != nil {
		return nil, err
	}
	creator, err := s.reads.RoomCreator(c.Ctx, d.ID)
	if err != nil {
		return nil, err
	}
	return roomSummaryJSON(d, creator), nil
}
