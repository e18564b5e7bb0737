package mqttc_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/mqttc"
)

// A client on any net.Conn (here plain TCP to a local broker): connect with
// a will, subscribe, publish, and take messages on the read loop.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := net.Dial("tcp", "127.0.0.1:1883")
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := mqttc.Connect(ctx, conn, mqttc.Config{
		ClientID: "app_alice_1", Username: "alice", Password: []byte("token"), KeepAlive: 60,
		Will:          &mqttc.Message{Topic: "u/alice/s", Payload: []byte("0:0"), Retain: true},
		MaxPacketSize: 4 << 20,
		OnMessage: func(topic string, payload []byte) {
			fmt.Printf("%s: %s\n", topic, payload) // payload is only valid during the call
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Disconnect()
	if err := c.Subscribe(ctx, "token/c"); err != nil {
		fmt.Println(err)
		return
	}
	_ = c.Publish(ctx, mqttc.Message{Topic: "u/alice/s", Payload: []byte("1:0"), Retain: true})
	<-c.Done() // until the link ends; c.Err() says why
}
