// Package chat is the devserver's domain layer: every operation that changes
// the chat is here, whatever door it came through (the SDK API, the server
// API and its system events, import, the test hooks): users (login,
// registration, profiles, tokens, blocks), rooms (1:1, group, channel,
// updates), participants, device tokens, receipts, editing, deleting and
// clearing comments, and posting a comment
// (stored through the store's comment writer, fanned out in commit order,
// webhook queued). Plain reads stay on the store.
//
// It knows nothing of HTTP or of the v2 JSON shapes: the server gives it the
// functions that publish, notify and encode sync events.
package chat
