package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/sdkapi"
)

// TestSearchRoomIDsAreBounded: search and file_list take a list of room ids,
// which became one SQL variable each; 40,000 of them passed SQLite's variable
// limit (32,766) and answered 500. Up to maxFilterRoomIDs distinct ids are
// searched; more is a 400 that names the limit. Repeats count once.
func TestSearchRoomIDsAreBounded(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	room := e.chat(alice, bob)
	e.mustPost(alice, room, "needle")
	ids := func(n int, real int64) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(1_000_000 + i) // rooms that do not exist (or are not alice's)
		}
		if n > 0 {
			out[n-1] = real
		}
		return out
	}
	tests := []struct {
		name     string
		roomIDs  []int64
		status   int
		contains string
	}{
		{"40,000 ids", ids(40_000, room), 400, fmt.Sprintf("at most %d", sdkapi.MaxFilterRoomIDs)},
		{"one over the limit", ids(sdkapi.MaxFilterRoomIDs+1, room), 400, fmt.Sprintf("at most %d", sdkapi.MaxFilterRoomIDs)},
		{"at the limit", ids(sdkapi.MaxFilterRoomIDs, room), 200, "needle"},
		{"repeats count once", append(ids(sdkapi.MaxFilterRoomIDs, room), ids(sdkapi.MaxFilterRoomIDs, room)...), 200, "needle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, endpoint := range []string{"search", "file_list"} {
				r := e.in(t).postJSON(endpoint, alice, map[string]any{"query": "needle", "room_ids": tt.roomIDs})
				want := tt.contains
				if endpoint == "file_list" && tt.status == 200 {
					want = `"total":0` // a text without [file] is no file
				}
				if r.status != tt.status || !strings.Contains(r.raw, want) {
					t.Fatalf("%s with %d room ids: %d %.300s; want %d containing %q", endpoint, len(tt.roomIDs), r.status, r.raw, tt.status, want)
				}
			}
		})
	}
}

// TestDeleteMessagesUniqueIDsAreBounded: delete_messages had the same
// unbounded list (one SQL variable per unique id): 40,000 answered 500.
func TestDeleteMessagesUniqueIDsAreBounded(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	room := e.chat(alice, bob)
	mustStatus(t, e.post(alice, room, "to delete", "d1"), 200)
	mine := "d1"
	many := make([]string, 40_000)
	for i := range many {
		many[i] = mine
	}
	tooMany := make([]string, sdkapi.MaxDeleteUniqueIDs+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprint("u-", i)
	}
	// 40,000 copies of one id are one id.
	r := e.sendJSON("DELETE", "delete_messages", alice, map[string]any{"unique_ids": many})
	mustStatus(t, r, 200)
	if n := e.count("comments", "is_deleted = 1"); n != 1 {
		t.Fatalf("%d comments deleted, want 1", n)
	}
	r = e.sendJSON("DELETE", "delete_messages", alice, map[string]any{"unique_ids": tooMany})
	if r.status != 400 || !strings.Contains(r.raw, fmt.Sprintf("at most %d", sdkapi.MaxDeleteUniqueIDs)) {
		t.Fatalf("%d unique ids: %d %.300s; want 400 naming the limit", len(tooMany), r.status, r.raw)
	}
}
