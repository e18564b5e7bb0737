package sdkapi

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/chat"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/msgtype"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// ownComments resolves unique ids to the caller's comments. A unique id only
// used by others is refused (only the sender may change a comment); an
// unknown one is a 404. Comments in rooms the caller left are refused too.
func (s *API) ownComments(c *httpapi.Call, uids []string, verb string) ([]store.Comment, error) {
	all, err := s.reads.CommentsByUniqueIDs(c.Ctx, uids)
	if err != nil {
		return nil, err
	}
	var out []store.Comment
	for _, uid := range uids {
		mine, others := 0, 0
		for _, cm := range all {
			if cm.UniqueTempID != uid {
				continue
			}
			if cm.Sender.PK != c.User.PK {
				others++
				continue
			}
			ok, err := s.reads.IsParticipant(c.Ctx, cm.RoomID, c.User.PK)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("%w (room %d)", apierr.ErrNotParticipant, cm.RoomID)
			}
			mine++
			out = append(out, cm)
		}
		switch {
		case mine == 0 && others > 0:
			return nil, apierr.New(apierr.ErrForbidden, "only the sender can %s comment %q", verb, uid)
		case mine == 0:
			return nil, fmt.Errorf("%w: unique id %q", apierr.ErrCommentNotFound, uid)
		}
	}
	return out, nil
}

type deletedMessagesJSON struct {
	RoomID           string   `json:"room_id"` // a string, as the v2 client expects
	MessageUniqueIDs []string `json:"message_unique_ids"`
}

// MaxDeleteUniqueIDs bounds the distinct ids of one delete_messages: one SQL
// variable each (SQLite allows 32,766), and ownComments matches them pairwise.
const MaxDeleteUniqueIDs = 1000

// handleDeleteMessages is DELETE delete_messages with a JSON body {unique_ids,
// is_delete_for_everyone, is_hard_delete} or the same as a query string
// (unique_ids[]=…). Only the sender may delete. Deleted comments vanish from
// load_comments and sync; each room's participants get a delete_message
// notification on {token}/n, also recorded for sync_event. Soft and "for me"
// deletes (deprecated in v2) are treated like hard deletes for everyone;
// is_hard_delete is passed on as sent.
func (s *API) handleDeleteMessages(c *httpapi.Call) (any, error) {
	uids := c.P.Strings("unique_ids")
	if len(uids) == 0 {
		return nil, apierr.BadRequest("unique_ids is required")
	}
	seen := map[string]bool{}
	uids = slices.DeleteFunc(uids, func(u string) bool { dup := seen[u]; seen[u] = true; return dup })
	if len(uids) > MaxDeleteUniqueIDs {
		return nil, apierr.BadRequest("unique_ids may hold at most %d ids", MaxDeleteUniqueIDs)
	}
	if _, err := httpapi.BoolDefault(c.P, "is_delete_for_everyone", true); err != nil {
		return nil, err
	}
	hard, err := httpapi.BoolDefault(c.P, "is_hard_delete", true)
	if err != nil {
		return nil, err
	}
	cs, err := s.ownComments(c, uids, "delete")
	if err != nil {
		return nil, err
	}
	var ids []int64
	byRoom := map[int64][]string{}
	for i := range cs {
		if !cs[i].IsDeleted {
			ids = append(ids, cs[i].ID)
			byRoom[cs[i].RoomID] = append(byRoom[cs[i].RoomID], cs[i].UniqueTempID)
		}
		cs[i].IsDeleted = true
	}
	if len(ids) > 0 {
		payloads := map[int64][]byte{}
		for roomID, rids := range byRoom {
			p, err := wire.EventPayload(&c.User, map[string]any{
				"is_hard_delete":   hard,
				"deleted_messages": []deletedMessagesJSON{{RoomID: wire.IDStr(roomID), MessageUniqueIDs: rids}},
			})
			if err != nil {
				return nil, err
			}
			payloads[roomID] = p
		}
		if err := s.chat.DeleteComments(c.Ctx, ids, payloads, c.Now); err != nil {
			return nil, err
		}
	}
	out, err := wire.CommentsAcrossRooms(c.Ctx, s.reads, cs, c.User.PK)
	if err != nil {
		return nil, err
	}
	return map[string]any{"comments": out}, nil
}

