// Package server is a local, Qiscus-compatible chat backend for development and tests.
//
// One [http.Handler] serves the Qiscus SDK REST API (under /api/v2/sdk/ and
// /api/v2/mobile/), an embedded MQTT broker over WebSocket at /mqtt (MQTT 5 and
// 3.1.1, as spoken by the official v2 JavaScript client), the SDK build under
// /sdk/ and the example pages under /.
//
// Every v2 client endpoint is served, including identity-token login (JWTs
// signed with Config.Secret, see [SignIdentityToken]) and uploads, which are
// stored under Config.UploadDir and served back at /files/.
//
// Data lives in SQLite (a file, or ":memory:"). Broker hooks enforce topic ACLs,
// normalise presence payloads to "{0|1}:{epochMs}" and accept the official v2
// client's CONNECT, whose last will has an empty payload.
//
// It is a development server: it accepts WebSocket connections from any Origin and
// makes no attempt at rate limiting.
//
// This package is only the composition root: Config, New, Handler, Close and
// the exported seams for tests (test hooks, PublishRaw, PostComment,
// SignIdentityToken). The layers live under internal/, each depending only
// on the ones below it, through small interfaces:
//
//   - internal/sdkapi and internal/serverapi: the two REST APIs, thin
//     adapters that decode a request (internal/httpapi), change the chat
//     through httpapi.Chat or read it through httpapi.Reads, and render the
//     v2 JSON (internal/wire). internal/backup serves the server API's
//     exports and imports; internal/msgtype validates a message by its type
//     for both post_comment endpoints and imports.
//   - internal/broker: the embedded MQTT broker, its ACL and auth hooks and
//     the fan-out to the members' topics. internal/webhook: the webhook queue.
//   - internal/chat: the domain service, every change to the chat: users,
//     rooms, participants, device tokens, receipts, edits and deletes, and
//     PostComment, the one way a comment is posted (SDK API, server API,
//     system events, Server.PostComment). It publishes through the broker
//     and notifies the webhooks through functions New wires in.
//   - internal/store: SQLite: schema and migrations, every statement, the
//     comment writer (group commit, fan-out in commit order).
//   - internal/apierr: the error kinds every layer wraps, and APIError.
//     internal/static and internal/idtoken: the static files and the
//     identity-token JWTs.
package server
