// Package chat is the devserver's domain layer: posting a comment (stored
// through the store's comment writer, fanned out in commit order, webhook
// queued) is one operation here, whatever door it came through: the SDK API,
// the server API and its system events, or Server.PostComment of the tests.
// It knows nothing of HTTP or of the v2 JSON shapes: the server gives it the
// functions that publish and notify.
package chat
