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
// This package is the HTTP side and the assembly: both APIs (the SDK's and
// the server's) are adapters that decode a request, call the layers below and
// render the v2 JSON; the broker hooks and the fan-out live here too. Below it:
//
//   - internal/chat: the domain service; PostComment is the one way a comment
//     is posted (SDK API, server API, system events, Server.PostComment).
//   - internal/store: SQLite: schema and migrations, every statement, the
//     comment writer (group commit, fan-out in commit order).
//   - internal/apierr: the error kinds every layer wraps, and APIError.
package server
