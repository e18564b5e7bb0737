// Package serverapi is the server REST API ("REST API" in the Qiscus docs)
// that app backends call under /api/v2/rest/ and /api/v2.1/rest/,
// authenticated by the app secret: users, rooms, participants, messages and
// system events, plus the exports and imports of package backup.
//
// Like the SDK API it is a thin adapter: it decodes a request
// (httpapi.Params), changes the chat through httpapi.Chat or reads it
// through httpapi.Reads, and renders the JSON shapes of the Qiscus server
// API docs.
package serverapi
