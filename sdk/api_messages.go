package sdk

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// ReadComment reports that the user read up to commentID. Receipts are
// coalesced per room and retried, never dropped.
func (c *Client) ReadComment(roomID, commentID int64) error {
	return c.receipt("ReadComment", roomID, commentID, true)
}

// ReceiveComment reports that the user received up to commentID.
func (c *Client) ReceiveComment(roomID, commentID int64) error {
	return c.receipt("ReceiveComment", roomID, commentID, false)
}

func (c *Client) receipt(method string, roomID, commentID int64, read bool) error {
	if err := c.requireLogin(method); err != nil {
		return err
	}
	if roomID <= 0 {
		return argError(method, "roomId", "is required")
	}
	if commentID <= 0 {
		return argError(method, "commentId", "is required")
	}
	c.markReceipt(roomID, commentID, read)
	return nil
}

// DeleteOptions are DeleteComment's options; the zero value deletes for
// everyone, for good (v2's defaults).
type DeleteOptions struct {
	ForMeOnly bool // hide the messages from this user only
	Soft      bool // mark them deleted, keeping the rows
}

// CommentList is the comments a call answered with.
type CommentList struct {
	Comments []*Comment // malformed ones are skipped
	Raw      RawMessage // the server's results object
}

// commentList decodes results.comments leniently: v2 handed these bodies
// to apps unchecked, so a bad one is no error here.
func commentList(res RawMessage) *CommentList {
	cs, _ := parseComments(res)
	return &CommentList{Comments: cs, Raw: res}
}

// DeleteComment deletes messages by unique id and returns them.
func (c *Client) DeleteComment(ctx context.Context, roomID int64, uniqueIDs []string, o DeleteOptions) (*CommentList, error) {
	forEveryone, hard := !o.ForMeOnly, !o.Soft
	if err := c.requireLogin("DeleteComment"); err != nil {
		return nil, err
	}
	if err := validIDs("DeleteComment", "uniqueIds", uniqueIDs); err != nil {
		return nil, err
	}
	res, err := c.call(ctx, "DELETE", "delete_messages", nil, map[string]any{
		"unique_ids": uniqueIDs, "is_delete_for_everyone": forEveryone, "is_hard_delete": hard})
	if err != nil {
		return nil, err
	}
	c.removeFromSelected(roomID, uniqueIDs)
	c.emit(CommentDeleted{RoomID: roomID, UniqueIDs: uniqueIDs, ForEveryone: forEveryone, Hard: hard})
	return commentList(res), nil
}

// removeFromSelected drops deleted comments from the open room.
func (c *Client) removeFromSelected(roomID int64, uniqueIDs []string) {
	drop := map[string]bool{}
	for _, u := range uniqueIDs {
		drop[u] = true
	}
	c.mu.Lock()
	sel := c.selected
	if sel == nil || (roomID > 0 && sel.ID != roomID) {
		c.mu.Unlock()
		return
	}
	var idxs []int
	kept := sel.Comments[:0]
	for i, cm := range sel.Comments {
		if drop[cm.UniqueTempID] {
			idxs = append(idxs, i)
			continue
		}
		kept = append(kept, cm)
	}
	sel.Comments = kept
	c.mu.Unlock()
	for i := len(idxs) - 1; i >= 0; i-- { // from the end, so indexes stay valid
		c.emitMirror("_selectedComment", "delete", idxs[i], nil)
	}
}

// UpdateOptions are UpdateMessage's optional fields; nil leaves one as it is.
type UpdateOptions struct {
	Extras  RawMessage // a JSON object, or nil
	Payload RawMessage // a JSON object, or nil
}