// deletedRoomJSON is a room in a clear_room notification.
type deletedRoomJSON struct {
	ID          int64         `json:"id"`
	IDStr       string        `json:"id_str"`
	UniqueID    string        `json:"unique_id"`
	RoomName    string        `json:"room_name"`
	RawRoomName string        `json:"raw_room_name"`
	ChatType    string        `json:"chat_type"`
	AvatarURL   string        `json:"avatar_url"`
	Options     string        `json:"options"`
	LastComment *wire.Comment `json:"last_comment"` // null: nothing is left
}

// handleClearRoomMessages is DELETE clear_room_messages with a JSON body
// {room_channel_ids: [room unique ids]} or the query room_channel_ids[]=….
// As the Qiscus docs say, clearing only affects the caller: the comments up
// to now disappear for them, and their other sessions get a clear_room
// notification on {token}/n (also recorded for sync_event). results.rooms
// holds the same room objects as the notification.
func (s *API) handleClearRoomMessages(c *httpapi.Call) (any, error) {
	uids := c.P.Strings("room_channel_ids")
	if len(uids) == 0 {
		return nil, apierr.BadRequest("room_channel_ids is required (room unique ids)")
	}
	var ids []int64
	rooms := []deletedRoomJSON{}
	for _, uid := range uids {
		d, err := s.roomByUniqueID(c.Ctx, uid, c.User.PK, s.memberRoom)
		if err != nil {
			return nil, err
		}
		if slices.Contains(ids, d.ID) {
			continue
		}
		ids = append(ids, d.ID)
		rooms = append(rooms, deletedRoomJSON{
			ID: d.ID, IDStr: wire.IDStr(d.ID), UniqueID: d.UniqueID, RoomName: d.NameFor(c.User.PK),
			RawRoomName: d.Name, ChatType: wire.ChatType(d.ChatType), AvatarURL: d.AvatarFor(c.User.PK),
			Options: d.Options,
		})
	}
	payload, err := wire.EventPayload(&c.User, map[string]any{"deleted_rooms": rooms})
	if err != nil {
		return nil, err
	}
	if err := s.chat.ClearRooms(c.Ctx, &c.User, ids, payload, c.Now); err != nil {
		return nil, err
	}
	return map[string]any{"rooms": rooms}, nil
}

// handleUpdateMessage is POST update_message (JSON: token, comment,
// unique_id, extras, payload). Only the sender may edit; the body's token is
// ignored (the v2 client sends the one from login, stale after a refresh).
// Absent fields are kept. Each participant gets the edited comment on
// {token}/update.
func (s *API) handleUpdateMessage(c *httpapi.Call) (any, error) {
	uid, err := c.P.RequireString("unique_id")
	if err != nil {
		return nil, err
	}
	cs, err := s.ownComments(c, []string{uid}, "edit")
	if err != nil {
		return nil, err
	}
	cm := cs[len(cs)-1] // the newest, should a unique id repeat across rooms
	if cm.IsDeleted {
		return nil, fmt.Errorf("%w: unique id %q was deleted", apierr.ErrCommentNotFound, uid)
	}
	if c.P.Has("comment") {
		cm.Message = c.P.String("comment")
	}
	if err := chat.CheckMessage(cm.Message, cm.Type); err != nil {
		return nil, err // EditComment checks it too; here it is reported before a bad payload
	}
	if c.P.Has("payload") {
		if cm.Payload, err = commentPayload(c.P, cm.Type); err != nil {
			return nil, err
		}
	}
	if c.P.Has("extras") {
		if cm.Extras, err = c.P.JSONObject("extras"); err != nil {
			return nil, err
		}
	}
	d, err := s.chat.EditComment(c.Ctx, &cm)
	if err != nil {
		return nil, err
	}
	return map[string]any{"comment": wire.CommentFor(&cm, d, c.User.PK)}, nil
}

