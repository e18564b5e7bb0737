//go:build !js && !nodevserver

package sdk_test

import (
	"context"
	"errors"
	"testing"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// TestOptionStructs: the methods that took positional nils take option
// structs whose zero value is the old nil, and whose fields reach the
// server (room options, avatar, the first message, search filters).
func TestOptionStructs(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	alice, _ := e.login(t, "alice", nil)
	e.login(t, "bob", nil)

	g, err := alice.CreateGroupRoom(ctx, "G", []string{"bob"}, sdk.GroupRoomOptions{AvatarURL: "http://x/a.png", Options: sdk.RawMessage(`{"color":"red"}`)})
	if err != nil || g.AvatarURL != "http://x/a.png" || g.Options != `{"color":"red"}` {
		t.Fatalf("CreateGroupRoom = %+v, %v", g, err)
	}
	if _, err := alice.CreateGroupRoom(ctx, "G", []string{"bob"}, sdk.GroupRoomOptions{Options: sdk.RawMessage(`[1]`)}); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("CreateGroupRoom with array options: %v", err)
	}
	if _, err := alice.ChatTarget(ctx, "bob", sdk.ChatTargetOptions{Options: sdk.RawMessage(`"x"`)}); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("ChatTarget with string options: %v", err)
	}
	room, err := alice.ChatTarget(ctx, "bob", sdk.ChatTargetOptions{Message: "needle one"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.SendComment(ctx, g.ID, "needle two", sdk.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	all, err := alice.SearchMessages(ctx, "needle", sdk.SearchMessagesOptions{})
	if err != nil || len(all) != 2 {
		t.Fatalf("SearchMessages(needle) = %v, %v; want the ChatTarget message and the group one", all, err)
	}
	inRoom, err := alice.SearchMessages(ctx, "needle", sdk.SearchMessagesOptions{RoomID: room.ID})
	if err != nil || len(inRoom) != 1 || inRoom[0].Message != "needle one" {
		t.Fatalf("SearchMessages(needle, RoomID) = %v, %v", inRoom, err)
	}

	gen, err := alice.GenerateMessage(room.ID, "draft", sdk.SendOptions{Type: "custom", Payload: sdk.RawMessage(`{"type":"poll"}`), UniqueTempID: "u-1"})
	if err != nil || gen.Type != "custom" || string(gen.Payload) != `{"type":"poll"}` || gen.UniqueTempID != "u-1" ||
		gen.Status != sdk.StatusPending || gen.RoomID != room.ID || gen.Email != "alice" {
		t.Fatalf("GenerateMessage = %+v, %v", gen, err)
	}
	if gen, err := alice.GenerateMessage(room.ID, "draft", sdk.SendOptions{}); err != nil || gen.Type != "text" || gen.UniqueTempID == "" {
		t.Fatalf("GenerateMessage with zero options = %+v, %v", gen, err)
	}

	before, err := alice.RemoveSelectedRoomParticipants([]string{"bob"}, sdk.ByEmail)
	if err != nil || len(before) != 2 {
		t.Fatalf("RemoveSelectedRoomParticipants = %v, %v", before, err)
	}
	if sel := alice.Selected(); len(sel.Participants) != 1 || sel.Participants[0].Email != "alice" {
		t.Fatalf("selected participants after removing bob = %+v", sel.Participants)
	}
	if _, err := alice.RemoveSelectedRoomParticipants(nil, "name"); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("RemoveSelectedRoomParticipants by name: %v", err)
	}
}
