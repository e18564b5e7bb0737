package chat

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

func TestCheckMessage(t *testing.T) {
	for _, tt := range []struct {
		name, msg, typ, err string
	}{
		{"text", "hi", "text", ""},
		{"blank text", " \n", "text", "comment is required"},
		{"blank sticker", "", "sticker", ""},
		{"4000 characters", strings.Repeat("é", MaxMessageLength), "text", ""},
		{"4001 characters", strings.Repeat("é", MaxMessageLength+1), "text", "too long"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckMessage(tt.msg, tt.typ)
			if (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("CheckMessage = %v, want %q", err, tt.err)
			}
		})
	}
}

// TestPostComment runs the one post path on a real SQLite file: who may
// post, that a retry publishes and notifies nothing, and NoRealtime.
func TestPostComment(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "chat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	var users []store.User
	for _, id := range []string{"alice", "bob", "eve"} {
		u, err := st.LoginOrRegister(ctx, store.LoginInput{ID: id, Password: "pw"}, now, 0)
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	alice, bob, eve := &users[0], &users[1], &users[2]
	room, err := st.CreateGroupRoom(ctx, store.NewRoom{Name: "G", CreatorPK: alice.PK, MemberPKs: []int64{bob.PK}, CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var published, notified []string
	s := &Service{
		Store: st, Ctx: ctx,
		Publish: func(c *store.Comment, d *store.RoomDetail, skip []int64) {
			mu.Lock()
			defer mu.Unlock()
			published = append(published, c.UniqueTempID)
		},
		Notify: func(typ string, c *store.Comment, d *store.RoomDetail) {
			mu.Lock()
			defer mu.Unlock()
			notified = append(notified, typ+":"+c.UniqueTempID)
		},
	}
	post := func(u *store.User, uid string, opt PostOptions) (store.Comment, error) {
		c, _, err := s.PostComment(ctx, u, store.NewComment{RoomID: room, UniqueTempID: uid, Message: "m",
			Type: "text", CreatedAt: now}, opt)
		return c, err
	}
	first, err := post(alice, "a1", PostOptions{Webhook: "w"})
	if err != nil {
		t.Fatal(err)
	}
	if again, err := post(alice, "a1", PostOptions{Webhook: "w"}); err != nil || again.ID != first.ID {
		t.Fatalf("retry: %+v, %v", again, err)
	}
	if _, err := post(eve, "e1", PostOptions{Webhook: "w"}); !errors.Is(err, apierr.ErrNotParticipant) {
		t.Fatalf("a non-member's post: %v", err)
	}
	if _, err := post(eve, "e2", PostOptions{Webhook: "w", AsServer: true}); err != nil {
		t.Fatalf("a server post as a non-member: %v", err)
	}
	if _, err := post(bob, "b1", PostOptions{Webhook: "w", NoRealtime: true}); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(published, ","), "a1,e2"; got != want {
		t.Errorf("published %s, want %s", got, want)
	}
	if got, want := strings.Join(notified, ","), "w:a1,w:e2,w:b1"; got != want {
		t.Errorf("notified %s, want %s", got, want)
	}
}
