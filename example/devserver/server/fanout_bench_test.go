package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/eclipse/paho.golang/paho"
)

// BenchmarkPostCommentFanOut measures SDK post_comment with fan-out: 50 users in
// 10 group rooms of 5 (create_room), every member subscribed to its {token}/c
// over MQTT (paho over WebSocket), and 50 concurrent HTTP senders, each posting
// to its own room. One iteration is one load round of fanOutBenchSenders ×
// fanOutBenchPerSender posts (bounded by fanOutBenchRound too); afterwards
// every subscriber must have received every comment of its room exactly once.
//
//	go -C example test -run XXX -bench PostCommentFanOut -benchtime 3x ./devserver/server
//
// Metrics: posts/s (successful posts over the load time of all rounds),
// p50-ms and p99-ms (per request, client side), and fanout-inversions (a
// subscriber got a comment after a newer one of the same room; 0 expected).
// DEVSERVER_BENCH_POSTS overrides the posts per sender and round.
func BenchmarkPostCommentFanOut(b *testing.B) {
	const (
		rooms   = 10
		members = 5
	)
	perSender := fanOutBenchPerSender
	if v, err := strconv.Atoi(os.Getenv("DEVSERVER_BENCH_POSTS")); err == nil && v > 0 {
		perSender = min(v, 10000)
	}
	fb := newFanOutBench(b, rooms, members)

	var (
		latencies []time.Duration
		loadTime  time.Duration
		posts     int
	)
	b.ResetTimer()
	for iter := 0; iter < b.N; iter++ {
		lat, took := fb.round(iter, perSender)
		latencies = append(latencies, lat...)
		loadTime += took
		posts += len(lat)
	}
	b.StopTimer()
	fb.verify()

	slices.Sort(latencies)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(float64(posts)/loadTime.Seconds(), "posts/s")
	b.ReportMetric(ms(percentile(latencies, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(latencies, 99)), "p99-ms")
	b.ReportMetric(float64(fb.inversions()), "fanout-inversions")
	b.ReportMetric(0, "ns/op") // one op is one load round: its time says nothing
}

const (
	fanOutBenchSenders   = 50
	fanOutBenchPerSender = 100              // posts per sender and round
	fanOutBenchRound     = 30 * time.Second // a round stops posting after this
	fanOutBenchSettle    = 20 * time.Second // longest wait for the fan-out of a round
)

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(min(i, len(sorted))-1, 0)]
}

type fanOutBench struct {
	tb      testing.TB
	ts      *httptest.Server
	members int // per room
	hc      *http.Client
	users   []*testUser
	roomOf  []int64 // roomOf[i] is users[i]'s room
	subs    []*fanOutSub

	mu      sync.Mutex
	created map[int64][]int64 // room → ids of the comments posted (responses)
}

// fanOutSub is one member's {token}/c subscription; it records the ids it gets.
type fanOutSub struct {
	room int64
	mu   sync.Mutex
	ids  []int64
	bad  []string // messages of another room or without an id
	n    atomic.Int64
}

