package serverapi

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/chat"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/msgtype"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/webhook"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

const (
	searchLimit = 100 // search_messages returns the last 100 matches
)

// handleRESTPostComment is POST post_comment: sender_email (or user_id, the
// v2.1 name), room_id (id or unique id), message, type?, payload?, extras?,
// unique_temp_id?, disable_link_preview?. The sender must be in the room.
func (s *API) handleRESTPostComment(c *httpapi.Call) (any, error) {
	senderID := c.P.String("sender_email")
	if senderID == "" {
		senderID = c.P.String("user_id")
	}
	if senderID == "" {
		return nil, apierr.BadRequest("sender_email (or user_id) is required")
	}
	roomRef, err := c.P.RequireString("room_id")
	if err != nil {
		return nil, err
	}
	var flags [2]bool
	for i, k := range []string{"split_long_message", "skip_realtime"} {
		if flags[i], err = c.P.Bool(k); err != nil {
			return nil, err
		}
	}
	split, skipRealtime := flags[0], flags[1]
	typ := strings.TrimSpace(c.P.String("type"))
	if typ == "" {
		typ = "text"
	}
	msg := c.P.String("message")
	parts := []string{msg}
	if split && typ == "text" {
		if parts = splitMessage(msg, chat.MaxMessageLength); len(parts) > maxMessageParts {
			return nil, apierr.BadRequest("message is too long to split (max %d parts of %d characters)", maxMessageParts, chat.MaxMessageLength)
		}
	}
	if err := msgtype.CheckLength(parts[0]); err != nil {
		return nil, err
	}
	rd := c.P.Read()
	payload, extras, noPreview := rd.JSON("payload"), rd.JSONObject("extras"), rd.Bool("disable_link_preview")
	if err := rd.Err(); err != nil {
		return nil, err
	}
	uniqueID := strings.TrimSpace(c.P.String("unique_temp_id"))
	if len(uniqueID)+len(partSuffix(len(parts))) > msgtype.MaxUniqueTempIDLength {
		return nil, apierr.BadRequest("unique_temp_id is too long (max %d bytes, with the suffix of a split's parts)", msgtype.MaxUniqueTempIDLength)
	}
	if uniqueID == "" {
		uniqueID = store.NewUniqueTempID()
	}
	sender, err := s.reads.UserByID(c.Ctx, senderID)
	if err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	d, err := s.restRoom(c.Ctx, roomRef)
	if err != nil {
		return nil, err
	}
	if d.Participant(sender.PK) == nil && !d.IsPublicChannel {
		return nil, fmt.Errorf("%w (user %q, room %d)", apierr.ErrNotParticipant, sender.ID, d.ID)
	}
	if len(parts) > 1 {
		if payload != nil {
			return nil, apierr.BadRequest("a split text message takes no payload")
		}
		for i, part := range parts {
			if strings.TrimSpace(part) == "" {
				return nil, apierr.BadRequest("part %d of the split message would be blank", i+1)
			}
		}
	}
	if msg, payload, err = msgtype.Normalize(typ, parts[0], payload, msgtype.RepliedIn(c.Ctx, s.reads, d.ID)); err != nil {
		return nil, err
	}
	if strings.TrimSpace(msg) == "" && typ != "file_attachment" && msgtype.IsBuiltin(typ) {
		return nil, apierr.BadRequest("message is required")
	}
	parts[0] = msg
	// The parts are posted in order, each as its own message: a retry with
	// the same unique_temp_id finds those already stored and posts the rest.
	out := make([]wire.Comment, 0, len(parts))
	for i, part := range parts {
		cm, pd, err := s.chat.PostComment(c.Ctx, &sender, store.NewComment{
			RoomID: d.ID, UniqueTempID: uniqueID + partSuffix(i+1), Message: part, Type: typ,
			Payload: payload, Extras: extras, CreatedAt: c.Now, DisableLinkPreview: noPreview,
		}, chat.PostOptions{Webhook: webhook.REST, AsServer: true, NoRealtime: skipRealtime})
		if err != nil {
			return nil, err
		}
		out = append(out, wire.CommentFor(&cm, pd, sender.PK))
	}
	res := map[string]any{"comment": out[0]}
	if split {
		res["comments"] = out
	}
	return res, nil
}

