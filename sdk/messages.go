package sdk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// SendError is a failed send. The comment is marked failed, never dropped:
// the app can resend it with the same unique id.
type SendError struct {
	UniqueTempID string
	Err          error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("%v (unique_temp_id %s)", e.Err, e.UniqueTempID)
}
func (e *SendError) Unwrap() error { return e.Err }

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// NewUniqueID returns a v2.16.9-style id: "javascript-" + 21 random chars.
func NewUniqueID() string {
	b := make([]byte, 21)
	secureRandom(b)
	for i := range b {
		b[i] = idAlphabet[b[i]&63] // 64 symbols: no modulo bias
	}
	return "javascript-" + string(b)
}

// SendOptions are SendComment's optional parts.
type SendOptions struct {
	// Type is the message type; "" is "text". Known types (custom, reply,
	// file_attachment …) need their payload.
	Type    string
	Payload RawMessage // a JSON object, or nil
	Extras  RawMessage // a JSON object, or nil
	// UniqueTempID identifies the message across retries and resends;
	// "" makes a new one (NewUniqueID).
	UniqueTempID string
}

// SendComment posts a message. The comment is shown as pending in the
// selected room (only if it is that room, unlike v2), retried with the same
// unique id on transient failures, and either acknowledged exactly once or
// returned as a *SendError.
func (c *Client) SendComment(ctx context.Context, roomID int64, text string, o SendOptions) (*Comment, error) {
	uniqueID, typ, payload, extras := o.UniqueTempID, o.Type, o.Payload, o.Extras
	if err := c.requireLogin("SendComment"); err != nil {
		return nil, err
	}
	if roomID <= 0 {
		return nil, argError("SendComment", "roomId", "is required (a positive room id)")
	}
	if typ == "" {
		typ = "text"
	}
	c.emit(CommentSending{RoomID: roomID, Text: text})
	if f := c.currentHooks().FormatText; f != nil {
		if t, err := f(ctx, text); err != nil {
			c.cfg.Logger.Warn("commentFormaterCallback failed; sending the text unchanged", "err", err)
		} else {
			text = t
		}
	}
	if typ == "text" && strings.TrimSpace(text) == "" {
		return nil, argError("SendComment", "text", "is required")
	}
	if n := utf8.RuneCountInString(text); n > MaxMessageLength {
		return nil, fmt.Errorf("%w: sendComment: text has %d characters", ErrMessageTooLong, n)
	}
	if len(payload) > 0 && !jsonx.Valid(payload) {
		return nil, argError("SendComment", "payload", "is not valid JSON")
	}
	if len(extras) == 0 || string(extras) == "null" {
		extras = c.cfg.Extras // v2: the app config's extras when none are given
	}
	if len(extras) > 0 && !jsonx.Valid(extras) {
		return nil, argError("SendComment", "extras", "is not valid JSON")
	}
	if uniqueID == "" {
		uniqueID = NewUniqueID()
	}
	c.mu.Lock()
	me := *c.user
	c.mu.Unlock()
	now := time.Now()
	pending := &Comment{RoomID: roomID, UniqueTempID: uniqueID, Email: me.Email, Username: me.Username,
		Message: text, Type: typ, Payload: payload, Extras: extras, Status: StatusPending,
		Timestamp: now.UTC().Format(time.RFC3339), UnixTime: now.Unix()}
	if h := c.currentHooks().BeforeSend; h != nil {
		if out, err := h(ctx, pending.clone()); err != nil {
			c.cfg.Logger.Warn("MESSAGE_BEFORE_SENT hook failed; sending unchanged", "err", err)
		} else if out != nil {
			if out.Type == "" {
				out.Type = typ
			}
			text, typ, payload, extras = out.Message, out.Type, out.Payload, out.Extras
			pending.Message, pending.Type, pending.Payload, pending.Extras = text, typ, payload, extras
		}
		if n := utf8.RuneCountInString(text); n > MaxMessageLength {
			return nil, fmt.Errorf("%w: sendComment: text has %d characters after MESSAGE_BEFORE_SENT", ErrMessageTooLong, n)
		}
	}
	c.upsertSelected(pending)

	body := map[string]any{"comment": text, "topic_id": strconv.FormatInt(roomID, 10),
		"unique_temp_id": uniqueID, "type": typ, "payload": rawOrNull(payload), "extras": rawOrNull(extras)}
	var res RawMessage
	var err error
	for attempt := 0; ; attempt++ {
		res, err = c.call(ctx, "POST", "post_comment", nil, body)
		if err == nil || attempt >= c.cfg.SendRetries || !retryable(err) || ctx.Err() != nil {
			break
		}
		// The server stores a unique_temp_id once, so retrying is safe.
		if !sleepCtx(ctx, backoff(attempt, 300*time.Millisecond, 5*time.Second)) {
			break
		}
	}
	var sent *Comment
	if err == nil {
		var r struct {
			Comment RawMessage `json:"comment"`
		}
		if derr := jsonx.Unmarshal(res, &r); derr == nil {
			sent, err = c.incoming(ctx, r.Comment)
		} else {
			err = derr
		}
		if err != nil {
			err = fmt.Errorf("qiscus: post_comment: bad response: %w", err)
		}
	}
	if err != nil {
		pending.Status = StatusFailed
		c.upsertSelected(pending)
		if retryable(err) { // transient, and the retries are used up
			c.emit(CommentFailed{Comment: pending.clone()})
		}
		return pending, &SendError{UniqueTempID: uniqueID, Err: err}
	}
	sent.Status = StatusSent
	if !c.deliver(sent, true) {
		// Already delivered (the echo came first) or held for a gap: the
		// pending copy becomes the sent one now all the same.
		c.upsertSelected(sent)
	}
	c.emit(CommentSent{Comment: sent.clone()})
	return sent, nil
}

