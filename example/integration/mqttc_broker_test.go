package integration_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/qiscus-go/qiscus-sdk-core/internal/mqttc"
)

// startMochi runs a real broker (mochi, the devserver's) on a loopback TCP
// port and returns its address.
func startMochi(t *testing.T) string {
	t.Helper()
	srv := mqtt.New(&mqtt.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := srv.AddHook(new(allowAll), nil); err != nil {
		t.Fatal(err)
	}
	tcp := listeners.NewTCP(listeners.Config{ID: "t", Address: "127.0.0.1:0"})
	if err := srv.AddListener(tcp); err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve() }()
	t.Cleanup(func() { _ = srv.Close() })
	return tcp.Address()
}

// allowAll lets every client connect and use every topic (mochi's own
// allow hook would pull a YAML module into go.mod for nothing).
type allowAll struct{ mqtt.HookBase }

func (*allowAll) ID() string { return "allow-all" }
func (*allowAll) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}
func (*allowAll) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }
func (*allowAll) OnACLCheck(*mqtt.Client, string, bool) bool              { return true }

type received struct{ topic, payload string }

// dialMochi connects a client whose messages arrive on the returned channel.
func dialMochi(t *testing.T, addr string, cfg mqttc.Config) (*mqttc.Client, net.Conn, <-chan received) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan received, 64)
	cfg.OnMessage = func(topic string, payload []byte) { got <- received{topic, string(payload)} }
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := mqttc.Connect(ctx, conn, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect() })
	return c, conn, got
}

func expect(t *testing.T, got <-chan received, topic, payload string) {
	t.Helper()
	select {
	case r := <-got:
		if r.topic != topic || r.payload != payload {
			t.Fatalf("got %d bytes %.40q on %q, want %q on %q", len(r.payload), r.payload, r.topic, payload, topic)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("nothing on %q within 10 s", topic)
	}
}

// TestMQTTClientWithARealBroker: internal/mqttc's client against a real broker: subscribe, publish (retained and not), unsubscribe,
// the broker honouring our Maximum Packet Size, and the will on a link
// that drops without DISCONNECT, against mochi.
func TestMQTTClientWithARealBroker(t *testing.T) {
	addr := startMochi(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bob, _, bobGot := dialMochi(t, addr, mqttc.Config{ClientID: "bob", Username: "bob", Password: []byte("t"), KeepAlive: 60, MaxPacketSize: 1024})
	alice, aliceConn, _ := dialMochi(t, addr, mqttc.Config{ClientID: "alice", Username: "alice", Password: []byte("t"), KeepAlive: 60,
		Will: &mqttc.Message{Topic: "u/alice/s", Payload: []byte("0:1"), Retain: true}})

	if err := bob.Subscribe(ctx, "tok/c", "r/1/typing", "u/alice/s"); err != nil {
		t.Fatal(err)
	}
	if err := alice.Publish(ctx, mqttc.Message{Topic: "tok/c", Payload: []byte(`{"id":1}`)}); err != nil {
		t.Fatal(err)
	}
	expect(t, bobGot, "tok/c", `{"id":1}`)

	// Over bob's 1024 bytes: the broker must drop it rather than send it,
	// and bob's connection stays up for what follows.
	if err := alice.Publish(ctx, mqttc.Message{Topic: "tok/c", Payload: bytes.Repeat([]byte{'x'}, 2000)}); err != nil {
		t.Fatal(err)
	}
	if err := bob.Unsubscribe(ctx, "r/1/typing"); err != nil {
		t.Fatal(err)
	}
	if err := alice.Publish(ctx, mqttc.Message{Topic: "r/1/typing", Payload: []byte("unsubscribed")}); err != nil {
		t.Fatal(err)
	}
	if err := alice.Publish(ctx, mqttc.Message{Topic: "tok/c", Payload: []byte(`{"id":2}`)}); err != nil {
		t.Fatal(err)
	}
	expect(t, bobGot, "tok/c", `{"id":2}`) // neither the oversize one nor the unsubscribed topic came first

	// alice's link drops without a DISCONNECT: the broker publishes her will.
	aliceConn.Close()
	expect(t, bobGot, "u/alice/s", "0:1")
	if err := bob.Err(); err != nil {
		t.Fatalf("bob's connection ended: %v", err)
	}
}