// maxMessageParts bounds split_long_message: 25 parts of 4000 characters.
const maxMessageParts = 25

// partSuffix is the unique_temp_id suffix of part n (1-based) of a split
// message: none for the first, so an unsplit message keeps its id.
func partSuffix(n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf("-part%d", n)
}

// splitMessage cuts text into parts of at most limit characters whose
// concatenation is text. A part ends after the last whitespace of its
// final eighth when there is one, so words stay whole.
func splitMessage(text string, limit int) []string {
	rs := []rune(text)
	var parts []string
	for len(rs) > limit {
		cut := limit
		for i := limit; i > limit-limit/8; i-- {
			if unicode.IsSpace(rs[i-1]) {
				cut = i
				break
			}
		}
		parts = append(parts, string(rs[:cut]))
		rs = rs[cut:]
	}
	return append(parts, string(rs))
}

// handleRESTLoadComments is GET load_comments (room_id: id or unique id, page?,
// limit? default 20, max 100), newest first.
func (s *API) handleRESTLoadComments(c *httpapi.Call) (any, error) {
	page, err := c.P.RestPage("page")
	if err != nil {
		return nil, err
	}
	limit, err := c.P.Limit("limit", 20, 100)
	if err != nil {
		return nil, err
	}
	d, err := s.restRoomParam(c.Ctx, c.P, "room_id")
	if err != nil {
		return nil, err
	}
	cs, err := s.reads.RoomCommentsPage(c.Ctx, d.ID, limit, (max(page, 1)-1)*limit)
	if err != nil {
		return nil, err
	}
	return map[string]any{"comments": restCommentsJSON(cs, d)}, nil
}

// handleRESTSearchMessages is POST search_messages (user_email, query,
// room_id?): the last 100 messages containing query (case-insensitive) in the
// user's rooms, newest first.
func (s *API) handleRESTSearchMessages(c *httpapi.Call) (any, error) {
	query := strings.TrimSpace(c.P.String("query"))
	if query == "" {
		return nil, apierr.BadRequest("query is required")
	}
	u, err := s.restUser(c.Ctx, c.P, "user_email")
	if err != nil {
		return nil, err
	}
	var roomID int64
	if ref := c.P.String("room_id"); ref != "" {
		d, err := s.restRoom(c.Ctx, ref)
		if err != nil {
			return nil, err
		}
		if d.Participant(u.PK) == nil {
			return nil, fmt.Errorf("%w (user %q, room %d)", apierr.ErrNotParticipant, u.ID, d.ID)
		}
		roomID = d.ID
	}
	cs, err := s.reads.SearchMemberComments(c.Ctx, u.PK, query, roomID, searchLimit)
	if err != nil {
		return nil, err
	}
	out, err := wire.CommentsAcrossRooms(c.Ctx, s.reads, cs, u.PK)
	if err != nil {
		return nil, err
	}
	return map[string]any{"comments": out}, nil
}

// systemEventTypes are the system_event_type values of post_system_event_message.
var systemEventTypes = map[string]bool{
	"create_room": true, "add_member": true, "join_room": true, "remove_member": true,
	"left_room": true, "change_room_name": true, "change_room_avatar": true, "custom": true,
}

// handleRESTPostSystemEvent is POST post_system_event_message: system_event_type,
// room_id, subject_email (not for custom), object_email[] (add_member,
// remove_member), updated_room_name (create_room, change_room_name), message and
// payload (custom), extras?. The System user sends the message, with the text
// and payload of the docs; add_member and remove_member post one message per
// object and return the last. It only posts a message: the room itself does
// not change.
func (s *API) handleRESTPostSystemEvent(c *httpapi.Call) (any, error) {
	typ := strings.TrimSpace(c.P.String("system_event_type"))
	if typ == "" {
		return nil, apierr.BadRequest("system_event_type is required")
	}
	if !systemEventTypes[typ] {
		return nil, apierr.BadRequest("unknown system_event_type %q (want one of add_member, change_room_avatar, "+
			"change_room_name, create_room, custom, join_room, left_room, remove_member)", typ)
	}
	extras, err := c.P.JSONObject("extras")
	if err != nil {
		return nil, err
	}
	var msgs []systemEvent
	if typ == "custom" {
		if msgs, err = customSystemEvent(c.P); err != nil {
			return nil, err
		}
	}
	d, err := s.restRoomParam(c.Ctx, c.P, "room_id")
	if err != nil {
		return nil, err
	}
	if typ != "custom" {
		if msgs, err = s.systemEvents(c.Ctx, c.P, typ, d); err != nil {
			return nil, err
		}
	}
	sys, err := s.chat.SystemUser(c.Ctx, "system@"+s.cfg.AppID, c.Now)
	if err != nil {
		return nil, err
	}
	var last store.Comment
	for _, m := range msgs {
		if last, d, err = s.chat.PostComment(c.Ctx, &sys, store.NewComment{
			RoomID: d.ID, Message: m.text, Type: "system_event", Payload: m.payload, Extras: extras, CreatedAt: c.Now,
		}, chat.PostOptions{Webhook: webhook.REST, AsServer: true}); err != nil {
			return nil, err
		}
	}
	return map[string]any{"comment": restCommentJSON(&last, d)}, nil
}

