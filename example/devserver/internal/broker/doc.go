// Package broker is the embedded MQTT broker (mochi-mqtt) the v2 clients
// connect to over WebSocket at /mqtt, and the server's side of the realtime
// protocol.
//
// The hooks (hooks.go) identify clients by their credentials or by proof of
// their token, enforce the topic ACLs, validate what clients publish
// (presence, typing, custom events) and accept the official v2 client's
// CONNECT. The fan-out (fanout.go) publishes new and edited comments,
// receipts and sync events to the members' topics, rendered for each
// viewer. The broker reads users and rooms through the small Reads
// interface; it never writes the chat.
package broker
