package v2compat

import (
	"cmp"
	"context"
	"fmt"
	"strconv"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// SendComment is sendComment(roomId, text, uniqueId?, type?, payload?,
// extras?): payload may be an object or a JSON string of one.
func SendComment(ctx context.Context, s *Session, a Args) ([]byte, error) {
	r := a.read()
	room := r.id(0, "roomId", true)
	text := r.str(1, "text", false)
	uniq := r.str(2, "uniqueId", false)
	typ := r.str(3, "type", false)
	payload := r.payload(4, "payload")
	extras := r.object(5, "extras")
	if r.err != nil {
		return nil, r.err
	}
	return commentReply(s.Client.SendComment(ctx, room, text,
		sdk.SendOptions{Type: typ, Payload: payload, Extras: extras, UniqueTempID: uniq}))
}

// LoadComments is loadComments(roomId, {last_comment_id?, after?, limit?}).
func LoadComments(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withArg(a.id, "roomId", func(room int64) ([]byte, error) { return load(ctx, s, a, room, false) })
}

// LoadMore is loadMore(lastCommentId, {after?, limit?}) on the selected
// room.
func LoadMore(ctx context.Context, s *Session, a Args) ([]byte, error) {
	sel := s.Client.Selected()
	if sel == nil {
		return nil, fmt.Errorf("loadMore: %w", sdk.ErrNoRoomSelected)
	}
	return load(ctx, s, a, sel.ID, true)
}

// load reads the options argument (index 1) of loadComments and loadMore;
// loadMore's first argument replaces options.last_comment_id. The comments
// are the server's JSON (after the before-received hook), as v2 resolves
// them.
func load(ctx context.Context, s *Session, a Args, room int64, more bool) ([]byte, error) {
	var o struct {
		LastCommentID sdk.RawMessage `json:"last_comment_id"`
		After         any            `json:"after"`
		Limit         int            `json:"limit"`
		Timestamp     any            `json:"timestamp"`
	}
	if err := a.decode(1, "options", &o, false); err != nil {
		return nil, err
	}
	lo := sdk.LoadOptions{Limit: o.Limit, After: o.After == true || o.After == "true"}
	switch ts := o.Timestamp.(type) { // passed through as v2 sends it
	case string:
		lo.Timestamp = ts
	case float64:
		lo.Timestamp = strconv.FormatFloat(ts, 'f', -1, 64)
	}
	var err error
	if more {
		lo.LastCommentID, err = a.id(0, "lastCommentId", true)
	} else if present(o.LastCommentID) {
		lo.LastCommentID, err = a.field(o.LastCommentID).id(0, "options.last_comment_id", false)
	}
	if err != nil {
		return nil, err
	}
	cs, err := s.Client.LoadComments(ctx, room, lo)
	if err != nil {
		return nil, err
	}
	return list(cs, func(c *sdk.Comment) sdk.RawMessage { return c.Raw }), nil
}

// ReadComment is readComment(roomId, commentId).
func ReadComment(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return receipt(a, s.Client.ReadComment)
}

// ReceiveComment is receiveComment(roomId, commentId).
func ReceiveComment(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return receipt(a, s.Client.ReceiveComment)
}

func receipt(a Args, call func(room, id int64) error) ([]byte, error) {
	r := a.read()
	room := r.id(0, "roomId", true)
	id := r.id(1, "commentId", true)
	if r.err != nil {
		return nil, r.err
	}
	return none(call(room, id))
}

// DeleteComment is deleteComment(roomId, commentUniqueIds, isForEveryone =
// true, isHard = true).
func DeleteComment(ctx context.Context, s *Session, a Args) ([]byte, error) {
	r := a.read()
	room := r.id(0, "roomId", false)
	ids := r.strs(1, "commentUniqueIds", true)
	if r.err != nil {
		return nil, r.err
	}
	return bodyOf(s.Client.DeleteComment(ctx, room, ids,
		sdk.DeleteOptions{ForMeOnly: !a.boolDefault(2, true), Soft: !a.boolDefault(3, true)}))
}

// commentArg is a v2 Comment passed back in (updateMessage,
// resendComment): unique_id, or unique_temp_id on older objects, names it.
type commentArg struct {
	RoomID       sdk.RawMessage `json:"room_id"`
	Message      string         `json:"message"`
	UniqueID     string         `json:"unique_id"`
	UniqueTempID string         `json:"unique_temp_id"`
	Type         string         `json:"type"`
	Payload      sdk.RawMessage `json:"payload"`
	Extras       sdk.RawMessage `json:"extras"`
}

func decodeComment(a Args, name string) (commentArg, error) {
	var m commentArg
	err := a.decode(0, name, &m, true)
	m.UniqueID = cmp.Or(m.UniqueID, m.UniqueTempID)
	return m, err
}

// UpdateMessage is updateMessage({unique_id | unique_temp_id, message,
// extras?, payload?}).
func UpdateMessage(ctx context.Context, s *Session, a Args) ([]byte, error) {
	m, err := decodeComment(a, "message")
	if err != nil {
		return nil, err
	}
	cm, err := s.Client.UpdateMessage(ctx, m.UniqueID, m.Message, sdk.UpdateOptions{Extras: m.Extras, Payload: m.Payload})
	if err != nil {
		return nil, err
	}
	return cm.Raw, nil
}

// ResendComment is resendComment(comment): it resolves with the selected
// room, as v2 does.
func ResendComment(ctx context.Context, s *Session, a Args) ([]byte, error) {
	m, err := decodeComment(a, "comment")
	if err != nil {
		return nil, err
	}
	rid, err := a.field(m.RoomID).id(0, "comment.room_id", true)
	if err != nil {
		return nil, err
	}
	if _, err := s.Client.ResendComment(ctx, &sdk.Comment{RoomID: rid, Message: m.Message, UniqueTempID: m.UniqueID,
		Type: m.Type, Payload: nullToNil(m.Payload), Extras: nullToNil(m.Extras)}); err != nil {
		return nil, err
	}
	if sel := s.Client.Selected(); sel != nil {
		return RoomJSON(sel), nil
	}
	return nil, nil
}

// SearchMessages is searchMessages({query, room_id?, last_comment_id?}).
func SearchMessages(ctx context.Context, s *Session, a Args) ([]byte, error) {
	var o struct {
		Query         string         `json:"query"`
		RoomID        sdk.RawMessage `json:"room_id"`
		LastCommentID sdk.RawMessage `json:"last_comment_id"`
	}
	if err := a.decode(0, "options", &o, true); err != nil {
		return nil, err
	}
	rid, _ := a.field(o.RoomID).id(0, "", false)
	last, _ := a.field(o.LastCommentID).id(0, "", false)
	cs, err := s.Client.SearchMessages(ctx, o.Query, sdk.SearchMessagesOptions{RoomID: rid, LastCommentID: last})
	if err != nil {
		return nil, err
	}
	return list(cs, CommentJSON), nil
}

// SearchMessage is searchMessage(options).
func SearchMessage(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withOptions(a, true, func(o sdk.SearchOptions) ([]byte, error) { return bodyOf(s.Client.SearchMessage(ctx, o)) })
}

// GetFileList is getFileList(options?).
func GetFileList(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withOptions(a, false, func(o sdk.FileListOptions) ([]byte, error) { return bodyOf(s.Client.GetFileList(ctx, o)) })
}

// PrepareCommentToBeSubmitted is prepareCommentToBeSubmitted(comment): the
// pending comment in its v2 shape, without I/O.
func PrepareCommentToBeSubmitted(ctx context.Context, s *Session, a Args) ([]byte, error) {
	data, err := a.object(0, "comment")
	if err != nil || data == nil {
		return nil, a.bad("comment", "must be an object")
	}
	return commentReply(s.Client.PrepareComment(data))
}

// SortComments is sortComments(): the selected room's comments by time.
func SortComments(ctx context.Context, s *Session, a Args) ([]byte, error) {
	s.Client.SortComments()
	return nil, nil
}

// UpdateLastReceivedComment is updateLastReceivedComment(commentId): it
// raises the /sync cursor and resolves with the cursor.
func UpdateLastReceivedComment(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withArg(a.id, "commentId", func(id int64) ([]byte, error) { return AppendJSON(nil, s.Client.UpdateLastReceivedComment(id)), nil })
}
