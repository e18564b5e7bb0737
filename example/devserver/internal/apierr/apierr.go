package apierr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error kinds. Every error a handler returns wraps one of these, which decides the
// HTTP status.
var (
	ErrBadRequest   = errors.New("bad request")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	// ErrTokenExpired carries the exact text the v2 client compares against
	// (case-insensitively) before it refreshes the token.
	ErrTokenExpired = errors.New("Unauthorized. Token is expired")
)

// Specific errors, each wrapping a kind.
var (
	ErrUserNotFound    = fmt.Errorf("user %w", ErrNotFound)
	ErrRoomNotFound    = fmt.Errorf("room %w", ErrNotFound)
	ErrCommentNotFound = fmt.Errorf("comment %w", ErrNotFound)
	ErrNotParticipant  = fmt.Errorf("%w: not a participant of this room", ErrForbidden)
	ErrWrongPassword   = fmt.Errorf("%w: wrong password", ErrUnauthorized)
	ErrInvalidToken    = fmt.Errorf("%w: invalid user id or token", ErrUnauthorized)
	// ErrUniqueTempIDTaken: clients key a room's messages by unique_temp_id, so
	// one sender's id must not name another sender's message too.
	ErrUniqueTempIDTaken = fmt.Errorf("%w: unique_temp_id already used in this room by another user", ErrConflict)
)

// APIError is an error with the HTTP status and the message the client sees.
type APIError struct {
	Status  int
	Message string
	Kind    error // one of the Err* kinds above
}

func (e *APIError) Error() string { return e.Message }
func (e *APIError) Unwrap() error { return e.Kind }

// New builds an APIError of the given kind.
func New(kind error, format string, args ...any) *APIError {
	return &APIError{Status: KindStatus(kind), Message: fmt.Sprintf(format, args...), Kind: kind}
}

// BadRequest is a 400 with the message the client sees.
func BadRequest(format string, args ...any) *APIError {
	return New(ErrBadRequest, format, args...)
}

// KindStatus is the HTTP status of an error kind (500 for none).
func KindStatus(err error) int {
	switch {
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrTokenExpired), errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// Response maps any error to the status and message written to the client.
// Unknown errors become an opaque 500; the caller logs the detail.
func Response(err error) (int, string) {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status, ae.Message
	}
	if errors.Is(err, ErrTokenExpired) {
		return http.StatusForbidden, ErrTokenExpired.Error()
	}
	status := KindStatus(err)
	if status == http.StatusInternalServerError {
		return status, "internal server error"
	}
	return status, err.Error()
}

// Unauthorized is a 401 with the message the client sees.
func Unauthorized(format string, args ...any) *APIError {
	return New(ErrUnauthorized, format, args...)
}
