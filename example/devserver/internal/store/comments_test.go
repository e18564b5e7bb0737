package store

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// A new comment made from NewComment.Sender and the insert's RETURNING
// columns is exactly the one reading it back gives; a retry and a post
// without Sender read it back.
func TestInsertCommentWithSenderMatchesStoredRow(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1700000000, 123456789)
	st, u, room := openWithRoom(t, now, Profile{Username: "Alice", AvatarURL: "http://a/b.png", Extras: []byte(`{"x":1}`)})
	defer st.Close()
	for _, tt := range []struct {
		name string
		in   NewComment
	}{
		{"plain", NewComment{UniqueTempID: "a", Message: "hi", Type: "text"}},
		{"payload and extras", NewComment{UniqueTempID: "b", Message: "ünï ✓", Type: "custom",
			Payload: []byte(`{"k":1}`), Extras: []byte(`{"e":true}`), DisableLinkPreview: true}},
		{"empty JSON", NewComment{UniqueTempID: "c", Message: "x", Type: "text", Payload: []byte{}}},
		{"no sender given", NewComment{UniqueTempID: "d", Message: "y", Type: "text"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.RoomID, in.SenderPK, in.CreatedAt = room, u.PK, now
			if tt.name != "no sender given" {
				in.Sender = &u
			}
			c, created, err := st.InsertComment(ctx, in, nil)
			if err != nil || !created {
				t.Fatalf("created %v, err %v", created, err)
			}
			stored, err := st.CommentInRoom(ctx, room, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c, stored) {
				t.Fatalf("returned %+v\nstored   %+v", c, stored)
			}
			again, created, err := st.InsertComment(ctx, in, nil)
			if err != nil || created || !reflect.DeepEqual(again, stored) {
				t.Fatalf("retry: created %v, err %v, %+v", created, err, again)
			}
		})
	}
}