// MaxFilterRoomIDs bounds the distinct room ids of search and file_list. Each
// is an SQL variable and SQLite allows 32,766 per statement; a thousand rooms
// is already more than a search page is meant for.
const MaxFilterRoomIDs = 1000

// searchRooms turns room ids sent as numbers or strings into a filter; none
// means every room of the caller. Repeats count once; more than
// MaxFilterRoomIDs distinct ids is a bad request.
func searchRooms(p httpapi.Params, k string) ([]int64, error) {
	vs := p.Strings(k)
	if len(vs) == 0 {
		return nil, nil
	}
	seen := make(map[int64]struct{}, min(len(vs), MaxFilterRoomIDs+1))
	out := make([]int64, 0, min(len(vs), MaxFilterRoomIDs))
	for _, v := range vs {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, apierr.BadRequest("%s must hold room ids (integers), got %q", k, v)
		}
		if _, dup := seen[id]; dup {
			continue
		}
		if len(out) == MaxFilterRoomIDs {
			return nil, apierr.BadRequest("%s may hold at most %d room ids", k, MaxFilterRoomIDs)
		}
		seen[id] = struct{}{}
		out = append(out, id)
	}
	return out, nil
}

// handleSearchMessages is POST search_messages (form: query, room_id,
// last_comment_id): the caller's visible comments containing query, newest
// first, 20 at a time (older than last_comment_id when given).
func (s *API) handleSearchMessages(c *httpapi.Call) (any, error) {
	q, err := c.P.RequireString("query")
	if err != nil {
		return nil, err
	}
	f := store.CommentFilter{ViewerPK: c.User.PK, Query: q}
	if id, ok, err := c.P.Int64("room_id"); err != nil {
		return nil, err
	} else if ok {
		f.RoomIDs = []int64{id}
	}
	if f.BeforeID, _, err = c.P.Int64("last_comment_id"); err != nil {
		return nil, err
	}
	limit, err := c.P.Limit("limit", 20, 100)
	if err != nil {
		return nil, err
	}
	cs, _, err := s.reads.SearchComments(c.Ctx, f, 0, limit)
	if err != nil {
		return nil, err
	}
	out, err := wire.CommentsAcrossRooms(c.Ctx, s.reads, cs, c.User.PK)
	if err != nil {
		return nil, err
	}
	return map[string]any{"comments": out}, nil
}

// handleSearch is POST search (JSON: query, sender, type, room_ids[],
// room_type single|group, is_public, page, limit). is_public=true searches
// public channels. An empty query matches every comment.
func (s *API) handleSearch(c *httpapi.Call) (any, error) {
	f := store.CommentFilter{ViewerPK: c.User.PK, Query: c.P.String("query"), SenderID: c.P.String("sender")}
	var err error
	if f.Type = c.P.String("type"); f.Type != "" {
		if err := msgtype.CheckTypeName(f.Type); err != nil {
			return nil, err
		}
	}
	if f.RoomIDs, err = searchRooms(c.P, "room_ids"); err != nil {
		return nil, err
	}
	public, err := c.P.Bool("is_public")
	if err != nil {
		return nil, err
	}
	switch rt := c.P.String("room_type"); {
	case public:
		f.ChatTypes = []string{"channel"}
	case rt == "single" || rt == "group":
		f.ChatTypes = []string{rt}
	case rt != "":
		return nil, apierr.BadRequest("room_type must be single or group (is_public=true for channels), got %q", rt)
	}
	page, limit, err := c.P.PageOf(20, 100)
	if err != nil {
		return nil, err
	}
	cs, total, err := s.reads.SearchComments(c.Ctx, f, (page-1)*limit, limit)
	if err != nil {
		return nil, err
	}
	out, err := wire.CommentsAcrossRooms(c.Ctx, s.reads, cs, c.User.PK)
	if err != nil {
		return nil, err
	}
	return map[string]any{"comments": out, "page": page, "limit": limit, "total": total}, nil
}

