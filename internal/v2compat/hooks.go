package v2compat

import (
	"context"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// JSHook calls one of the app's JS hooks with a JSON value and returns
// the JSON it resolved with.
type JSHook func(ctx context.Context, in []byte) ([]byte, error)

// BeforeSend adapts v2's message::before-sent hook, which sees the pending
// comment in its v2 shape and returns an object whose message, type,
// payload and extras replace the comment's (absent or null ones keep it).
func BeforeSend(call JSHook) func(context.Context, *sdk.Comment) (*sdk.Comment, error) {
	return func(ctx context.Context, cm *sdk.Comment) (*sdk.Comment, error) {
		out, err := call(ctx, CommentJSON(cm))
		if err != nil {
			return nil, err
		}
		var m struct {
			Message *string        `json:"message"`
			Type    string         `json:"type"`
			Payload sdk.RawMessage `json:"payload"`
			Extras  sdk.RawMessage `json:"extras"`
		}
		if jsonx.Unmarshal(out, &m) != nil {
			return cm, nil
		}
		if m.Message != nil {
			cm.Message = *m.Message
		}
		if m.Type != "" {
			cm.Type = m.Type
		}
		if present(m.Payload) {
			cm.Payload = m.Payload
		}
		if present(m.Extras) {
			cm.Extras = m.Extras
		}
		return cm, nil
	}
}

// present reports whether a JSON value is there and not null.
func present(r sdk.RawMessage) bool { return len(r) > 0 && string(r) != "null" }
