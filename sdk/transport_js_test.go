//go:build js

package sdk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// These run in headless Chromium (js/test/gowasm-exec.mjs), against a real
// devserver whose URL the runner passes in QISCUS_TEST_BASE_URL.
func baseURL(t *testing.T) string {
	u := os.Getenv("QISCUS_TEST_BASE_URL")
	if u == "" {
		t.Fatal("QISCUS_TEST_BASE_URL is not set: run through js/test/gowasm-exec.mjs with QISCUS_DEVSERVER_BIN")
	}
	return strings.TrimRight(u, "/")
}

func TestFetchDoer(t *testing.T) {
	base := baseURL(t)
	ctx := context.Background()
	tests := []struct {
		name, method, path string
		header             map[string]string
		body               string
		wantStatus         int
		wantBody           string
	}{
		{"config", "GET", "/api/v2/sdk/config", map[string]string{"QISCUS-SDK-APP-ID": "dev"}, "", 200, `"status":200`},
		{"underscore headers, form body", "POST", "/api/v2/sdk/login_or_register",
			map[string]string{"qiscus_sdk_app_id": "dev", "Content-Type": "application/x-www-form-urlencoded"},
			"email=wasm-user&password=pw&username=W", 200, `"email":"wasm-user"`},
		{"error status surfaces", "GET", "/api/v2/sdk/get_room_by_id?id=1", map[string]string{"QISCUS-SDK-APP-ID": "dev"}, "", 401, `"status":401`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			resp, err := FetchDoer{}.Do(ctx, &Request{Method: tt.method, URL: base + tt.path, Header: tt.header, Body: body})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != tt.wantStatus || !strings.Contains(string(resp.Body), tt.wantBody) {
				t.Fatalf("got %d %s, want %d containing %s", resp.Status, resp.Body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

func TestFetchDoerNetworkErrorAndCancel(t *testing.T) {
	ctx := context.Background()
	if _, err := (FetchDoer{}).Do(ctx, &Request{Method: "GET", URL: "http://127.0.0.1:1/none"}); err == nil {
		t.Fatal("want an error for a refused connection")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := (FetchDoer{}).Do(cctx, &Request{Method: "GET", URL: baseURL(t) + "/api/v2/sdk/config"}); err == nil {
		t.Fatal("want an error for a cancelled context")
	}
}

// TestBrowserChat runs the whole client in the browser: fetch for REST,
// the browser's WebSocket for MQTT.
func TestBrowserChat(t *testing.T) {
	base := baseURL(t)
	mqtt := "ws" + strings.TrimPrefix(base, "http") + "/mqtt"
	ctx := context.Background()
	got := make(chan *Comment, 4)
	bob, err := New(ctx, Config{AppID: "dev", BaseURL: base, MQTTURL: mqtt, OnEvent: func(ev Event) {
		if m, ok := ev.(MessageReceived); ok && m.Comment.Email == "wasm-alice" {
			got <- m.Comment
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()
	if _, err := bob.SetUser(ctx, "wasm-bob", "pw", LoginOptions{Username: "Bob"}); err != nil {
		t.Fatal(err)
	}
	alice, err := New(ctx, Config{AppID: "dev", BaseURL: base, MQTTURL: mqtt})
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	if _, err := alice.SetUser(ctx, "wasm-alice", "pw", LoginOptions{Username: "Alice"}); err != nil {
		t.Fatal(err)
	}
	room, err := alice.ChatTarget(ctx, "wasm-bob", ChatTargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.SendComment(ctx, room.ID, "from the browser", SendOptions{UniqueTempID: "wasm-1", Extras: jsonxRaw(`{"k":1}`)}); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-got:
		if c.UniqueTempID != "wasm-1" || c.Message != "from the browser" {
			t.Fatalf("got %+v", c)
		}
		var m map[string]any
		if err := jsonx.Unmarshal(c.Raw, &m); err != nil || m["extras"].(map[string]any)["k"] != float64(1) {
			t.Fatalf("raw extras lost: %s", c.Raw)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("bob did not receive the message over the browser WebSocket")
	}
}

func jsonxRaw(s string) RawMessage { return RawMessage(s) }

// TestBrowserWebSocketReadLimit: a message over maxPacketSize closes the
// browser WebSocket connection (both builds: coder/websocket's and -tags
// jsws) instead of being handed to the MQTT reader. The limit is lowered so
// that the devserver's own fan-out of an ordinary comment is "too big"; the
// raw MQTT session announces no Maximum Packet Size, so the broker sends it.
func TestBrowserWebSocketReadLimit(t *testing.T) { forEachReceivePath(t, testReadLimit) }

func testReadLimit(t *testing.T, sfx string) {
	base := baseURL(t)
	ctx := context.Background()
	restLogin(t, base, "wasm-limit-peer"+sfx)
	me := restLogin(t, base, "wasm-limit"+sfx)
	room, err := me.ChatTarget(ctx, "wasm-limit-peer"+sfx, ChatTargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	old := maxPacketSize
	maxPacketSize = 512
	t.Cleanup(func() { maxPacketSize = old })

	conn, _ := dialRaw(t, base, me.User(), "dev_wasm-limit_raw"+sfx, me.User().Token+"/c")
	if _, err := me.SendComment(ctx, room.ID, "a comment of ordinary size, over the lowered limit", SendOptions{UniqueTempID: "wasm-limit-1" + sfx}); err != nil {
		t.Fatal(err)
	}
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := conn.Read(make([]byte, 64<<10))
		done <- result{n, err}
	}()
	select {
	case r := <-done:
		if r.n > 0 || r.err == nil {
			t.Fatalf("read %d bytes of a message over the %d-byte limit (err %v)", r.n, maxPacketSize, r.err)
		}
		if !errors.Is(r.err, ErrPacketTooLarge) && !strings.Contains(r.err.Error(), "message too big") {
			t.Fatalf("read error %v, want a too-big error", r.err)
		}
	case <-time.After(15 * time.Second):
		conn.Close()
		t.Fatal("the oversize message neither arrived nor closed the connection in 15 s")
	}
}

// forEachReceivePath runs test over both ways frames reach Go: batched in
// JS (the default) and one frame per entry into Go, the path of a page whose
// Content Security Policy forbids compiling the batcher. sfx keeps the two
// runs' users, client ids and unique ids apart.
func forEachReceivePath(t *testing.T, test func(t *testing.T, sfx string)) {
	t.Run("batched", func(t *testing.T) { test(t, "-b") })
	t.Run("per-frame", func(t *testing.T) {
		old := newFrameBatcher
		newFrameBatcher = js.Undefined
		t.Cleanup(func() { newFrameBatcher = old })
		test(t, "-f")
	})
}

// restLogin logs id in over REST only (no realtime connection).
func restLogin(t *testing.T, base, id string) *Client {
	t.Helper()
	ctx := context.Background()
	c, err := New(ctx, Config{AppID: "dev", BaseURL: base, DisableRealtime: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.SetUser(ctx, id, "pw", LoginOptions{Username: id}); err != nil {
		t.Fatal(err)
	}
	return c
}

// dialRaw opens a raw MQTT 5 session over WebSocketDialer as u and
// subscribes topics. send writes one packet as one WebSocket message.
func dialRaw(t *testing.T, base string, u *User, clientID string, topics ...string) (net.Conn, func(*packets.ControlPacket)) {
	t.Helper()
	conn, err := WebSocketDialer{}.Dial(context.Background(), "ws"+strings.TrimPrefix(base, "http")+"/mqtt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	send := func(cp *packets.ControlPacket) {
		var buf bytes.Buffer
		if _, err := cp.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Write(buf.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	cp := packets.NewControlPacket(packets.CONNECT)
	cn := cp.Content.(*packets.Connect)
	cn.ClientID, cn.CleanStart, cn.KeepAlive = clientID, true, 30
	cn.UsernameFlag, cn.Username, cn.PasswordFlag, cn.Password = true, u.Email, true, []byte(u.Token)
	send(cp)
	cp = packets.NewControlPacket(packets.SUBSCRIBE)
	sub := cp.Content.(*packets.Subscribe)
	sub.PacketID = 1
	for _, tp := range topics {
		sub.Subscriptions = append(sub.Subscriptions, packets.SubOptions{Topic: tp})
	}
	send(cp)
	for _, want := range []byte{packets.CONNACK, packets.SUBACK} {
		got, err := packets.ReadPacket(conn)
		if err != nil || got.Type != want {
			t.Fatalf("want packet type %d, got %v (%v)", want, got, err)
		}
	}
	return conn, send
}

// TestBrowserWebSocketBurstInOrder: a burst of frames, which the browser
// queues faster than Go runs and the transport batches before they enter
// Go, reaches the MQTT reader complete and in order. Each publish is its
// own WebSocket message both ways (one packet per frame from the broker
// when the packets go out one by one, several when they queue).
func TestBrowserWebSocketBurstInOrder(t *testing.T) { forEachReceivePath(t, testBurstInOrder) }

func testBurstInOrder(t *testing.T, sfx string) {
	base := baseURL(t)
	ctx := context.Background()
	me := restLogin(t, base, "wasm-burst"+sfx)
	restLogin(t, base, "wasm-burst-peer"+sfx)
	room, err := me.ChatTarget(ctx, "wasm-burst-peer"+sfx, ChatTargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	topic := fmt.Sprintf("r/%d/%d/e", room.ID, room.ID)
	conn, send := dialRaw(t, base, me.User(), "dev_wasm-burst_raw"+sfx, topic)
	const n = 400
	for i := range n {
		cp := packets.NewControlPacket(packets.PUBLISH)
		pub := cp.Content.(*packets.Publish)
		pub.Topic, pub.Payload = topic, fmt.Appendf(nil, `{"sender":"wasm-burst%s","data":{"i":%d}}`, sfx, i)
		send(cp)
	}
	done := make(chan error, 1)
	go func() {
		for i := range n {
			cp, err := packets.ReadPacket(conn)
			if err != nil {
				done <- fmt.Errorf("after %d of %d publishes: %w", i, n, err)
				return
			}
			pub, ok := cp.Content.(*packets.Publish)
			if !ok {
				done <- fmt.Errorf("packet %d is type %d, want PUBLISH", i, cp.Type)
				return
			}
			if want := fmt.Sprintf(`"i":%d}`, i); !strings.Contains(string(pub.Payload), want) {
				done <- fmt.Errorf("publish %d carries %s, want %s", i, pub.Payload, want)
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		conn.Close()
		t.Fatal("the burst did not arrive in 30 s")
	}
}

// gateDoer holds every request until release is closed, and reports each
// arrival.
type gateDoer struct {
	arrived chan struct{}
	release chan struct{}
}

func (d *gateDoer) Do(ctx context.Context, r *Request) (*Response, error) {
	d.arrived <- struct{}{}
	select {
	case <-d.release:
		return &Response{Status: 200, Body: []byte(`{"status":200,"results":{}}`)}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestBrowserRESTNotCappedAtSix: in the browser, REST calls are not queued
// in Go behind the browser's own per-host limit of six. With a Go cap of six,
// a send waited for a finished request's whole Go round trip (response, body,
// resume, release) before its fetch started, which was the end-to-end
// latency tail at 20 sends/s (bench: sendComment() → request issued).
func TestBrowserRESTNotCappedAtSix(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const n = 10
	d := &gateDoer{arrived: make(chan struct{}, n), release: make(chan struct{})}
	defer close(d.release)
	c, err := New(ctx, Config{AppID: "dev", BaseURL: "http://127.0.0.1:1", HTTP: d, DisableRealtime: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for range n {
		go func() { _, _ = c.call(ctx, "GET", "sync", nil, nil) }()
	}
	for i := range n {
		select {
		case <-d.arrived:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of %d concurrent REST calls reached the transport; the rest wait in Go", i, n)
		}
	}
}
