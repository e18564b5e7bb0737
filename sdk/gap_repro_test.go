//go:build !js && !nodevserver && issue8

// Deterministic reproductions of the delivery gaps the browser chaos test
// (js/test/e2e-chaos.test.mjs) counts, for the SDK delivery fix of issue 8.
// They fail on the SDK as of this commit, which is why they are behind the
// issue8 build tag (go test -tags issue8 -run TestGap ./sdk/): the fix in
// the delivery path (dedupe.go / sync.go / messages.go / client.go) is
// another branch; drop the tag when it is merged.

package sdk_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// gateDoer holds or fails the client's /sync requests on demand.
type gateDoer struct {
	inner   sdk.HTTPDoer
	arrived chan struct{} // a /sync request is being held
	release chan error    // nil: send it on; an error: fail it (no response)
	armed   chan struct{} // closed: hold the next /sync
}

func newGateDoer() *gateDoer {
	return &gateDoer{inner: sdk.NetHTTPDoer{}, arrived: make(chan struct{}, 1), release: make(chan error, 1), armed: make(chan struct{})}
}

func (d *gateDoer) Do(ctx context.Context, r *sdk.Request) (*sdk.Response, error) {
	if strings.Contains(r.URL, "/sync?") {
		select {
		case <-d.armed:
			select {
			case d.arrived <- struct{}{}:
				select {
				case err := <-d.release:
					if err != nil {
						return nil, err
					}
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			default: // only the first one after arming is held
			}
		default:
		}
	}
	return d.inner.Do(ctx, r)
}

// gapSetup: bob is online; MQTT goes away; alice posts m1 and m2 (bob can
// only get them with /sync); MQTT comes back and bob reconnects. The /sync
// bob runs after reconnecting is held at the HTTP layer, with its cursor
// already read. Then alice posts m3, which bob gets over MQTT first.
func gapSetup(t *testing.T) (e *env, gate *gateDoer, bev *events, uids []string) {
	t.Helper()
	ctx := context.Background()
	e = newEnv(t)
	gate = newGateDoer()
	_, _ = e.login(t, "alice", nil)
	bob, bev := e.login(t, "bob", func(c *sdk.Config) {
		c.HTTP = gate
		c.ReconnectMin, c.ReconnectMax = 50*time.Millisecond, 100*time.Millisecond
		c.SyncInterval = time.Hour // no polls: only the /sync of each reconnect
		c.SyncOnConnect = time.Hour
	})
	room, err := bob.ChatTarget(ctx, "alice", nil)
	if err != nil {
		t.Fatal(err)
	}
	post := func(uid string) {
		if _, err := e.srv.PostComment(ctx, "alice", room.ID, "gap "+uid, uid); err != nil {
			t.Fatal(err)
		}
	}
	post("m0")
	bev.waitFor(t, "m0 at bob", func() bool { return newMessagesWith(bev, "m0") == 1 })

	e.srv.SetMQTTEnabled(false)
	e.srv.DisconnectMQTT()
	post("m1")
	post("m2")
	close(gate.armed)
	e.srv.SetMQTTEnabled(true)
	select {
	case <-gate.arrived: // bob reconnected; its /sync (from m0) is held
	case <-time.After(10 * time.Second):
		t.Fatal("bob did not /sync after reconnecting")
	}
	post("m3")
	bev.waitFor(t, "m3 at bob over MQTT", func() bool { return newMessagesWith(bev, "m3") == 1 })
	return e, gate, bev, []string{"m0", "m1", "m2", "m3"}
}

func arrivalOrder(ev *events) []string {
	var out []string
	for _, e := range ev.named("newMessages") {
		if e.Comment != nil {
			out = append(out, e.Comment.UniqueTempID)
		}
	}
	return out
}

// TestGapFilledInOrder: the held /sync then returns m1, m2 (and m3): bob's
// app must hear m0 m1 m2 m3, in id order. Today: m0 m3 m1 m2.
func TestGapFilledInOrder(t *testing.T) {
	_, gate, bev, uids := gapSetup(t)
	gate.release <- nil
	bev.waitFor(t, "m1 and m2 at bob", func() bool { return newMessagesWith(bev, "m1") > 0 && newMessagesWith(bev, "m2") > 0 })
	if got := strings.Join(arrivalOrder(bev), " "); got != strings.Join(uids, " ") {
		t.Fatalf("bob heard %q, want %q (room id order)", got, strings.Join(uids, " "))
	}
}

// TestGapNotSkippedAfterFailedSync: the held /sync fails (no response, as
// when the server dies again). bob's next /sync starts from its cursor,
// which m3 (over MQTT) has moved past m1 and m2: they are never fetched.
// bob must still get them once it syncs again (after the next reconnect
// here). Today: never.
func TestGapNotSkippedAfterFailedSync(t *testing.T) {
	e, gate, bev, _ := gapSetup(t)
	gate.release <- errors.New("connection reset (test)")
	n := len(bev.named("onReconnect"))
	e.srv.DisconnectMQTT()
	bev.waitFor(t, "bob reconnected again", func() bool { return len(bev.named("onReconnect")) > n })
	bev.waitFor(t, "m1 and m2 at bob after the failed /sync and a reconnect", func() bool {
		return newMessagesWith(bev, "m1") == 1 && newMessagesWith(bev, "m2") == 1
	})
}
