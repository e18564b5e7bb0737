package v2compat

import (
	"context"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// Session is one v2 QiscusSDKCore object's Go side: the client and the
// ways back to JS, which the bridge provides.
type Session struct {
	Client *sdk.Client
	// Push queues a callback or mirror update for the JS object, in order.
	Push func(name string, args []any)
	// Hook runs one of the app's JS hooks (message::before-sent,
	// message::before-received, commentFormatter) on a JSON value.
	Hook func(ctx context.Context, name string, in []byte) ([]byte, error)
	// Logger is debugMode's logger.
	Logger sdk.Logger
}

// NewSession returns a session over a new client.
func NewSession(push func(name string, args []any), hook func(ctx context.Context, name string, in []byte) ([]byte, error), logger sdk.Logger) *Session {
	return &Session{Client: sdk.NewClient(), Push: push, Hook: hook, Logger: logger}
}

// Handler is one v2 method: it validates the arguments v2's way, calls the
// client and returns the JSON result in v2's shape (nil for undefined).
type Handler func(ctx context.Context, s *Session, a Args) ([]byte, error)

// withArg reads the required first argument with get (a.str, a.id,
// a.strs …) and hands it to on.
func withArg[T any](get func(int, string, bool) (T, error), name string, on func(T) ([]byte, error)) ([]byte, error) {
	v, err := get(0, name, true)
	if err != nil {
		return nil, err
	}
	return on(v)
}

// list is a JSON array of xs, each rendered by f.
func list[T any](xs []T, f func(T) sdk.RawMessage) []byte {
	out := make([]sdk.RawMessage, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return AppendJSON(nil, out)
}

// withOptions decodes a member's only argument, an options object, into
// a T and calls on with it.
func withOptions[T any](a Args, required bool, on func(T) ([]byte, error)) ([]byte, error) {
	var o T
	if err := a.decode(0, "options", &o, required); err != nil {
		return nil, err
	}
	return on(o)
}

// raw passes a JSON result through.
func raw(r sdk.RawMessage, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return r, nil
}

// bodyOf is what v2 resolved for the calls that returned the whole
// response body: {status: 200, results}, results as the server sent them.
func bodyOf[T interface {
	*sdk.CommentList | *sdk.RoomList
}](r T, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	var results sdk.RawMessage
	switch x := any(r).(type) {
	case *sdk.CommentList:
		results = x.Raw
	case *sdk.RoomList:
		results = x.Raw
	}
	b := append([]byte(`{"status":200,"results":`), results...)
	return append(b, '}'), nil
}

// roomReply is a room in its v2 shape.
func roomReply(r *sdk.Room, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return RoomJSON(r), nil
}

// userReply is the server's user object.
func userReply(u *sdk.User, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return u.Raw, nil
}

// commentReply is a comment in its v2 shape.
func commentReply(c *sdk.Comment, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return CommentJSON(c), nil
}

// none is a method that resolves with undefined.
func none(err error) ([]byte, error) { return nil, err }

// nullToNil treats a JSON null like an absent value.
func nullToNil(r sdk.RawMessage) sdk.RawMessage {
	if string(r) == "null" {
		return nil
	}
	return r
}