// UpdateMessage edits a message's text (and extras/payload) and returns
// the edited comment (Comment.Raw is the server's object).
func (c *Client) UpdateMessage(ctx context.Context, uniqueID, message string, o UpdateOptions) (*Comment, error) {
	if err := c.requireLogin("UpdateMessage"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(uniqueID) == "" {
		return nil, argError("UpdateMessage", "message.unique_id", "is required")
	}
	if n := len([]rune(message)); n > MaxMessageLength {
		return nil, fmt.Errorf("%w: updateMessage: text has %d characters", ErrMessageTooLong, n)
	}
	u := c.User()
	body := map[string]any{"token": u.Token, "comment": message, "unique_id": uniqueID}
	if len(o.Extras) > 0 {
		body["extras"] = o.Extras
	}
	if len(o.Payload) > 0 {
		body["payload"] = o.Payload
	}
	res, err := c.call(ctx, "POST", "update_message", nil, body)
	if err != nil {
		return nil, err
	}
	raw, err := field(res, "comment")
	if err != nil {
		return nil, err
	}
	cm, err := parseComment(raw)
	if err != nil {
		return nil, fmt.Errorf("qiscus: update_message: %w", err)
	}
	c.upsertSelected(cm)
	return cm.clone(), nil
}

// SearchMessagesOptions narrow SearchMessages; zero fields are unset.
type SearchMessagesOptions struct {
	RoomID        int64
	LastCommentID int64 // page after this comment
}

// SearchMessages is the deprecated search_messages call; v2 Comment shapes.
func (c *Client) SearchMessages(ctx context.Context, query string, o SearchMessagesOptions) ([]*Comment, error) {
	if err := c.requireLogin("SearchMessages"); err != nil {
		return nil, err
	}
	p := (&params{}).set("query", query)
	if o.RoomID > 0 {
		p.set("room_id", o.RoomID)
	}
	if o.LastCommentID > 0 {
		p.set("last_comment_id", o.LastCommentID)
	}
	res, err := c.call(ctx, "POST", "search_messages", nil, p)
	if err != nil {
		return nil, err
	}
	return parseComments(res)
}

func parseComments(res RawMessage) ([]*Comment, error) {
	var r struct {
		Comments []RawMessage `json:"comments"`
	}
	if err := jsonx.Unmarshal(res, &r); err != nil {
		return nil, fmt.Errorf("qiscus: decode comments: %w", err)
	}
	out := make([]*Comment, 0, len(r.Comments))
	for _, raw := range r.Comments {
		if cm, err := parseComment(raw); err == nil {
			out = append(out, cm)
		}
	}
	return out, nil
}

// SearchOptions are searchMessage's parameters (v2 names).
type SearchOptions struct {
	Query    string       `json:"query"`
	RoomIDs  []RawMessage `json:"roomIds"`
	UserID   string       `json:"userId"`
	Type     string       `json:"type"`
	RoomType string       `json:"roomType"`
	Page     int          `json:"page"`
	Limit    int          `json:"limit"`
}

// SearchMessage searches messages.
func (c *Client) SearchMessage(ctx context.Context, o SearchOptions) (*CommentList, error) {
	if err := c.requireLogin("SearchMessage"); err != nil {
		return nil, err
	}
	body := map[string]any{"query": o.Query, "room_ids": idStrings(o.RoomIDs)}
	if o.UserID != "" {
		body["sender"] = o.UserID
	}
	if o.Type != "" {
		body["type"] = o.Type
	}
	switch o.RoomType {
	case "":
	case "single", "group":
		body["room_type"] = o.RoomType
	case "channel":
		body["room_type"], body["is_public"] = "group", true
	default:
		return nil, argError("SearchMessage", "roomType", "must be single, group or channel")
	}
	if o.Page > 0 {
		body["page"] = o.Page
	}
	if o.Limit > 0 {
		body["limit"] = o.Limit
	}
	res, err := c.call(ctx, "POST", "search", nil, body)
	if err != nil {
		return nil, err
	}
	return commentList(res), nil
}

func idStrings(ids []RawMessage) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, strings.Trim(string(id), `"`))
	}
	return out
}

