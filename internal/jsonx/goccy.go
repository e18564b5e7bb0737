//go:build !js || goccy

package jsonx

import json "github.com/goccy/go-json"

// Marshal encodes v.
func Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal decodes data into v.
func Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// Valid reports whether data is valid JSON.
func Valid(data []byte) bool { return json.Valid(data) }

// Impl names the implementation linked in.
const Impl = "goccy/go-json"
