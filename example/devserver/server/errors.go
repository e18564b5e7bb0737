package server

import "github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"

// The error kinds and specific errors of every layer (internal/apierr),
// exported here for users of this package: errors.Is works with either name.
var (
	ErrBadRequest   = apierr.ErrBadRequest
	ErrUnauthorized = apierr.ErrUnauthorized
	ErrForbidden    = apierr.ErrForbidden
	ErrNotFound     = apierr.ErrNotFound
	ErrConflict     = apierr.ErrConflict
	ErrTokenExpired = apierr.ErrTokenExpired

	ErrUserNotFound      = apierr.ErrUserNotFound
	ErrRoomNotFound      = apierr.ErrRoomNotFound
	ErrCommentNotFound   = apierr.ErrCommentNotFound
	ErrNotParticipant    = apierr.ErrNotParticipant
	ErrWrongPassword     = apierr.ErrWrongPassword
	ErrInvalidToken      = apierr.ErrInvalidToken
	ErrUniqueTempIDTaken = apierr.ErrUniqueTempIDTaken
)

// APIError is an error with the HTTP status and the message the client sees.
type APIError = apierr.APIError
