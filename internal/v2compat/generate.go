package v2compat

import (
	"context"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// The generate* methods and the thumbnail URLs are pure and synchronous
// in v2.

// GenerateMessage is generateMessage({roomId, text, extras?}).
func GenerateMessage(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return generate(s, a, "text")
}

// GenerateFileAttachmentMessage is generateFileAttachmentMessage({roomId,
// url, filename?, size?, caption?, text?, extras?}).
func GenerateFileAttachmentMessage(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return generate(s, a, "file")
}

// GenerateCustomMessage is generateCustomMessage({roomId, type, payload,
// text?, extras?}).
func GenerateCustomMessage(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return generate(s, a, "custom")
}

// GenerateReplyMessage is generateReplyMessage({roomId, text,
// repliedMessage, extras?}).
func GenerateReplyMessage(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return generate(s, a, "reply")
}

func generate(s *Session, a Args, kind string) ([]byte, error) {
	var o struct {
		RoomID         sdk.RawMessage `json:"roomId"`
		Text           *string        `json:"text"`
		Extras         sdk.RawMessage `json:"extras"`
		Caption        string         `json:"caption"`
		URL            string         `json:"url"`
		Filename       string         `json:"filename"`
		Size           any            `json:"size"`
		Type           string         `json:"type"`
		Payload        any            `json:"payload"`
		RepliedMessage map[string]any `json:"repliedMessage"`
	}
	if err := a.decode(0, "options", &o, true); err != nil {
		return nil, err
	}
	room, err := a.field(o.RoomID).id(0, "roomId", true)
	if err != nil {
		return nil, err
	}
	text := ""
	if o.Text != nil {
		text = *o.Text
	}
	typ := "text"
	var payload map[string]any
	switch kind {
	case "file":
		typ = "file_attachment"
		if o.Text == nil {
			text = "File attachment"
		}
		if o.URL == "" {
			return nil, a.bad("url", "is required")
		}
		payload = map[string]any{"url": o.URL, "file_name": o.Filename, "size": o.Size, "caption": o.Caption}
	case "custom":
		typ = "custom"
		if o.Type == "" {
			return nil, a.bad("type", "is required")
		}
		payload = map[string]any{"type": o.Type, "content": o.Payload}
	case "reply":
		typ = "reply"
		if o.RepliedMessage == nil {
			return nil, a.bad("repliedMessage", "is required")
		}
		payload = replyPayload(text, o.RepliedMessage)
	}
	so := sdk.SendOptions{Type: typ, Extras: nullToNil(o.Extras)}
	if payload != nil {
		b, err := jsonx.Marshal(payload)
		if err != nil {
			return nil, a.bad("payload", "is not serialisable")
		}
		so.Payload = b
	}
	return commentReply(s.Client.GenerateMessage(room, text, so))
}

// replyPayload is v2's reply payload for a reply to r (a v2 comment).
func replyPayload(text string, r map[string]any) map[string]any {
	rm := r["message"]
	if r["type"] == "reply" {
		if p, ok := r["payload"].(map[string]any); ok {
			rm = p["text"]
		}
	}
	email := r["email"]
	if email == nil {
		email = r["username_real"]
	}
	name := r["username"]
	if name == nil {
		name = r["username_as"]
	}
	return map[string]any{"text": text, "replied_comment_id": r["id"], "replied_comment_message": rm,
		"replied_comment_type": r["type"], "replied_comment_payload": r["payload"],
		"replied_comment_sender_username": name, "replied_comment_sender_email": email}
}

// GetThumbnailURL is getThumbnailURL(url).
func GetThumbnailURL(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return thumbnail(a, false)
}

// GetBlurryThumbnailURL is getBlurryThumbnailURL(url).
func GetBlurryThumbnailURL(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return thumbnail(a, true)
}

func thumbnail(a Args, blurry bool) ([]byte, error) {
	return withArg(a.str, "url", func(u string) ([]byte, error) { return AppendJSON(nil, sdk.ThumbnailURL(u, blurry)), nil })
}
