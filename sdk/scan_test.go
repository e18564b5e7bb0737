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
