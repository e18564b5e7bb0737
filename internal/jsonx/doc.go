// Package jsonx is the one JSON import of the SDK. It is a build-tag switch:
// natively it is github.com/goccy/go-json; in the js/wasm build it is the
// standard library's encoding/json unless the "goccy" tag is set (see the
// README for the measured reason).
package jsonx
