package sdk

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test them with errors.Is.
var (
	ErrNotInitialized  = errors.New("qiscus: client is not initialized")
	ErrNotLoggedIn     = errors.New("qiscus: not logged in")
	ErrInvalidArgument = errors.New("qiscus: invalid argument")
	ErrMessageTooLong  = errors.New("qiscus: message is longer than 4000 characters")
	ErrNotConnected    = errors.New("qiscus: realtime connection is not up")
	ErrNoRoomSelected  = errors.New("qiscus: no room is selected")
	ErrClosed          = errors.New("qiscus: client is closed")
	ErrTokenExpired    = errors.New("qiscus: token is expired")
)

// MaxMessageLength is the server's limit, in characters.
const MaxMessageLength = 4000

// APIError is a non-success answer from the server.
type APIError struct {
	Status  int    // HTTP status, or the body's "status"
	Message string // the server's error.message, or a summary
	Path    string // endpoint, e.g. "post_comment"
}

func (e *APIError) Error() string {
	return fmt.Sprintf("qiscus: %s: %d %s", e.Path, e.Status, e.Message)
}

// argError reports a bad argument, naming it; it wraps ErrInvalidArgument.
func argError(method, arg, problem string) error {
	return fmt.Errorf("%w: %s: %s %s", ErrInvalidArgument, method, arg, problem)
}

// StatusOf returns the HTTP status carried by err, or 0.
func StatusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

var errMalformedComment = errors.New("qiscus: malformed comment: need a JSON object with id and room_id")