func newFanOutBench(tb testing.TB, rooms, members int) *fanOutBench {
	tb.Helper()
	s, err := New(context.Background(), Config{
		AppID: "dev", Secret: "dev-secret", DBPath: filepath.Join(tb.TempDir(), "qiscus.db"), Logger: debugLogger(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	tr := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, IdleConnTimeout: time.Minute}
	fb := &fanOutBench{tb: tb, ts: ts, members: members, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second},
		created: map[int64][]int64{}}
	tb.Cleanup(func() {
		tr.CloseIdleConnections()
		ts.Close()
		if err := s.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	if rooms*members != fanOutBenchSenders {
		tb.Fatalf("%d rooms of %d for %d senders", rooms, members, fanOutBenchSenders)
	}
	for i := range rooms * members {
		id := fmt.Sprintf("bench%02d", i)
		r := fb.call("login_or_register", nil, formType,
			url.Values{"email": {id}, "password": {"pw-" + id}, "username": {"Bench " + id}}.Encode())
		fb.users = append(fb.users, &testUser{ID: id, Token: fb.str(r, "user", "token"), PK: fb.num(r, "user", "id")})
	}
	fb.roomOf = make([]int64, len(fb.users))
	for g := range rooms {
		v := url.Values{"name": {fmt.Sprint("bench room ", g)}}
		for _, m := range fb.users[g*members+1 : (g+1)*members] {
			v.Add("participants[]", m.ID)
		}
		r := fb.call("create_room", fb.users[g*members], formType, v.Encode())
		id := fb.num(r, "room", "id")
		for i := g * members; i < (g+1)*members; i++ {
			fb.roomOf[i] = id
		}
	}
	for i, u := range fb.users {
		fb.subs = append(fb.subs, fb.subscribe(u, fb.roomOf[i]))
	}
	return fb
}

// call POSTs to /api/v2/sdk/ and returns results, failing on anything but 200.
func (fb *fanOutBench) call(endpoint string, u *testUser, ctype, body string) map[string]any {
	fb.tb.Helper()
	status, b, err := fb.post(endpoint, u, ctype, body)
	if err != nil || status != http.StatusOK {
		fb.tb.Fatalf("%s: HTTP %d %v: %s", endpoint, status, err, b)
	}
	var out struct{ Results map[string]any }
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		fb.tb.Fatalf("%s: %v: %s", endpoint, err, b)
	}
	return out.Results
}

func (fb *fanOutBench) post(endpoint string, u *testUser, ctype, body string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, fb.ts.URL+"/api/v2/sdk/"+endpoint, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", ctype)
	for k, v := range authHeaders(u) {
		req.Header.Set(k, v)
	}
	res, err := fb.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

func (fb *fanOutBench) str(m map[string]any, path ...string) string {
	s, _ := at(m, strings.Join(path, ".")).(string)
	if s == "" {
		fb.tb.Fatalf("no %v in %v", path, m)
	}
	return s
}

func (fb *fanOutBench) num(m map[string]any, path ...string) int64 {
	n, _ := at(m, strings.Join(path, ".")).(json.Number)
	v, err := n.Int64()
	if err != nil || v == 0 {
		fb.tb.Fatalf("no %v in %v", path, m)
	}
	return v
}

// subscribe connects u over MQTT (paho over WebSocket, each packet written
// whole under one lock: packetConn) and subscribes {token}/c.
func (fb *fanOutBench) subscribe(u *testUser, room int64) *fanOutSub {
	fb.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	wsURL := "ws" + strings.TrimPrefix(fb.ts.URL, "http") + "/mqtt"
	wc, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		fb.tb.Fatalf("dial %s: %v", wsURL, err)
	}
	wc.SetReadLimit(1 << 20)
	sub := &fanOutSub{room: room}
	c := paho.NewClient(paho.ClientConfig{
		Conn: &packetConn{Conn: websocket.NetConn(context.Background(), wc, websocket.MessageBinary)},
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){
			func(pr paho.PublishReceived) (bool, error) {
				sub.record(pr.Packet.Payload)
				return true, nil
			},
		},
	})
	cp := &paho.Connect{ClientID: "bench-" + u.ID, KeepAlive: 0, CleanStart: true,
		Username: u.ID, UsernameFlag: true, Password: []byte(u.Token), PasswordFlag: true}
	if _, err := c.Connect(ctx, cp); err != nil {
		fb.tb.Fatalf("mqtt connect %s: %v", u.ID, err)
	}
	fb.tb.Cleanup(func() { _ = c.Disconnect(&paho.Disconnect{}) })
	sa, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: u.Token + "/c"}}})
	if err != nil || len(sa.Reasons) != 1 || sa.Reasons[0] != 0 {
		fb.tb.Fatalf("subscribe %s/c: %v %v", u.ID, sa, err)
	}
	return sub
}

