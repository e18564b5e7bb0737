//go:build !js

package sdk_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// These examples need no server. The two-client chat against a devserver
// is example/integration's Example (the devserver lives in the example
// module, so that this module does not require SQLite or a broker).

// closedLoopbackURL is an http URL on a loopback port that nothing listens on.
func closedLoopbackURL() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// New checks the Config and connects to nothing: realtime starts at login.
// A bad argument wraps ErrInvalidArgument and names the field.
func ExampleNew() {
	ctx := context.Background()
	_, err := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: "http://127.0.0.1:8080", MQTTURL: "tcp://127.0.0.1:1883"})
	fmt.Println(errors.Is(err, sdk.ErrInvalidArgument), err)

	c, err := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: "http://127.0.0.1:8080",
		MQTTURL: "ws://127.0.0.1:8080/mqtt"})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	_, err = c.SendComment(ctx, 1, "hi", sdk.SendOptions{Type: "custom",
		Payload: sdk.RawMessage(`{"type":"poll","content":{"options":["tea","coffee"]}}`)})
	fmt.Println(errors.Is(err, sdk.ErrNotLoggedIn))
	// Output:
	// true qiscus: invalid argument: Init: mqttURL must be a ws:// or wss:// URL
	// true
}

// When no server answers, the error is the network's (here: nothing
// listens on the port) and StatusOf is 0; an answer with an HTTP error
// status would be an *APIError with that status.
func ExampleStatusOf() {
	ctx := context.Background()
	base := closedLoopbackURL()
	c, err := sdk.New(ctx, sdk.Config{AppID: "dev", BaseURL: base, MQTTURL: "ws" + base[len("http"):] + "/mqtt"})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	_, err = c.SetUser(ctx, "bot", "bot-key", sdk.LoginOptions{Username: "Bot"})
	var apiErr *sdk.APIError
	fmt.Println("refused:", errors.Is(err, syscall.ECONNREFUSED))
	fmt.Println("status:", sdk.StatusOf(err), "APIError:", errors.As(err, &apiErr))
	fmt.Println("logged in:", c.User() != nil)
	// Output:
	// refused: true
	// status: 0 APIError: false
	// logged in: false
}
