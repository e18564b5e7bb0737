package httpapi

import json "github.com/goccy/go-json"

// Reader reads parameters and keeps the first error: a handler reads every
// field it needs, then checks Err once. After an error the reads return zero
// values and record nothing, so the error reported is the one of the first
// bad field in reading order, as with a check after each read.
type Reader struct {
	p   Params
	err error
}

// Read starts reading p.
func (p Params) Read() *Reader { return &Reader{p: p} }

// Err is the first error of the reads so far.
func (r *Reader) Err() error { return r.err }

// read runs one read unless an earlier one failed, and keeps its error.
func read[T any](r *Reader, f func() (T, error)) T {
	var v T
	if r.err == nil {
		v, r.err = f()
	}
	return v
}

// Require is Params.RequireString.
func (r *Reader) Require(k string) string {
	return read(r, func() (string, error) { return r.p.RequireString(k) })
}

// RequireInt64 is Params.RequireInt64.
func (r *Reader) RequireInt64(k string) int64 {
	return read(r, func() (int64, error) { return r.p.RequireInt64(k) })
}

// Int64 is Params.Int64 without ok: absent, null and empty give 0.
func (r *Reader) Int64(k string) int64 {
	return read(r, func() (int64, error) { v, _, err := r.p.Int64(k); return v, err })
}

// Bool is Params.Bool.
func (r *Reader) Bool(k string) bool { return read(r, func() (bool, error) { return r.p.Bool(k) }) }

// JSON is Params.JSON.
func (r *Reader) JSON(k string) json.RawMessage {
	return read(r, func() (json.RawMessage, error) { return r.p.JSON(k) })
}

// JSONObject is Params.JSONObject.
func (r *Reader) JSONObject(k string) json.RawMessage {
	return read(r, func() (json.RawMessage, error) { return r.p.JSONObject(k) })
}

// Limit is Params.Limit.
func (r *Reader) Limit(k string, def, max int) int {
	return read(r, func() (int, error) { return r.p.Limit(k, def, max) })
}

// RestPage is Params.RestPage.
func (r *Reader) RestPage(k string) int {
	return read(r, func() (int, error) { return r.p.RestPage(k) })
}