// File kinds of file_list, by extension.
var (
	mediaExts = extSet("jpg jpeg png gif webp bmp svg heic heif tif tiff avif " +
		"mp4 mov m4v webm mkv avi 3gp mpeg mpg mp3 wav ogg oga opus m4a aac flac")
	docExts = extSet("pdf doc docx xls xlsx ppt pptx odt ods odp rtf txt csv md pages numbers key")
)

func extSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, e := range strings.Fields(s) {
		m[e] = true
	}
	return m
}

func fileKind(ext string) string {
	switch {
	case mediaExts[ext]:
		return "media"
	case docExts[ext]:
		return "doc"
	}
	return "others"
}

// fileTypes maps file_list's file_type to the kinds it lists.
var fileTypes = map[string]string{
	"": "", "all": "", "media": "media", "doc": "doc", "docs": "doc", "document": "doc",
	"file": "doc", "others": "others", "other": "others",
}

// fileTextRe is the v2 attachment text "[file] url [/file]".
var fileTextRe = regexp.MustCompile(`(?s)^\s*\[file\]\s*(\S+)\s*\[/file\]\s*(.*)$`)

// fileJSON is one entry of file_list's files.
type fileJSON struct {
	CommentID       int64  `json:"comment_id"`
	CommentIDStr    string `json:"comment_id_str"`
	CommentUniqueID string `json:"comment_unique_id"`
	RoomID          int64  `json:"room_id"`
	RoomIDStr       string `json:"room_id_str"`
	URL             string `json:"url"`
	FileName        string `json:"file_name"`
	Size            int64  `json:"size"` // bytes; 0 when unknown
	Extension       string `json:"extension"`
	FileType        string `json:"file_type"` // media, doc or others
	Caption         string `json:"caption"`
	Email           string `json:"email"` // the sender's user id
	Username        string `json:"username"`
	Timestamp       string `json:"timestamp"`
	UnixTimestamp   int64  `json:"unix_timestamp"`
}

// fileOf extracts the file of an attachment comment: a file_attachment's
// payload {url, file_name, size, caption}, or a "[file] url [/file]" text.
func (s *API) fileOf(c *store.Comment) (fileJSON, bool) {
	f := fileJSON{
		CommentID: c.ID, CommentIDStr: wire.IDStr(c.ID), CommentUniqueID: c.UniqueTempID,
		RoomID: c.RoomID, RoomIDStr: wire.IDStr(c.RoomID), Email: c.Sender.ID, Username: c.Sender.Username,
		Timestamp: wire.RFC3339(c.CreatedAt), UnixTimestamp: c.CreatedAt / int64(time.Second),
	}
	if c.Type == "file_attachment" {
		var p struct {
			URL      string  `json:"url"`
			FileName string  `json:"file_name"`
			Size     float64 `json:"size"`
			Caption  string  `json:"caption"`
		}
		if json.Unmarshal(c.Payload, &p) != nil || p.URL == "" {
			return f, false
		}
		f.URL, f.FileName, f.Size, f.Caption = p.URL, p.FileName, int64(p.Size), p.Caption
	} else if m := fileTextRe.FindStringSubmatch(c.Message); m != nil {
		f.URL, f.Caption = m[1], strings.TrimSpace(m[2])
	} else {
		return f, false
	}
	u, err := url.Parse(f.URL)
	if err != nil {
		return f, false
	}
	if f.FileName == "" {
		f.FileName, _ = url.PathUnescape(path.Base(u.Path))
	}
	f.Extension = strings.ToLower(strings.TrimPrefix(path.Ext(f.FileName), "."))
	if f.Extension == "" {
		f.Extension = strings.ToLower(strings.TrimPrefix(path.Ext(u.Path), "."))
	}
	f.FileType = fileKind(f.Extension)
	if f.Size == 0 {
		f.Size = s.uploadedSize(u.Path)
	}
	return f, true
}

// uploadedSize is the size of a file this server serves at /files/…, or 0.
func (s *API) uploadedSize(urlPath string) int64 {
	rel, ok := strings.CutPrefix(urlPath, "/files/")
	root, _ := s.uploadRoot(false)
	if !ok || root == "" {
		return 0
	}
	rel, err := url.PathUnescape(rel)
	if err != nil || !filepath.IsLocal(filepath.FromSlash(rel)) {
		return 0
	}
	fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	return fi.Size()
}

