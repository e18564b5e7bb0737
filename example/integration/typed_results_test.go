//go:build !js

package integration_test

import (
	"context"
	"errors"
	"testing"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// TestTypedResults: the REST members answer with decoded Go values that
// agree with the server's JSON kept in Raw.
func TestTypedResults(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	alice, _ := e.login(t, "alice", nil)
	e.login(t, "bob", nil)
	e.login(t, "carol", nil)
	room, err := alice.CreateGroupRoom(ctx, "T", []string{"bob"}, sdk.GroupRoomOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := alice.SendComment(ctx, room.ID, "findme first", sdk.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}

	upd, err := alice.UpdateMessage(ctx, cm.UniqueTempID, "findme edited", sdk.UpdateOptions{})
	if err != nil || upd.Message != "findme edited" || upd.ID != cm.ID || len(upd.Raw) == 0 {
		t.Fatalf("UpdateMessage = %+v, %v", upd, err)
	}
	found, err := alice.SearchMessage(ctx, sdk.SearchOptions{Query: "findme"})
	if err != nil || len(found.Comments) != 1 || found.Comments[0].ID != cm.ID || len(found.Raw) == 0 {
		t.Fatalf("SearchMessage = %+v, %v", found, err)
	}
	added, err := alice.AddParticipantsToGroup(ctx, room.ID, []string{"carol"})
	if err != nil || len(added) != 1 || added[0].Email != "carol" || len(added[0].Raw) == 0 {
		t.Fatalf("AddParticipantsToGroup = %+v, %v", added, err)
	}
	members, err := alice.GetParticipants(ctx, room.UniqueID, sdk.PageOptions{})
	if err != nil || len(members.Participants) != 3 {
		t.Fatalf("GetParticipants = %+v, %v", members, err)
	}
	removed, err := alice.RemoveParticipantsFromGroup(ctx, room.ID, []string{"carol"})
	if err != nil || len(removed) != 1 || removed[0] != "carol" {
		t.Fatalf("RemoveParticipantsFromGroup = %v, %v", removed, err)
	}
	renamed, err := alice.UpdateRoom(ctx, room.ID, sdk.UpdateRoomOptions{Name: "T2"})
	if err != nil || renamed.Name != "T2" || renamed.ID != room.ID {
		t.Fatalf("UpdateRoom = %+v, %v", renamed, err)
	}
	info, err := alice.GetRoomsInfo(ctx, sdk.RoomsInfoOptions{RoomUniqueIDs: []string{room.UniqueID}})
	if err != nil || len(info.Rooms) != 1 || info.Rooms[0].Name != "T2" {
		t.Fatalf("GetRoomsInfo = %+v, %v", info, err)
	}
	if _, err := alice.BlockUser(ctx, "carol"); err != nil {
		t.Fatal(err)
	}
	blocked, err := alice.GetBlockedUser(ctx, sdk.PageOptions{})
	if err != nil || len(blocked) != 1 || blocked[0].Email != "carol" {
		t.Fatalf("GetBlockedUser = %+v, %v", blocked, err)
	}
	ps, err := alice.GetUserPresences(ctx, []string{"bob"})
	if err != nil || len(ps) != 1 || ps[0].UserID != "bob" {
		t.Fatalf("GetUserPresences = %+v, %v", ps, err)
	}
	if _, err := alice.RegisterDeviceToken(ctx, "tok-1", sdk.DeviceTokenOptions{Platform: "ios"}); err != nil {
		t.Fatal(err)
	}
	del, err := alice.DeleteComment(ctx, room.ID, []string{cm.UniqueTempID}, sdk.DeleteOptions{})
	if err != nil || len(del.Raw) == 0 {
		t.Fatalf("DeleteComment = %+v, %v", del, err)
	}
	cleared, err := alice.ClearRoomMessages(ctx, []string{room.UniqueID})
	if err != nil || len(cleared.Raw) == 0 {
		t.Fatalf("ClearRoomMessages = %+v, %v", cleared, err)
	}
}

// TestOptionStructs: the methods that took positional nils take option
// structs whose zero value is the old nil, and whose fields reach the
// server (room options, avatar, the first message, search filters).
func TestOptionStructs(t *testing.T) {
	e := newEnv(t)
	e.login(t, "bob", nil)
	alice, _ := e.login(t, "alice", nil)
	ctx := context.Background()
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
