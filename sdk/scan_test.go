package sdk

import (
	"encoding/json"
	"testing"
)

func TestScanCommentAgreesWithEncodingJSON(t *testing.T) {
	inputs := []string{
		string(sampleComment(9)),
		`{"id":"12","room_id":"3","message":"esc \"q\" \u00e9 \n","unique_temp_id":"u\/1","email":"a","payload":{"x":[1,2,{"y":null}]},"extras":null}`,
		`{"id":1.0e2,"room_id":3,"nested":{"id":999},"message":"ok"}`,
		` { "id" : 5 , "room_id" : 6 } `,
	}
	for _, in := range inputs {
		got, err := scanComment([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var want Comment
		if err := json.Unmarshal([]byte(in), &struct {
			*Comment
			ID     json.Number `json:"id"`
			RoomID json.Number `json:"room_id"`
		}{Comment: &want}); err != nil {
			t.Fatal(err)
		}
		if got.Message != want.Message || got.UniqueTempID != want.UniqueTempID || got.Email != want.Email {
			t.Fatalf("%s:\n got %+v\nwant %+v", in, got, want)
		}
		if got.ID <= 0 || got.RoomID <= 0 {
			t.Fatalf("%s: ids %d %d", in, got.ID, got.RoomID)
		}
	}
}

func TestScanCommentRejectsInvalidJSON(t *testing.T) {
	bad := []string{
		``, `{}`, `[]`, `{"id":1,"room_id":2`, `{"id":1,"room_id":2,}`, `{"id":01,"room_id":2}`,
		`{"id":1,"room_id":2,"m":"\x"}`, `{"id":1,"room_id":2,"m":tru}`, `{"id":1,"room_id":2} x`,
		`{"id":1,"room_id":2,"m":"` + "\x01" + `"}`, `{"id":1 "room_id":2}`, `{"id":-,"room_id":2}`,
		`{"id":1,"room_id":2,"a":[1,]}`, `{"id":1,"room_id":2,"a":1.}`, `{"id":"x","room_id":2}`,
	}
	for _, in := range bad {
		if _, err := parseComment([]byte(in)); err == nil {
			t.Errorf("accepted %q", in)
		}
		if _, err := scanComment([]byte(in)); err == nil && json.Valid([]byte(in)) == false {
			t.Errorf("scanner accepted invalid JSON %q", in)
		}
	}
}

// The page JSON.parses the raw comment and keeps the last occurrence of a
// key, after unescaping; the scanner must not read a different id, room or
// unique id than the page sees. A field the core reads that appears twice
// is refused outright: a gate that dedupes by id must not guess.
func TestScanCommentDuplicateKeys(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"plain duplicate id", `{"id":1,"id":2,"room_id":3}`, false},
		{"escaped duplicate id", `{"id":1,"\u0069d":2,"room_id":3}`, false},
		{"escaped duplicate id, upper-case hex", `{"\u0069\u0064":1,"id":2,"room_id":3}`, false},
		{"escaped duplicate room_id", `{"id":1,"room_id":3,"room\u005fid":4}`, false},
		{"escaped duplicate unique_temp_id", `{"id":1,"room_id":3,"unique_temp_id":"a","unique_temp_i\u0064":"b"}`, false},
		{"escaped duplicate email", `{"id":1,"room_id":3,"email":"a","em\u0061il":"b"}`, false},
		{"duplicate payload", `{"id":1,"room_id":3,"payload":{},"payload":{"x":1}}`, false},
		{"duplicate unknown key is harmless", `{"id":1,"room_id":3,"x":1,"x":2}`, true},
		{"nested duplicate is not a comment field", `{"id":1,"room_id":3,"payload":{"id":1,"id":2}}`, true},
		{"case differs: not a duplicate", `{"id":1,"ID":2,"room_id":3}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseComment([]byte(tt.in))
			if tt.ok != (err == nil) {
				t.Fatalf("parseComment(%s) = %+v, %v; want ok=%v", tt.in, c, err, tt.ok)
			}
		})
	}
}

// An escaped key names the same field as the unescaped one.
func TestScanCommentEscapedKeys(t *testing.T) {
	c, err := parseComment([]byte(`{"\u0069d":7,"room\u005fid":3,"unique\u005ftemp_id":"u-1","\u0065mail":"bob"}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != 7 || c.RoomID != 3 || c.UniqueTempID != "u-1" || c.Email != "bob" {
		t.Fatalf("escaped keys ignored: %+v", c)
	}
}
