package v2compat

import (
	"context"
	"errors"

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

// SetHooks is the shim's setHooks({name: bool}): which of the app's hooks
// are set. Each set one runs through s.Hook.
func SetHooks(ctx context.Context, s *Session, a Args) ([]byte, error) {
	var on struct {
		BeforeSent     bool `json:"message::before-sent"`
		BeforeReceived bool `json:"message::before-received"`
		Formatter      bool `json:"commentFormatter"`
	}
	if err := a.decode(0, "hooks", &on, true); err != nil {
		return nil, err
	}
	named := func(name string) JSHook {
		return func(ctx context.Context, in []byte) ([]byte, error) { return s.Hook(ctx, name, in) }
	}
	var h sdk.Hooks
	if on.BeforeSent {
		h.BeforeSend = BeforeSend(named("message::before-sent"))
	}
	if on.BeforeReceived {
		before := named("message::before-received")
		h.BeforeReceive = func(ctx context.Context, c sdk.RawMessage) (sdk.RawMessage, error) { return before(ctx, c) }
	}
	if on.Formatter {
		h.FormatText = formatText(named("commentFormatter"))
	}
	s.Client.SetHooks(h)
	return nil, nil
}

// formatText adapts commentFormaterCallback, which maps a string to a
// string.
func formatText(call JSHook) func(context.Context, string) (string, error) {
	return func(ctx context.Context, text string) (string, error) {
		in, _ := jsonx.Marshal(text)
		out, err := call(ctx, in)
		if err != nil {
			return text, err
		}
		var s string
		if err := jsonx.Unmarshal(out, &s); err != nil {
			return text, errors.New("commentFormaterCallback must return a string")
		}
		return s, nil
	}
}