// FileListOptions are getFileList's parameters (v2 names).
type FileListOptions struct {
	RoomIDs           []RawMessage `json:"roomIds"`
	FileType          string       `json:"fileType"`
	Page              int          `json:"page"`
	Limit             int          `json:"limit"`
	Sender            string       `json:"sender"`
	UserID            string       `json:"userId"`
	IncludeExtensions []string     `json:"includeExtensions"`
	ExcludeExtensions []string     `json:"excludeExtensions"`
}

// GetFileList lists the comments carrying files sent in rooms. The
// sender defaults to the current user only when neither sender nor userId
// is given (v2 forced it whenever userId was missing).
func (c *Client) GetFileList(ctx context.Context, o FileListOptions) (*CommentList, error) {
	if err := c.requireLogin("GetFileList"); err != nil {
		return nil, err
	}
	sender := o.Sender
	if sender == "" {
		sender = o.UserID
	}
	if sender == "" {
		sender = c.User().Email
	}
	body := map[string]any{"room_ids": idStrings(o.RoomIDs), "sender": sender}
	if o.FileType != "" {
		body["file_type"] = o.FileType
	}
	if o.Page > 0 {
		body["page"] = o.Page
	}
	if o.Limit > 0 {
		body["limit"] = o.Limit
	}
	if o.IncludeExtensions != nil {
		body["include_extensions"] = o.IncludeExtensions
	}
	if o.ExcludeExtensions != nil {
		body["exclude_extensions"] = o.ExcludeExtensions
	}
	res, err := c.call(ctx, "POST", "file_list", nil, body)
	if err != nil {
		return nil, err
	}
	return commentList(res), nil
}

// GenerateMessage builds the pending comment SendComment would post (no
// I/O), as v2's generateMessage and siblings do; o.Type "" is "text" and
// o.UniqueTempID "" makes a new one.
func (c *Client) GenerateMessage(roomID int64, text string, o SendOptions) (*Comment, error) {
	u := c.User()
	if u == nil {
		return nil, fmt.Errorf("generateMessage: %w", ErrNotLoggedIn)
	}
	if roomID <= 0 {
		return nil, argError("GenerateMessage", "roomId", "is required")
	}
	if o.UniqueTempID == "" {
		o.UniqueTempID = NewUniqueID()
	}
	now := time.Now()
	return &Comment{ID: now.UnixMilli(), RoomID: roomID, UniqueTempID: o.UniqueTempID, Email: u.Email, Username: u.Username,
		Message: text, Type: cmp.Or(o.Type, "text"), Payload: o.Payload, Extras: o.Extras, Status: StatusPending,
		Timestamp: now.UTC().Format(time.RFC3339), UnixTime: now.Unix()}, nil
}

// ThumbnailURL is v2's getThumbnailURL: a Cloudinary-style 320px PNG. As
// in v2, only URLs of the form http(s)://…/upload/….ext are rewritten.
func ThumbnailURL(u string, blurry bool) string {
	i := strings.Index(u, "/upload/")
	ext := path.Ext(u)
	if i < 0 || strings.ContainsAny(u, " \t\n\r") || len(ext) < 2 ||
		!(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) ||
		len(u)-len(ext) <= i+len("/upload/") {
		return u
	}
	for _, r := range ext[1:] {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return u
		}
	}
	t := "w_320,h_320,c_limit"
	if blurry {
		t += ",e_blur:300"
	}
	rest := strings.TrimSuffix(u[i+len("/upload/"):], ext) + ".png"
	return u[:i] + "/upload/" + t + "/" + rest
}

// ResendComment posts a failed comment again with its unique id; the
// server stores it once however often it is sent.
func (c *Client) ResendComment(ctx context.Context, cm *Comment) (*Comment, error) {
	if cm == nil || cm.RoomID <= 0 || cm.UniqueTempID == "" {
		return nil, argError("ResendComment", "comment", "needs room_id and unique_id")
	}
	return c.SendComment(ctx, cm.RoomID, cm.Message, SendOptions{UniqueTempID: cm.UniqueTempID, Type: cm.Type, Payload: cm.Payload, Extras: cm.Extras})
}
