package chat

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// TestReceipts moves cursors on a real SQLite file: only forward moves are
// published, reading implies receiving, and a comment of another room is
// refused.
func TestReceipts(t *testing.T) {
	ctx, st, now := openStore(t)
	var published []string
	s := &Service{Store: st, Ctx: ctx,
		Publish: func(*store.Comment, *store.RoomDetail, []int64) {},
		Notify:  func(string, *store.Comment, *store.RoomDetail) {},
		PublishReceipt: func(roomID int64, u *store.User, kind string, c *store.Comment) {
			published = append(published, fmt.Sprintf("%s:%s:%s", u.ID, kind, c.UniqueTempID))
		},
	}
	alice, err := s.Login(ctx, store.LoginInput{ID: "alice", Password: "pw"}, now)
	if err != nil {
		t.Fatal(err)
	}
	bob, err := s.Login(ctx, store.LoginInput{ID: "bob", Password: "pw"}, now)
	if err != nil {
		t.Fatal(err)
	}
	room, err := s.SingleRoom(ctx, &alice, &bob, "", now)
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateGroup(ctx, store.NewRoom{Name: "G", CreatorPK: alice.PK, CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	post := func(roomID int64, uid string) int64 {
		t.Helper()
		c, _, err := s.PostComment(ctx, &alice, store.NewComment{RoomID: roomID, UniqueTempID: uid, Message: "m",
			Type: "text", CreatedAt: now}, PostOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	c1, c2, elsewhere := post(room, "c1"), post(room, "c2"), post(other, "x")
	for _, step := range []struct {
		name               string
		read, received     int64
		wantRead, wantRecv int64
		wantErr            error
	}{
		{"deliver c1", 0, c1, 0, c1, nil},
		{"read c2 implies delivered", c2, 0, c2, c2, nil},
		{"backwards moves nothing", c1, c1, c2, c2, nil},
		{"a comment of another room", elsewhere, 0, 0, 0, apierr.ErrCommentNotFound},
	} {
		res, err := s.Receipts(ctx, &bob, room, step.read, step.received, now)
		if step.wantErr != nil {
			if !errors.Is(err, step.wantErr) {
				t.Fatalf("%s: err %v, want %v", step.name, err, step.wantErr)
			}
			continue
		}
		if err != nil || res.Read != step.wantRead || res.Received != step.wantRecv {
			t.Fatalf("%s: %+v, %v", step.name, res, err)
		}
	}
	if got, want := strings.Join(published, ","), "bob:d:c1,bob:r:c2"; got != want {
		t.Errorf("published %s, want %s", got, want)
	}
}