// record keeps the comment id of a {token}/c message. Payloads start with
// {"id":N and carry "room_id":N; a scan is enough and keeps the client cheap.
func (s *fanOutSub) record(p []byte) {
	id, ok := jsonIntAfter(p, `{"id":`)
	room, ok2 := jsonIntAfter(p, `"room_id":`)
	s.mu.Lock()
	if ok && ok2 && room == s.room {
		s.ids = append(s.ids, id)
	} else {
		s.bad = append(s.bad, string(p[:min(len(p), 200)]))
	}
	s.mu.Unlock()
	s.n.Add(1)
}

func jsonIntAfter(p []byte, key string) (int64, bool) {
	i := bytes.Index(p, []byte(key))
	if i < 0 {
		return 0, false
	}
	p = p[i+len(key):]
	j := 0
	for j < len(p) && p[j] >= '0' && p[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(string(p[:j]), 10, 64)
	return n, err == nil
}

// round makes every sender post perSender comments back to back (stopping
// early at fanOutBenchRound), waits for the fan-out to arrive, and returns the
// latencies of the successful posts and the load time.
func (fb *fanOutBench) round(iter, perSender int) ([]time.Duration, time.Duration) {
	fb.tb.Helper()
	var want int64
	for _, s := range fb.subs {
		want += s.n.Load()
	}
	lat := make([][]time.Duration, len(fb.users))
	ids := make([][]int64, len(fb.users))
	var failures atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(fanOutBenchRound)
	start := time.Now()
	var wg sync.WaitGroup
	for i, u := range fb.users {
		wg.Go(func() {
			lat[i] = make([]time.Duration, 0, perSender)
			for k := 0; k < perSender && time.Now().Before(deadline); k++ {
				body := fmt.Sprintf(`{"comment":"hello %d from %s","topic_id":"%d","unique_temp_id":"bench-%d-%d-%d","type":"text"}`,
					k, u.ID, fb.roomOf[i], iter, i, k)
				t0 := time.Now()
				status, b, err := fb.post("post_comment", u, "application/json", body)
				d := time.Since(t0)
				id, ok := jsonIntAfter(b, `"comment":{"id":`)
				if err != nil || status != http.StatusOK || !ok {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("HTTP %d %v: %.200s", status, err, b))
					continue
				}
				lat[i] = append(lat[i], d)
				ids[i] = append(ids[i], id)
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	if n := failures.Load(); n > 0 {
		fb.tb.Fatalf("%d posts failed; first: %v", n, firstErr.Load())
	}
	var all []time.Duration
	fb.mu.Lock()
	for i := range fb.users {
		all = append(all, lat[i]...)
		fb.created[fb.roomOf[i]] = append(fb.created[fb.roomOf[i]], ids[i]...)
		want += int64(len(ids[i]) * fb.members) // every member of the room gets each
	}
	fb.mu.Unlock()
	// Fan-out happens before each response, but delivery over the WebSocket is
	// asynchronous: wait (bounded) until every subscriber has the round.
	settle := time.Now().Add(fanOutBenchSettle)
	for {
		var got int64
		for _, s := range fb.subs {
			got += s.n.Load()
		}
		if got >= want || time.Now().After(settle) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	return all, took
}

// verify checks that every subscriber got every comment of its room exactly once.
func (fb *fanOutBench) verify() {
	fb.tb.Helper()
	fb.mu.Lock()
	defer fb.mu.Unlock()
	for i, s := range fb.subs {
		s.mu.Lock()
		got := slices.Clone(s.ids)
		bad := slices.Clone(s.bad)
		s.mu.Unlock()
		if len(bad) > 0 {
			fb.tb.Errorf("%s got %d foreign or unreadable messages, first: %s", fb.users[i].ID, len(bad), bad[0])
		}
		want := slices.Clone(fb.created[s.room])
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			fb.tb.Errorf("%s (room %d) got %d comments, want %d (each once)", fb.users[i].ID, s.room, len(got), len(want))
		}
	}
}

// inversions counts comments a subscriber got after a newer one of its room.
func (fb *fanOutBench) inversions() int {
	n := 0
	for _, s := range fb.subs {
		s.mu.Lock()
		for i := 1; i < len(s.ids); i++ {
			if s.ids[i] < s.ids[i-1] {
				n++
			}
		}
		s.mu.Unlock()
	}
	return n
}
