//go:build !js

package integration_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/eclipse/paho.golang/packets"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// connectRecorder dials with the real WebSocket dialer and keeps the
// CONNECT packet of each connection: what the broker (and anyone who can
// guess it) sees as the client id.
type connectRecorder struct {
	mu       sync.Mutex
	connects []*packets.Connect
}

func (r *connectRecorder) Dial(ctx context.Context, url string) (net.Conn, error) {
	c, err := sdk.WebSocketDialer{}.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	return &sniffConn{Conn: c, r: r}, nil
}

type sniffConn struct {
	net.Conn
	r    *connectRecorder
	buf  bytes.Buffer
	done bool
}

func (s *sniffConn) Write(p []byte) (int, error) {
	if !s.done {
		s.buf.Write(p)
		if cp, err := packets.ReadPacket(bytes.NewReader(s.buf.Bytes())); err == nil {
			s.done = true
			if cn, ok := cp.Content.(*packets.Connect); ok {
				s.r.mu.Lock()
				s.r.connects = append(s.r.connects, cn)
				s.r.mu.Unlock()
			}
		}
	}
	return s.Conn.Write(p)
}

// TestClientIDIsUnguessable: v2's client id {AppId}_{userId}_{Date.now()}
// can be rebuilt by anyone from the "1:{ms}" presence heartbeat (the same
// clock), and a CONNECT with someone's client id takes over their session.
// The id must carry at least 128 random bits and no clock reading.
func TestClientIDIsUnguessable(t *testing.T) {
	e := newEnv(t)
	rec := &connectRecorder{}
	from := time.Now().UnixMilli()
	for i := 0; i < 2; i++ {
		e.login(t, "alice", func(c *sdk.Config) { c.Dialer = rec })
	}
	to := time.Now().UnixMilli()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.connects) < 2 { // more if a connect was retried
		t.Fatalf("recorded %d CONNECTs, want 2", len(rec.connects))
	}
	var ids []string
	for _, cn := range rec.connects {
		id := cn.ClientID
		ids = append(ids, id)
		suffix, ok := strings.CutPrefix(id, "dev_alice_")
		if !ok {
			t.Fatalf("client id %q lost the recognisable {AppId}_{userId}_ prefix", id)
		}
		for ms := from - 1000; ms <= to+1000; ms++ {
			if strings.Contains(id, strconv.FormatInt(ms, 10)) {
				t.Fatalf("client id %q contains the clock reading %d", id, ms)
			}
		}
		if bits := entropyBits(suffix); bits < 128 {
			t.Fatalf("client id %q has a %d-character suffix worth %.0f bits at most, want >= 128", id, len(suffix), bits)
		}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("two connects used the same client id %q", id)
		}
		seen[id] = true
	}
}

// entropyBits is an upper bound on the randomness of s: its length times
// the bits per character of the smallest usual alphabet that spells it.
func entropyBits(s string) float64 {
	alphabet := 64.0
	switch {
	case strings.Trim(s, "0123456789") == "":
		alphabet = 10
	case strings.Trim(s, "0123456789abcdef") == "", strings.Trim(s, "0123456789ABCDEF") == "":
		alphabet = 16
	case strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == "", strings.Trim(s, "abcdefghijklmnopqrstuvwxyz234567") == "":
		alphabet = 32
	}
	return float64(len(s)) * math.Log2(alphabet)
}

// mqttProxy relays WebSocket messages between clients and the devserver's
// broker and can slip a message of its own to the latest client, as a
// hostile broker (or anything on the path) could.
type mqttProxy struct {
	upstream string
	http     *httptest.Server
	mu       sync.Mutex
	conns    int
	client   *websocket.Conn
	writeMu  *sync.Mutex // the latest client's writes
}

func newMQTTProxy(t *testing.T, upstream string) *mqttProxy {
	p := &mqttProxy{upstream: upstream}
	p.http = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(func() { p.http.CloseClientConnections(); p.http.Close() })
	return p
}

func (p *mqttProxy) url() string { return "ws" + strings.TrimPrefix(p.http.URL, "http") }

func (p *mqttProxy) serve(w http.ResponseWriter, r *http.Request) {
	cc, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		return
	}
	defer cc.CloseNow()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	uc, _, err := websocket.Dial(ctx, p.upstream, &websocket.DialOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		return
	}
	defer uc.CloseNow()
	cc.SetReadLimit(-1)
	uc.SetReadLimit(-1)
	wmu := &sync.Mutex{}
	p.mu.Lock()
	p.conns++
	p.client, p.writeMu = cc, wmu
	p.mu.Unlock()
	go func() { // broker → client
		defer cancel()
		for {
			typ, b, err := uc.Read(ctx)
			if err != nil {
				return
			}
			wmu.Lock()
			err = cc.Write(ctx, typ, b)
			wmu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	for { // client → broker
		typ, b, err := cc.Read(ctx)
		if err != nil || uc.Write(ctx, typ, b) != nil {
			return
		}
	}
}

func (p *mqttProxy) connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conns
}

// inject sends b as one binary message to the latest client.
func (p *mqttProxy) inject(t *testing.T, b []byte) {
	t.Helper()
	p.mu.Lock()
	cc, wmu := p.client, p.writeMu
	p.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wmu.Lock()
	defer wmu.Unlock()
	// The client may hang up before the whole message is written: that is
	// what an oversize message should get, so an error here is no failure.
	if err := cc.Write(ctx, websocket.MessageBinary, b); err != nil {
		t.Logf("inject: %v", err)
	}
}