func rawOrNull(r RawMessage) any {
	if len(r) == 0 {
		return nil
	}
	return r
}

// retryable reports whether a send may be repeated: no response at all, or
// a status v2.14 also retried.
func retryable(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	switch ae.Status {
	case 408, 429, 500, 502, 503, 504, 521, 522, 524:
		return true
	}
	return false
}

// upsertSelected merges cm into the selected room's comments when it
// belongs there: by id, or by unique id onto our own comment that has no
// id yet (a pending copy becomes the server's), else inserted in id order.
// Pending comments stay at the end. A unique_temp_id is the sender's
// choice, so it never matches another sender's comment, nor one that has
// an id already (issue 9: a member reusing ours must not replace ours).
func (c *Client) upsertSelected(cm *Comment) {
	c.mu.Lock()
	r := c.selected
	if r == nil || r.ID != cm.RoomID {
		c.mu.Unlock()
		return
	}
	idx, op := -1, "set"
	for i := len(r.Comments) - 1; i >= 0 && i >= len(r.Comments)-200; i-- {
		x := r.Comments[i]
		if (cm.ID > 0 && x.ID == cm.ID) ||
			(cm.UniqueTempID != "" && x.UniqueTempID == cm.UniqueTempID && x.Email == cm.Email && (x.ID == 0 || cm.ID == 0)) {
			idx = i
			break
		}
	}
	if idx >= 0 {
		if cm.ID == 0 && r.Comments[idx].ID > 0 {
			c.mu.Unlock()
			return // the server's copy is here already; a late pending state must not replace it
		}
		if r.Comments[idx].Status == cm.Status && r.Comments[idx].ID == cm.ID && r.Comments[idx] != cm {
			c.mu.Unlock()
			return // nothing changed (a duplicate)
		}
		if cm.Status == StatusSent && statusRank(r.Comments[idx].Status) > statusRank(StatusSent) {
			cm.Status = r.Comments[idx].Status // a receipt got here first
		}
		r.Comments[idx] = cm
	} else {
		op = "insert"
		idx = len(r.Comments)
		if cm.ID > 0 {
			for idx > 0 && (r.Comments[idx-1].ID == 0 || r.Comments[idx-1].ID > cm.ID) {
				idx--
			}
		}
		r.Comments = append(r.Comments, nil)
		copy(r.Comments[idx+1:], r.Comments[idx:])
		r.Comments[idx] = cm
		if cm.ID > r.LastCommentID {
			r.LastCommentID, r.LastCommentMessage = cm.ID, cm.Message
		}
	}
	v := cm.clone()
	c.mu.Unlock()
	c.emitMirror("_selectedComment", op, idx, v)
}

func statusRank(s string) int {
	switch s {
	case StatusSent:
		return 1
	case StatusDelivered:
		return 2
	case StatusRead:
		return 3
	}
	return 0
}

// LoadOptions are load_comments' parameters.
type LoadOptions struct {
	LastCommentID int64
	After         bool
	Limit         int
	// Timestamp is v2's timestamp option, passed through as given (the
	// server pages from that time when it supports it).
	Timestamp string
}

// LoadComments returns a page of a room's history, oldest first (v2's
// order depended on whether a room was selected, reference G.1 #17). Pages
// of the selected room are merged into it.
func (c *Client) LoadComments(ctx context.Context, roomID int64, o LoadOptions) ([]*Comment, error) {
	if err := c.requireLogin("LoadComments"); err != nil {
		return nil, err
	}
	if roomID <= 0 {
		return nil, argError("LoadComments", "roomId", "is required (a positive room id)")
	}
	if o.Limit < 0 || o.Limit > 100 {
		return nil, argError("LoadComments", "limit", "must be between 1 and 100")
	}
	q := (&params{}).set("topic_id", roomID)
	if o.LastCommentID > 0 {
		q.set("last_comment_id", o.LastCommentID)
	}
	if o.Timestamp != "" {
		q.set("timestamp", o.Timestamp)
	}
	q.set("after", o.After)
	if o.Limit > 0 {
		q.set("limit", o.Limit)
	}
	res, err := c.call(ctx, "GET", "load_comments", q, nil)
	if err != nil {
		return nil, err
	}
	var r struct {
		Comments []RawMessage `json:"comments"`
	}
	if err := jsonx.Unmarshal(res, &r); err != nil {
		return nil, fmt.Errorf("qiscus: load_comments: decode: %w", err)
	}
	out := make([]*Comment, 0, len(r.Comments))
	for i := len(r.Comments) - 1; i >= 0; i-- {
		cm, err := c.incoming(ctx, r.Comments[i])
		if err != nil {
			c.cfg.Logger.Warn("load_comments: skipping malformed comment", "err", err)
			continue
		}
		out = append(out, cm)
	}
	for i := 1; i < len(out); i++ { // servers may page either way; keep ascending
		if out[i].ID < out[i-1].ID {
			sortByID(out)
			break
		}
	}
	for _, cm := range out {
		c.upsertSelected(cm)
	}
	return out, nil
}

func sortByID(cs []*Comment) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].ID < cs[j-1].ID; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}
