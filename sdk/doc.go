// Package sdk is the pure-Go core of the Qiscus-compatible chat client.
//
// It speaks the Qiscus SDK v2 wire protocol: REST under /api/v2/sdk/ and
// MQTT over WebSocket for realtime. The same code builds natively (Go bots,
// services and tests, using net/http) and for js/wasm (the browser SDK,
// using fetch), with the transports behind the small HTTPDoer and Dialer
// interfaces.
//
// A Client owns the session state: the logged-in user, the selected room
// and its comments, the sync cursor and the realtime connection. Everything
// the application must hear about is reported through Config.OnEvent, in
// order, from the client's event goroutine (OnEvent may call the Client).
// Every comment reaches the application once and, per room, in id order,
// whether it came over MQTT, /sync or a send response; the sync cursor
// moves only on what /sync returned (see gate in dedupe.go).
package sdk