// TestRealtimeSurvivesOversizeFrame: a 5 MB PUBLISH (a well-formed comment
// for the user's own topic) arrives on the WebSocket. The client must refuse
// it without reading it (limit: 4 MB), drop the connection, reconnect, and
// keep delivering. Before the read limit worked, the 5 MB comment was read
// and delivered and nothing reconnected.
func TestRealtimeSurvivesOversizeFrame(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	proxy := newMQTTProxy(t, e.mqttURL())
	alice, _ := e.login(t, "alice", nil)
	bob, bev := e.login(t, "bob", func(c *sdk.Config) { c.MQTTURL = proxy.url() })
	room := chatWith(t, alice, "bob")
	if n := proxy.connections(); n != 1 {
		t.Fatalf("bob has %d connections through the proxy, want 1", n)
	}
	cp := packets.NewControlPacket(packets.PUBLISH)
	pub := cp.Content.(*packets.Publish)
	pub.Topic = bob.User().Token + "/c"
	pub.Payload = []byte(fmt.Sprintf(`{"id":999999,"room_id":%d,"unique_temp_id":"huge","email":"alice","message":"%s"}`,
		room.ID, strings.Repeat("x", 5<<20)))
	var buf bytes.Buffer
	if _, err := cp.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	proxy.inject(t, buf.Bytes())
	bev.waitFor(t, "bob to reconnect after the oversize frame", func() bool {
		return len(eventsOf[sdk.Reconnected](bev)) > 0 || newMessagesWith(bev, "huge") > 0
	})
	if newMessagesWith(bev, "huge") > 0 {
		t.Fatal("the 5 MB comment was read and delivered")
	}
	if n := proxy.connections(); n < 2 {
		t.Fatalf("%d connections through the proxy after the reconnect, want 2", n)
	}
	if _, err := alice.SendComment(ctx, room.ID, "after the oversize frame", sdk.SendOptions{UniqueTempID: "after-oversize"}); err != nil {
		t.Fatal(err)
	}
	bev.waitFor(t, "the message after the oversize frame", func() bool { return newMessagesWith(bev, "after-oversize") == 1 })
}

// errorLog records Error-level log lines (a recovered handler panic is one).
type errorLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *errorLog) Debug(string, ...any) {}
func (l *errorLog) Info(string, ...any)  {}
func (l *errorLog) Warn(string, ...any)  {}
func (l *errorLog) Error(msg string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprint(msg, args))
	l.mu.Unlock()
}

// TestHostileSignalsOverTheBroker: the hostile payloads of
// TestHostileSignalPayloadsAreDropped, published through the real broker on
// the room topics bob is subscribed to. None may panic the handler (the
// recover logs an error) or reach the app; the valid ones published after
// them, on the same connection and so delivered after them, arrive.
func TestHostileSignalsOverTheBroker(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, _ := e.login(t, "alice", nil)
	logs := &errorLog{}
	bob, bev := e.login(t, "bob", func(c *sdk.Config) { c.Logger = logs })
	room := chatWith(t, alice, "bob")
	if _, err := bob.GetRoomByID(ctx, room.ID); err != nil { // selects it: typing and receipt topics
		t.Fatal(err)
	}
	rid := fmt.Sprint(room.ID)
	var mu sync.Mutex
	var events []sdk.RawMessage
	if err := bob.SubscribeEvent(ctx, rid, func(m sdk.RawMessage) { mu.Lock(); events = append(events, m); mu.Unlock() }); err != nil {
		t.Fatal(err)
	}
	topics := []string{"r/" + rid + "/typing", "r/" + rid + "/" + rid + "/e", "r/" + rid + "/" + rid + "/alice/d",
		"r/" + rid + "/" + rid + "/alice/r", "r/" + rid + "/" + rid + "/alice/t"}
	for _, topic := range topics {
		for _, p := range []string{"null", "", "[]", `"s"`, "\xff", `{"status":1}`, `{"sender":5,"data":{}}`, `{"data":null}`, "x:y"} {
			if err := e.srv.PublishRaw(topic, []byte(p), false); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := e.srv.PublishRaw(topics[0], []byte(`{"status":"typing_on","sender_id":"bot","sender_name":"Bot"}`), false); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.PublishRaw(topics[1], []byte(`{"sender":"alice","data":{"ok":true}}`), false); err != nil {
		t.Fatal(err)
	}
	bev.waitFor(t, "the valid room typing after the hostile payloads", func() bool { return len(eventsOf[sdk.RoomTyping](bev)) > 0 })
	bev.waitFor(t, "the valid custom event", func() bool { mu.Lock(); defer mu.Unlock(); return len(events) > 0 })
	mu.Lock()
	defer mu.Unlock()
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if len(logs.lines) > 0 || len(events) != 1 || len(eventsOf[sdk.RoomTyping](bev)) != 1 {
		t.Fatalf("errors logged: %q; custom events %d (want 1): %s; onRoomTyping %d (want 1)",
			logs.lines, len(events), events, len(eventsOf[sdk.RoomTyping](bev)))
	}
}
