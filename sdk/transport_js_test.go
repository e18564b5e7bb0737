//go:build js

package sdk

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
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
	room, err := alice.ChatTarget(ctx, "wasm-bob", nil)
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
func TestBrowserWebSocketReadLimit(t *testing.T) {
	base := baseURL(t)
	ctx := context.Background()
	login := func(id string) *Client {
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
	login("wasm-limit-peer")
	me := login("wasm-limit")
	room, err := me.ChatTarget(ctx, "wasm-limit-peer", nil)
	if err != nil {
		t.Fatal(err)
	}
	old := maxPacketSize
	maxPacketSize = 512
	t.Cleanup(func() { maxPacketSize = old })

	conn, err := WebSocketDialer{}.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/mqtt")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	send := func(cp *packets.ControlPacket) {
		var buf bytes.Buffer
		if _, err := cp.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Write(buf.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	u := me.User()
	cp := packets.NewControlPacket(packets.CONNECT)
	cn := cp.Content.(*packets.Connect)
	cn.ClientID, cn.CleanStart, cn.KeepAlive = "dev_wasm-limit_raw", true, 30
	cn.UsernameFlag, cn.Username, cn.PasswordFlag, cn.Password = true, u.Email, true, []byte(u.Token)
	send(cp)
	cp = packets.NewControlPacket(packets.SUBSCRIBE)
	sub := cp.Content.(*packets.Subscribe)
	sub.PacketID, sub.Subscriptions = 1, []packets.SubOptions{{Topic: u.Token + "/c"}}
	send(cp)
	for _, want := range []byte{packets.CONNACK, packets.SUBACK} {
		got, err := packets.ReadPacket(conn)
		if err != nil || got.Type != want {
			t.Fatalf("want packet type %d, got %v (%v)", want, got, err)
		}
	}
	if _, err := me.SendComment(ctx, room.ID, "a comment of ordinary size, over the lowered limit", SendOptions{UniqueTempID: "wasm-limit-1"}); err != nil {
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
