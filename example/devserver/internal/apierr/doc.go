// Package apierr holds the devserver's error kinds and APIError: every error a
// layer returns wraps one of the sentinels here, which decides the HTTP status
// the APIs answer with, and an APIError also carries the message the client
// sees. The store, the chat service and both HTTP APIs share them.
package apierr
