package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// Concurrent posts in one room are stored in one chain (each comment_before_id
// is the comment before it) and every member gets them in id order.
func TestConcurrentPostsKeepOrder(t *testing.T) {
	e := newEnv(t)
	var users []*testUser
	for i := range 5 {
		users = append(users, e.login(fmt.Sprint("u", i), fmt.Sprint("U", i)))
	}
	g := e.group(users[0], "G", users[1:]...)
	var subs []*mqttClient
	for i, u := range users {
		mc := e.mqtt(fmt.Sprint("sub", i), u)
		mc.mustSubscribe(u.Token + "/c")
		subs = append(subs, mc)
	}

	const perUser = 20
	var mu sync.Mutex
	before := map[int64]int64{} // id → comment_before_id
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			for k := range perUser {
				r := e.post(u, g, fmt.Sprint("m", i, "-", k), fmt.Sprint("uid-", i, "-", k))
				if r.status != 200 {
					t.Errorf("post: HTTP %d %s", r.status, r.raw)
					return
				}
				mu.Lock()
				before[r.num("results.comment.id")] = r.num("results.comment.comment_before_id")
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	ids := slices.Sorted(func(yield func(int64) bool) {
		for id := range before {
			if !yield(id) {
				return
			}
		}
	})
	if len(ids) != len(users)*perUser {
		t.Fatalf("%d comments stored, want %d", len(ids), len(users)*perUser)
	}
	for i, id := range ids {
		want := int64(0)
		if i > 0 {
			want = ids[i-1]
		}
		if before[id] != want {
			t.Errorf("comment %d has comment_before_id %d, want %d", id, before[id], want)
		}
	}
	for i, mc := range subs {
		var got []int64
		for range ids {
			var c struct{ ID int64 }
			if err := json.Unmarshal(mc.next().Payload, &c); err != nil {
				t.Fatal(err)
			}
			got = append(got, c.ID)
		}
		if !slices.Equal(got, ids) {
			t.Errorf("member %d got %v, want %v (id order)", i, got, ids)
		}
		mc.none(50 * time.Millisecond)
	}
}

// The same unique_temp_id posted many times at once is stored and published
// once, and every caller gets that comment.
func TestConcurrentRetriesStoreOnce(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	room := e.chat(alice, bob)
	mb := e.mqtt("b", bob)
	mb.mustSubscribe(bob.Token + "/c")
	n := e.commentCount()

	ids := make([]int64, 10)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			r := e.post(alice, room, "once", "same-uid")
			if r.status != 200 {
				t.Errorf("post: HTTP %d %s", r.status, r.raw)
			}
			ids[i] = r.num("results.comment.id")
		})
	}
	wg.Wait()
	if slices.Min(ids) != slices.Max(ids) || ids[0] == 0 {
		t.Errorf("callers got ids %v, want one id", ids)
	}
	if got := e.commentCount(); got != n+1 {
		t.Errorf("%d comments stored, want 1", got-n)
	}
	mb.nextJSON(bob.Token + "/c")
	mb.none(200 * time.Millisecond)
}

