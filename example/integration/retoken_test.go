//go:build !js

package integration_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// hookDoer runs after() once the wrapped call to a path containing match
// has its response and before the SDK sees it.
type hookDoer struct {
	inner sdk.HTTPDoer
	match string
	mu    sync.Mutex
	after func()
}

func (d *hookDoer) Do(ctx context.Context, r *sdk.Request) (*sdk.Response, error) {
	res, err := d.inner.Do(ctx, r)
	if err == nil && strings.Contains(r.URL, d.match) {
		d.mu.Lock()
		f := d.after
		d.after = nil
		d.mu.Unlock()
		if f != nil {
			f()
		}
	}
	return res, err
}

// TestMessageDuringTokenRotationArrives: the token is part of the MQTT topic
// ({token}/c). Once refresh_user_token has rotated it on the server, new
// comments are published to the new token's topic, but the client only
// subscribes that topic after it has the response. A comment published in
// between is not delivered over MQTT; the client must fetch it with /sync
// as soon as it is subscribed to the new topic. Here bob's comment is
// posted exactly in that window (after the server rotated alice's token,
// before alice's client saw the new one), and the periodic /sync is too
// rare to help: it must arrive anyway, once. Before the fix it never
// arrived (under load the same window lost a b→a message in the browser
// token-ttl test).
func TestMessageDuringTokenRotationArrives(t *testing.T) {
	ctx := context.Background()
	e := newEnvTTL(t, time.Hour) // a refresh token, and no proactive refresh during the test
	hd := &hookDoer{inner: sdk.NetHTTPDoer{}, match: "/refresh_user_token"}
	alice, aev := e.login(t, "alice", func(c *sdk.Config) {
		c.HTTP = hd
		c.SyncOnConnect = time.Hour // only a prompt /sync can bring the comment
	})
	bob, _ := e.login(t, "bob", nil)
	room := chatWith(t, bob, "alice")
	// Realtime works before the rotation.
	if _, err := bob.SendComment(ctx, room.ID, "before", sdk.SendOptions{UniqueTempID: "rot-before"}); err != nil {
		t.Fatal(err)
	}
	aev.waitFor(t, "rot-before at alice", func() bool { return newMessagesWith(aev, "rot-before") == 1 })

	var posted error
	hd.mu.Lock()
	hd.after = func() { // the server has rotated alice's token; her client does not know yet
		_, posted = bob.SendComment(ctx, room.ID, "during rotation", sdk.SendOptions{UniqueTempID: "rot-during"})
	}
	hd.mu.Unlock()
	old := alice.User().Token
	if _, err := alice.RefreshAuthToken(ctx); err != nil {
		t.Fatal(err)
	}
	if posted != nil {
		t.Fatalf("bob's post during the rotation: %v", posted)
	}
	if alice.User().Token == old {
		t.Fatal("token not rotated")
	}
	aev.waitFor(t, "rot-during at alice (published to the new token topic before the client subscribed it)",
		func() bool { return newMessagesWith(aev, "rot-during") > 0 })

	// And realtime follows the new token.
	if _, err := bob.SendComment(ctx, room.ID, "after", sdk.SendOptions{UniqueTempID: "rot-after"}); err != nil {
		t.Fatal(err)
	}
	aev.waitFor(t, "rot-after at alice", func() bool { return newMessagesWith(aev, "rot-after") == 1 })
	for _, u := range []string{"rot-before", "rot-during", "rot-after"} {
		if n := newMessagesWith(aev, u); n != 1 {
			t.Errorf("%s delivered %d times at alice, want 1", u, n)
		}
	}
}
