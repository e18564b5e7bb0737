//go:build js

package sdk

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

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
		if ev.Name == "newMessages" && ev.Comment.Email == "wasm-alice" {
			got <- ev.Comment
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()
	if _, err := bob.SetUser(ctx, "wasm-bob", "pw", "Bob", "", nil); err != nil {
		t.Fatal(err)
	}
	alice, err := New(ctx, Config{AppID: "dev", BaseURL: base, MQTTURL: mqtt})
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	if _, err := alice.SetUser(ctx, "wasm-alice", "pw", "Alice", "", nil); err != nil {
		t.Fatal(err)
	}
	room, err := alice.ChatTarget(ctx, "wasm-bob", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.SendComment(ctx, room.ID, "from the browser", "wasm-1", "", nil, jsonxRaw(`{"k":1}`)); err != nil {
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
