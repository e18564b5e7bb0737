// Package integration holds the tests of package sdk and of the v2 adapter
// (internal/v2compat) that run against a real devserver: in-process (REST,
// the MQTT broker, a SQLite file on loopback HTTP) or as a subprocess for
// the chaos tests, and next to a real mosquitto for the broker
// compatibility test. They live in the example module, next to the
// devserver, so that the SDK's own module requires none of the devserver's
// dependencies (SQLite, mochi-mqtt): a Go program that imports sdk never
// sees them in its module graph (example/bot's
// TestBuildsAsAnOutsideModule checks it).
//
// The package has no code of its own; it is only its tests.
package integration
