//go:build !js

package integration_test

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
	if _, err := bob.SetUser(ctx, "bob", "bob-key", sdk.LoginOptions{Username: "Bob"}); err != nil {
		panic(err)
	}

	alice, _ := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: hs.URL, MQTTURL: mqttURL})
	defer alice.Close()
	if _, err := alice.SetUser(ctx, "alice", "alice-key", sdk.LoginOptions{Username: "Alice"}); err != nil {
		panic(err)
	}
	room, err := alice.ChatTarget(ctx, "bob", sdk.ChatTargetOptions{})
	if err != nil {
		panic(err)
	}
	if _, err := alice.SendComment(ctx, room.ID, "hello bob", sdk.SendOptions{}); err != nil {
		panic(err)
	}
	fmt.Println("bob received:", <-got)
	// Output: bob received: hello bob
}

// localServer starts a devserver on loopback for the examples.
func localServer() (base, mqtt string, stop func()) {
	srv, err := server.New(context.Background(), server.Config{AppID: "dev", Secret: "s", DBPath: ":memory:"})
	if err != nil {
		panic(err)
	}
	hs := httptest.NewServer(srv.Handler())
	return hs.URL, "ws" + strings.TrimPrefix(hs.URL, "http") + "/mqtt", func() { hs.Close(); srv.Close() }
}

// Events are typed: switch on the type. OnEvent runs on the client's own
// goroutine, one event at a time and outside every client lock, so it may
// call the client (here: a receipt for each message).
func Example_onEvent() {
	ctx := context.Background()
	base, mqtt, stop := localServer()
	defer stop()

	done := make(chan struct{})
	var bob *sdk.Client
	bob, _ = sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: base, MQTTURL: mqtt,
		OnEvent: func(ev sdk.Event) {
			switch e := ev.(type) {
			case sdk.LoginSucceeded:
				fmt.Println("logged in as", e.User.Email)
			case sdk.MessageReceived:
				fmt.Printf("%s: %s (type %s)\n", e.Comment.Email, e.Comment.Message, e.Comment.Type)
				_ = bob.ReadComment(e.Comment.RoomID, e.Comment.ID)
				close(done)
			}
		}})
	defer bob.Close()
	if _, err := bob.SetUser(ctx, "bob", "bob-key", sdk.LoginOptions{}); err != nil {
		panic(err)
	}

	alice, _ := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: base, MQTTURL: mqtt})
	defer alice.Close()
	if _, err := alice.SetUser(ctx, "alice", "alice-key", sdk.LoginOptions{Username: "Alice"}); err != nil {
		panic(err)
	}
	room, _ := alice.ChatTarget(ctx, "bob", sdk.ChatTargetOptions{})
	_, err := alice.SendComment(ctx, room.ID, "pick one", sdk.SendOptions{
		Type:    "custom",
		Payload: sdk.RawMessage(`{"type":"poll","content":{"options":["tea","coffee"]}}`),
	})
	if err != nil {
		panic(err)
	}
	<-done
	// Output:
	// logged in as bob
	// alice: pick one (type custom)
}

// Selected returns a copy of the open room: the client keeps changing its
// own (new comments, receipts), never the caller's.
func Example_selected() {
	ctx := context.Background()
	base, mqtt, stop := localServer()
	defer stop()
	for _, id := range []string{"bob", "alice"} {
		c, _ := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: base, MQTTURL: mqtt})
		defer c.Close()
		if _, err := c.SetUser(ctx, id, id+"-key", sdk.LoginOptions{}); err != nil {
			panic(err)
		}
		if id == "bob" {
			continue
		}
		room, _ := c.ChatTarget(ctx, "bob", sdk.ChatTargetOptions{})
		before := c.Selected()
		if _, err := c.SendComment(ctx, room.ID, "hi", sdk.SendOptions{UniqueTempID: "hi-1"}); err != nil {
			panic(err)
		}
		fmt.Println("copy taken before:", len(before.Comments), "comments")
		fmt.Println("now:", len(c.Selected().Comments), "comment")
	}
	// Output:
	// copy taken before: 0 comments
	// now: 1 comment
}

// Calls answer with Go values; Raw keeps the server's JSON for anyone who
// needs a field the struct lacks.
func Example_updateRoom() {
	ctx := context.Background()
	base, mqtt, stop := localServer()
	defer stop()
	for _, id := range []string{"bob", "carol"} { // users exist once they log in
		c, _ := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: base, MQTTURL: mqtt})
		if _, err := c.SetUser(ctx, id, id+"-key", sdk.LoginOptions{}); err != nil {
			panic(err)
		}
		c.Close()
	}
	alice, _ := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: base, MQTTURL: mqtt})
	defer alice.Close()
	if _, err := alice.SetUser(ctx, "alice", "alice-key", sdk.LoginOptions{}); err != nil {
		panic(err)
	}
	room, err := alice.CreateGroupRoom(ctx, "Team", []string{"bob"}, sdk.GroupRoomOptions{AvatarURL: "https://example.com/team.png"})
	if err != nil {
		panic(err)
	}
	fmt.Println("avatar:", room.AvatarURL)
	added, err := alice.AddParticipantsToGroup(ctx, room.ID, []string{"carol"})
	if err != nil {
		panic(err)
	}
	room, err = alice.UpdateRoom(ctx, room.ID, sdk.UpdateRoomOptions{Name: "Team A"})
	if err != nil {
		panic(err)
	}
	fmt.Println("added:", added[0].Email)
	fmt.Println("renamed:", room.Name)
	// Output:
	// avatar: https://example.com/team.png
	// added: carol
	// renamed: Team A
}
