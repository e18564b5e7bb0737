package sdkapi

import (
	"context"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/chat"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/msgtype"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/webhook"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// handlePostComment is POST post_comment (JSON: comment, topic_id, unique_temp_id,
// type, payload, extras). A new comment is published to every participant's
// {token}/c, the sender included, before the response is written; a retry with
// the same unique_temp_id returns the stored comment and publishes nothing.
func (s *API) handlePostComment(c *httpapi.Call) (any, error) {
	roomID, err := c.P.RequireInt64("topic_id")
	if err != nil {
		return nil, err
	}
	typ := c.P.String("type")
	if typ == "" {
		typ = "text"
	}
	msg := c.P.String("comment")
	if err := chat.CheckMessage(msg, typ); err != nil {
		return nil, err
	}
	msg, payload, err := s.normalizeSDKComment(c.Ctx, roomID, typ, msg, c.P) // serverapi_message_types.go
	if err != nil {
		return nil, err
	}
	extras, err := c.P.JSONObject("extras")
	if err != nil {
		return nil, err
	}
	cm, d, err := s.chat.PostComment(c.Ctx, &c.User, store.NewComment{
		RoomID: roomID, UniqueTempID: c.P.String("unique_temp_id"), Message: msg,
		Type: typ, Payload: payload, Extras: extras, CreatedAt: c.Now,
	}, chat.PostOptions{Webhook: webhook.Mobile})
	if err != nil {
		return nil, err
	}
	return map[string]any{"comment": wire.CommentFor(&cm, d, c.User.PK)}, nil
}

// commentPayload reads payload as JSON. The v2 client sends a payload string it
// could not JSON.parse as it is, so such a string is kept as a JSON string.
// reply and custom comments need an object (clients read its fields), and a
// custom one needs its "type".
func commentPayload(p httpapi.Params, typ string) ([]byte, error) {
	payload, err := p.JSON("payload")
	if err != nil {
		payload, _ = json.Marshal(p.String("payload"))
	}
	if typ != "custom" && typ != "reply" {
		return payload, nil
	}
	var obj map[string]json.RawMessage
	if len(payload) == 0 || payload[0] != '{' || json.Unmarshal(payload, &obj) != nil {
		return nil, apierr.BadRequest("a %s comment needs a JSON object payload", typ)
	}
	if _, ok := obj["type"]; typ == "custom" && !ok {
		return nil, apierr.BadRequest("a custom comment's payload needs a type")
	}
	return payload, nil
}

// handleLoadComments is GET load_comments?topic_id&last_comment_id&after&limit,
// newest first.
func (s *API) handleLoadComments(c *httpapi.Call) (any, error) {
	rd := c.P.Read()
	roomID, cursor := rd.RequireInt64("topic_id"), rd.Int64("last_comment_id")
	after, limit := rd.Bool("after"), rd.Limit("limit", 20, 100)
	if err := rd.Err(); err != nil {
		return nil, err
	}
	d, err := s.readableRoom(c.Ctx, roomID, c.User.PK)
	if err != nil {
		return nil, err
	}
	cs, err := s.reads.RoomComments(c.Ctx, roomID, c.User.PK, cursor, after, limit)
	if err != nil {
		return nil, err
	}
	return map[string]any{"comments": wire.CommentsFor(cs, d, c.User.PK)}, nil
}

type updateStatusJSON struct {
	Changed               bool  `json:"changed"`
	LastCommentReadID     int64 `json:"last_comment_read_id"`
	LastCommentReceivedID int64 `json:"last_comment_received_id"`
	UserID                int64 `json:"user_id"`
}

// handleUpdateCommentStatus is POST update_comment_status (form: room_id,
// last_comment_read_id and/or last_comment_received_id). Cursors only move
// forward; each move is published as "{id}:{uniqueId}" on
// r/{room}/{room}/{me}/r or /d and recorded as a sync event.
func (s *API) handleUpdateCommentStatus(c *httpapi.Call) (any, error) {
	rd := c.P.Read()
	roomID := rd.RequireInt64("room_id")
	readID, receivedID := rd.Int64("last_comment_read_id"), rd.Int64("last_comment_received_id")
	if err := rd.Err(); err != nil {
		return nil, err
	}
	if readID <= 0 && receivedID <= 0 {
		return nil, apierr.BadRequest("last_comment_read_id or last_comment_received_id is required")
	}
	if _, err := s.memberRoom(c.Ctx, roomID, c.User.PK); err != nil {
		return nil, err
	}
	res, err := s.chat.Receipts(c.Ctx, &c.User, roomID, readID, receivedID, c.Now)
	if err != nil {
		return nil, err
	}
	return updateStatusJSON{
		Changed: res.Changed, LastCommentReadID: res.Read, LastCommentReceivedID: res.Received,
		UserID: c.User.PK,
	}, nil
}

type syncMetaJSON struct {
	LastReceivedCommentID int64 `json:"last_received_comment_id"`
	NeedClear             bool  `json:"need_clear"`
}

// handleSync is GET sync?last_received_comment_id&limit: newer comments from all
// of the caller's rooms, oldest first. meta.last_received_comment_id is the
// highest id returned, or the input when there is none, so the cursor never
// moves backwards.
func (s *API) handleSync(c *httpapi.Call) (any, error) {
	after, _, err := c.P.Int64("last_received_comment_id")
	if err != nil {
		return nil, err
	}
	after = max(after, 0)
	limit, err := c.P.Limit("limit", 100, 500)
	if err != nil {
		return nil, err
	}
	cs, err := s.reads.CommentsSince(c.Ctx, c.User.PK, after, limit)
	if err != nil {
		return nil, err
	}
	out, err := wire.CommentsAcrossRooms(c.Ctx, s.reads, cs, c.User.PK)
	if err != nil {
		return nil, err
	}
	last := after
	if len(cs) > 0 {
		last = cs[len(cs)-1].ID
	}
	return map[string]any{"comments": out, "meta": syncMetaJSON{LastReceivedCommentID: last}}, nil
}

// normalizeSDKComment is normalizeMessage for the SDK's post_comment, whose
// payload is an object (JSON body) or a JSON string (form body).
func (s *API) normalizeSDKComment(ctx context.Context, roomID int64, typ, msg string, p httpapi.Params) (string, []byte, error) {
	payload, err := p.JSON("payload")
	if err != nil {
		if typ != "text" {
			return "", nil, err
		}
		payload = nil // a text message has no payload: whatever was sent is dropped
	}
	return msgtype.Normalize(typ, msg, payload, msgtype.RepliedIn(ctx, s.reads, roomID))
}
