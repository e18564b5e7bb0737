//go:build !js

package sdk

import (
	"encoding/json"
	"testing"
)

// FuzzScanComment: whatever the scanner accepts must be valid JSON, since
// it is spliced into the batch the page JSON.parses.
func FuzzScanComment(f *testing.F) {
	f.Add(sampleComment(1))
	f.Add([]byte(`{"id":1,"room_id":2,"message":"\u00e9"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := scanComment(b); err == nil && !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
	})
}