type systemEvent struct {
	text    string
	payload []byte
}

func customSystemEvent(p httpapi.Params) ([]systemEvent, error) {
	msg := p.String("message")
	if strings.TrimSpace(msg) == "" {
		return nil, apierr.BadRequest("message is required for a custom system event")
	}
	if err := msgtype.CheckLength(msg); err != nil {
		return nil, err
	}
	payload, err := p.JSONObject("payload")
	if err != nil {
		return nil, err
	}
	if payload == nil {
		payload = json.RawMessage("{}")
	}
	return []systemEvent{{msg, payload}}, nil
}

// systemEvents builds the messages of a documented subtype.
func (s *API) systemEvents(ctx context.Context, p httpapi.Params, typ string, d *store.RoomDetail) ([]systemEvent, error) {
	var objects []store.User
	var newName string
	switch typ {
	case "add_member", "remove_member":
		ids := httpapi.Dedupe(httpapi.Strs(p, "object_email"))
		if len(ids) == 0 {
			return nil, apierr.BadRequest("object_email[] is required for %s", typ)
		}
		var err error
		if objects, err = s.restUsers(ctx, ids); err != nil {
			return nil, fmt.Errorf("object_email: %w", err)
		}
	case "create_room", "change_room_name":
		if newName = strings.TrimSpace(p.String("updated_room_name")); newName == "" {
			return nil, apierr.BadRequest("updated_room_name is required for %s", typ)
		}
		if len(newName) > 255 {
			return nil, apierr.BadRequest("updated_room_name is too long (max 255 characters)")
		}
	}
	subject, err := s.restUser(ctx, p, "subject_email")
	if err != nil {
		return nil, err
	}
	base := func() map[string]string {
		return map[string]string{"type": typ, "subject_username": subject.Username, "subject_email": subject.ID}
	}
	one := func(text string, payload map[string]string) ([]systemEvent, error) {
		b, err := json.Marshal(payload)
		if err != nil {
			return nil, err
		}
		if err := msgtype.CheckLength(text); err != nil {
			return nil, err
		}
		return []systemEvent{{text, b}}, nil
	}
	name := subject.Username
	switch typ {
	case "create_room":
		pl := base()
		pl["room_name"] = newName
		return one(fmt.Sprintf("%s created room '%s'", name, newName), pl)
	case "join_room":
		// The docs' full response example of join_room also carries empty object fields.
		pl := base()
		pl["room_name"], pl["object_email"], pl["object_username"] = wire.RoomName(d), "", ""
		return one(name+" joined room", pl)
	case "left_room":
		pl := base()
		pl["room_name"] = wire.RoomName(d)
		return one(name+" left room", pl)
	case "change_room_name":
		pl := base()
		pl["room_name"] = newName
		return one(fmt.Sprintf("%s changed room name to '%s'", name, newName), pl)
	case "change_room_avatar":
		return one(name+" changed room avatar", base())
	}
	verb := "added"
	if typ == "remove_member" {
		verb = "removed"
	}
	out := make([]systemEvent, 0, len(objects))
	for _, o := range objects {
		pl := base()
		pl["object_username"], pl["object_email"] = o.Username, o.ID
		ev, err := one(fmt.Sprintf("%s %s %s", name, verb, o.Username), pl)
		if err != nil {
			return nil, err
		}
		out = append(out, ev...)
	}
	return out, nil
}
