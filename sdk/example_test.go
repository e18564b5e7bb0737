//go:build !js && !nodevserver

package sdk_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/server"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// Two users chat through a local devserver: alice sends, bob's OnEvent
// hears the message over MQTT.
func Example() {
	ctx := context.Background()
	srv, err := server.New(ctx, server.Config{AppID: "dev", Secret: "s", DBPath: ":memory:"})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	mqttURL := "ws" + strings.TrimPrefix(hs.URL, "http") + "/mqtt"

	got := make(chan string, 1)
	bob, _ := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: hs.URL, MQTTURL: mqttURL,
		OnEvent: func(ev sdk.Event) {
			if m, ok := ev.(sdk.MessageReceived); ok && m.Comment.Email == "alice" {
				got <- m.Comment.Message
			}
		}})
	defer bob.Close()
	if _, err := bob.SetUser(ctx, "bob", "bob-key", "Bob", "", nil); err != nil {
		panic(err)
	}

	alice, _ := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: hs.URL, MQTTURL: mqttURL})
	defer alice.Close()
	if _, err := alice.SetUser(ctx, "alice", "alice-key", "Alice", "", nil); err != nil {
		panic(err)
	}
	room, err := alice.ChatTarget(ctx, "bob", nil)
	if err != nil {
		panic(err)
	}
	if _, err := alice.SendComment(ctx, room.ID, "hello bob", "", "text", nil, nil); err != nil {
		panic(err)
	}
	fmt.Println("bob received:", <-got)
	// Output: bob received: hello bob
}
