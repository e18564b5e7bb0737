package server

import (
	"fmt"
	"strings"
	"testing"
)

// TestUniqueTempIDIsNotShared: clients key a room's messages by
// unique_temp_id (receipts carry it, deletes name it, the SDK matches its
// pending copy by it). A room member who posts with another member's
// unique_temp_id, through the SDK API or the server API, is refused with
// 409, and the victim's message stays the only one; the sender's own retry
// still returns the stored comment.
func TestUniqueTempIDIsNotShared(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	room := e.group(alice, "g", bob)
	orig := e.post(alice, room, "hello", "alice-1")
	mustStatus(t, orig, 200)
	id := orig.num("results.comment.id")

	steal := e.post(bob, room, "evil twin", "alice-1")
	if steal.status != 409 || !strings.Contains(steal.raw, "unique_temp_id") {
		t.Fatalf("bob reusing alice's unique_temp_id: %d %s; want 409 naming unique_temp_id", steal.status, steal.raw)
	}
	rest := e.restJSON("post_comment", map[string]any{"sender_email": bob.ID, "room_id": fmt.Sprint(room),
		"message": "evil twin", "type": "text", "unique_temp_id": "alice-1"})
	if rest.status != 409 || !strings.Contains(rest.raw, "unique_temp_id") {
		t.Fatalf("server API post as bob with alice's unique_temp_id: %d %s; want 409", rest.status, rest.raw)
	}
	if n := e.count("comments", "room_id = ? AND unique_temp_id = ?", room, "alice-1"); n != 1 {
		t.Fatalf("%d comments carry alice-1 in the room, want 1", n)
	}

	retry := e.post(alice, room, "hello", "alice-1") // the SDK's send retry
	mustStatus(t, retry, 200)
	if retry.num("results.comment.id") != id || retry.str("results.comment.email") != "alice" {
		t.Fatalf("alice's retry answered %s, want her comment %d", retry.raw, id)
	}
	restRetry := e.restJSON("post_comment", map[string]any{"sender_email": alice.ID, "room_id": fmt.Sprint(room),
		"message": "hello", "type": "text", "unique_temp_id": "alice-1"})
	mustStatus(t, restRetry, 200)
	if restRetry.num("results.comment.id") != id {
		t.Fatalf("server API retry answered %s, want comment %d", restRetry.raw, id)
	}

	// Unique per room: the same id elsewhere is someone else's business.
	mustStatus(t, e.post(bob, e.chat(bob, carol), "elsewhere", "alice-1"), 200)
}