func extList(p httpapi.Params, k string) map[string]bool {
	m := map[string]bool{}
	for _, v := range p.Strings(k) {
		for e := range strings.SplitSeq(v, ",") {
			if e = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(e), ".")); e != "" {
				m[e] = true
			}
		}
	}
	return m
}

// handleFileList is POST file_list (JSON: room_ids[], file_type, page, limit,
// include_extensions[], exclude_extensions[], sender). It lists the
// attachments the caller can see, newest first: file_attachment comments and
// "[file] url [/file]" texts. file_type is media (images, video, audio), doc
// (documents), others, or all/empty. results: {files, comments, page, limit,
// total}, where comments[i] is the comment carrying files[i].
func (s *API) handleFileList(c *httpapi.Call) (any, error) {
	f := store.CommentFilter{ViewerPK: c.User.PK, SenderID: c.P.String("sender"), FilesOnly: true}
	var err error
	if f.RoomIDs, err = searchRooms(c.P, "room_ids"); err != nil {
		return nil, err
	}
	kind, ok := fileTypes[strings.ToLower(c.P.String("file_type"))]
	if !ok {
		return nil, apierr.BadRequest("file_type must be media, doc, others or all, got %q", c.P.String("file_type"))
	}
	include, exclude := extList(c.P, "include_extensions"), extList(c.P, "exclude_extensions")
	page, limit, err := c.P.PageOf(20, 100)
	if err != nil {
		return nil, err
	}
	cs, _, err := s.reads.SearchComments(c.Ctx, f, 0, -1)
	if err != nil {
		return nil, err
	}
	var files []fileJSON
	var matched []store.Comment
	for i := range cs {
		fj, ok := s.fileOf(&cs[i])
		switch {
		case !ok, kind != "" && fj.FileType != kind,
			len(include) > 0 && !include[fj.Extension], exclude[fj.Extension]:
			continue
		}
		files = append(files, fj)
		matched = append(matched, cs[i])
	}
	total := len(files)
	from, to := min((page-1)*limit, total), min(page*limit, total)
	comments, err := wire.CommentsAcrossRooms(c.Ctx, s.reads, matched[from:to], c.User.PK)
	if err != nil {
		return nil, err
	}
	pageFiles := append([]fileJSON{}, files[from:to]...)
	return map[string]any{"files": pageFiles, "comments": comments, "page": page, "limit": limit, "total": total}, nil
}

// handleCommentReceipt is GET comment_receipt?comment_id: who, other than the
// sender, has read the comment, has only received it, or has neither.
func (s *API) handleCommentReceipt(c *httpapi.Call) (any, error) {
	id, err := c.P.RequireInt64("comment_id")
	if err != nil {
		return nil, err
	}
	cm, err := s.reads.CommentByID(c.Ctx, id)
	if err != nil {
		return nil, err
	}
	d, err := s.readableRoom(c.Ctx, cm.RoomID, c.User.PK)
	if err != nil {
		return nil, err
	}
	visible, err := s.reads.RoomComments(c.Ctx, cm.RoomID, c.User.PK, cm.ID+1, false, 1)
	if err != nil {
		return nil, err
	}
	if len(visible) == 0 || visible[0].ID != cm.ID {
		return nil, fmt.Errorf("%w: id %d", apierr.ErrCommentNotFound, id)
	}
	read, delivered, pending := []wire.Participant{}, []wire.Participant{}, []wire.Participant{}
	for i := range d.Participants {
		p := &d.Participants[i]
		switch {
		case p.PK == cm.Sender.PK:
		case p.LastReadID >= cm.ID:
			read = append(read, wire.ParticipantOf(p))
		case p.LastReceivedID >= cm.ID:
			delivered = append(delivered, wire.ParticipantOf(p))
		default:
			pending = append(pending, wire.ParticipantOf(p))
		}
	}
	return map[string]any{
		"comment": wire.CommentFor(&cm, d, c.User.PK),
		"read_by": read, "delivered_to": delivered, "pending": pending,
	}, nil
}