// waitCached waits until the post path has room and every token in its cache.
func waitCached(t *testing.T, e *testEnv, room int64, tokens ...string) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		if e.s.store.Cached(room, tokens...) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("room %d and tokens not cached after %s", room, waitFor)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Every change to a room, its members or their users reaches the next post,
// even when the post path has the room and the tokens cached.
func TestPostSeesChangesDespiteCache(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol, dave := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol"), e.login("dave", "Dave")
	g := e.group(alice, "G", bob, carol)
	mc := e.mqtt("c", carol)
	mc.mustSubscribe(carol.Token + "/c")
	carolIn := true
	// warm makes sure the post path has the room and the users' tokens cached
	// (each user makes a request; alice posts), then drains carol's messages.
	warm := func(t *testing.T, users ...*testUser) {
		t.Helper()
		var tokens []string
		for _, u := range users {
			mustStatus(t, e.in(t).get("my_profile", u), 200)
			tokens = append(tokens, u.Token)
		}
		r := e.in(t).post(alice, g, "warm", "")
		mustStatus(t, r, 200)
		waitCached(t, e, g, tokens...)
		if carolIn {
			for {
				if m := mc.in(t).next(); strings.Contains(string(m.Payload), r.str("results.comment.unique_temp_id")) {
					break
				}
			}
		}
	}

	t.Run("room renamed", func(t *testing.T) {
		warm(t, alice)
		mustStatus(t, e.in(t).form("update_room", alice, fmt.Sprint("id=", g, "&room_name=Renamed&avatar_url=http%3A%2F%2Fa%2Fr.png")), 200)
		r := e.in(t).mustPost(alice, g, "after rename")
		checkFields(t, r, []fieldWant{{"results.comment.room_name", "Renamed"}, {"results.comment.room_avatar", "http://a/r.png"}})
		checkFields(t, mc.in(t).nextJSON(carol.Token+"/c"), []fieldWant{{"room_name", "Renamed"}})
	})
	t.Run("profile changed", func(t *testing.T) {
		warm(t, alice)
		mustStatus(t, e.in(t).send("PATCH", "my_profile", alice, formType, "name=Alicia&avatar_url=http%3A%2F%2Fa%2Fa.png"), 200)
		r := e.in(t).mustPost(alice, g, "after profile")
		checkFields(t, r, []fieldWant{{"results.comment.username", "Alicia"}, {"results.comment.user_avatar_url", "http://a/a.png"}})
		checkFields(t, mc.in(t).nextJSON(carol.Token+"/c"), []fieldWant{{"username", "Alicia"}})

		// In a single room, the room is named after the other member.
		single := e.in(t).chat(alice, bob)
		mustStatus(t, e.in(t).post(alice, single, "warm", ""), 200)
		waitCached(t, e, single)
		mustStatus(t, e.in(t).send("PATCH", "my_profile", bob, formType, "name=Bobby"), 200)
		checkFields(t, e.in(t).mustPost(alice, single, "after bob's rename"), []fieldWant{{"results.comment.room_name", "Bobby"}})
	})
	t.Run("member removed", func(t *testing.T) {
		warm(t, alice, carol)
		mustStatus(t, e.in(t).form("remove_room_participants", alice, fmt.Sprint("room_id=", g, "&emails[]=carol")), 200)
		checkError(t, e.in(t).post(carol, g, "gone", ""), 403, "not a participant")
		carolIn = false
		e.in(t).mustPost(alice, g, "carol is out")
		mc.in(t).none(200 * time.Millisecond)
	})
	t.Run("member added", func(t *testing.T) {
		warm(t, alice)
		md := e.mqtt("d", dave)
		md.mustSubscribe(dave.Token + "/c")
		mustStatus(t, e.in(t).form("add_room_participants", alice, fmt.Sprint("room_id=", g, "&emails[]=dave")), 200)
		mustStatus(t, e.in(t).post(dave, g, "hi from dave", ""), 200)
		checkFields(t, md.in(t).nextJSON(dave.Token+"/c"), []fieldWant{{"message", "hi from dave"}})
	})
	t.Run("token refreshed", func(t *testing.T) {
		warm(t, alice, bob)
		r := e.in(t).form("login_or_register", nil, url.Values{"email": {"bob"}, "password": {bob.Password}}.Encode())
		mustStatus(t, r, 200)
		refresh := r.str("results.user.refresh_token")
		r = e.in(t).form("refresh_user_token", bob, url.Values{"user_id": {"bob"}, "refresh_token": {refresh}}.Encode())
		mustStatus(t, r, 200)
		fresh := &testUser{ID: "bob", Token: r.str("results.token"), PK: bob.PK}
		checkError(t, e.in(t).post(bob, g, "old token", ""), 401, "invalid user id or token")
		mb := e.mqtt("b2", fresh)
		mb.mustSubscribe(fresh.Token + "/c")
		mustStatus(t, e.in(t).post(fresh, g, "new token", ""), 200)
		checkFields(t, mb.in(t).nextJSON(fresh.Token+"/c"), []fieldWant{{"message", "new token"}})
		e.in(t).mustPost(alice, g, "to the new token")
		checkFields(t, mb.in(t).nextJSON(fresh.Token+"/c"), []fieldWant{{"message", "to the new token"}})
	})
	t.Run("token expired", func(t *testing.T) {
		warm(t, alice)
		mustStatus(t, e.in(t).form("expire_user_token", alice, "user_id=alice"), 200)
		checkError(t, e.in(t).post(alice, g, "expired", ""), 403, "Token is expired")
	})
}

// A retry answers with the stored comment as it is now: its status follows
// the read cursors, which the cached room of the post path leaves out.
func TestRetryShowsCurrentStatus(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	room := e.chat(alice, bob)
	r := e.post(alice, room, "read me", "uid-read")
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{{"results.comment.status", "sent"}})
	id := r.num("results.comment.id")
	waitCached(t, e, room, alice.Token)
	mustStatus(t, e.form("update_comment_status", bob, fmt.Sprint("room_id=", room, "&last_comment_read_id=", id)), 200)
	waitCached(t, e, room) // moving cursors keeps the room cached
	r = e.post(alice, room, "read me", "uid-read")
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{{"results.comment.id", int(id)}, {"results.comment.status", "read"}})
	// A new comment is "sent" whatever the cursors say.
	checkFields(t, e.mustPost(alice, room, "new"), []fieldWant{{"results.comment.status", "sent"}})
}

// fanOut encodes a comment once per distinct view; every member still gets
// exactly the bytes of the comment rendered for them.
func TestFanOutPayloadPerViewer(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	mustStatus(t, e.send("PATCH", "my_profile", bob, formType, "avatar_url=http%3A%2F%2Fa%2Fb.png"), 200)
	single := e.chat(alice, bob)
	group := e.group(alice, "G", bob, carol)
	subs := map[int64]*mqttClient{}
	for _, u := range []*testUser{alice, bob, carol} {
		mc := e.mqtt("sub-"+u.ID, u)
		mc.mustSubscribe(u.Token + "/c")
		subs[u.PK] = mc
	}
	ctx := context.Background()
	for _, room := range []int64{single, group} {
		id := e.mustPost(alice, room, "hello").num("results.comment.id")
		c, err := e.s.store.CommentInRoom(ctx, room, id)
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.s.store.RoomDetail(ctx, room)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Participants {
			want, err := gojson.Marshal(wire.CommentFor(&c, d, p.PK))
			if err != nil {
				t.Fatal(err)
			}
			if got := subs[p.PK].next().Payload; string(got) != string(want) {
				t.Errorf("room %d, %s got\n%s\nwant\n%s", room, p.ID, got, want)
			}
		}
	}
}
