//go:build !js

package sdk

import (
	"encoding/json"
	"testing"
)

// FuzzScanComment: whatever the scanner accepts must be valid JSON, since
// it is spliced into the batch the page JSON.parses, and the fields it reads
// must be the ones the page sees. The oracle for the latter decodes into a
// map, which like JSON.parse matches keys exactly, after unescaping, and
// keeps the last occurrence.
func FuzzScanComment(f *testing.F) {
	f.Add(sampleComment(1))
	f.Add([]byte(`{"id":1,"room_id":2,"message":"\u00e9"}`))
	f.Add([]byte(`{"id":1,"\u0069d":2,"room_id":3}`))
	f.Add([]byte(`{"id":1,"room_id":3,"unique_temp_id":"a","unique_temp_i\u0064":"b"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := scanComment(b)
		if err != nil {
			return
		}
		if !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("accepted %q, which is not an object: %v", b, err)
		}
		want := &Comment{}
		for k, v := range m {
			if fieldBit([]byte(k)) != 0 {
				if err := want.setField([]byte(k), v); err != nil {
					t.Fatalf("accepted %q but the page's value of %s is bad: %v", b, k, err)
				}
			}
		}
		if got.ID != want.ID || got.RoomID != want.RoomID || got.BeforeID != want.BeforeID ||
			got.UniqueTempID != want.UniqueTempID || got.Email != want.Email || got.Message != want.Message ||
			got.Status != want.Status || got.Type != want.Type {
			t.Fatalf("%q: scanner read %+v, the page reads %+v", b, got, want)
		}
	})
}
