package server

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
	//lint:ignore ST1005 the v2 client matches this exact text (see docs/PROTOCOL.md#errors)
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

// apiError builds an APIError of the given kind.
func apiError(kind error, format string, args ...any) *APIError {
	return &APIError{Status: kindStatus(kind), Message: fmt.Sprintf(format, args...), Kind: kind}
}

func badRequest(format string, args ...any) *APIError {
	return apiError(ErrBadRequest, format, args...)
}

func kindStatus(err error) int {
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

// errorResponse maps any error to the status and message written to the client.
// Unknown errors become an opaque 500; the caller logs the detail.
func errorResponse(err error) (int, string) {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status, ae.Message
	}
	if errors.Is(err, ErrTokenExpired) {
		return http.StatusForbidden, ErrTokenExpired.Error()
	}
	status := kindStatus(err)
	if status == http.StatusInternalServerError {
		return status, "internal server error"
	}
	return status, err.Error()
}
