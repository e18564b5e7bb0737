//go:build !js

package integration_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// TestBrokerCompatibility backs the README's broker claim (see
// docs/PROTOCOL.md#realtime): the client speaks MQTT 5 over WebSocket with
// the user id and token as username and password, and works against each
// broker listed there. For each broker, two clients exchange typing, a
// custom event and presence through it (client to client), and a comment
// published on the receiver's {token}/c the way the server does arrives
// exactly once, also after a /sync that returns it again.
func TestBrokerCompatibility(t *testing.T) {
	brokers := []struct {
		name  string
		start func(t *testing.T, e *env) broker
	}{
		{"devserver mochi", func(t *testing.T, e *env) broker {
			// The devserver publishes comments itself when they are posted.
			return broker{url: e.mqttURL()}
		}},
		{"mosquitto", startMosquitto},
	}
	for _, b := range brokers {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t)
			br := b.start(t, e)
			checkBroker(t, e, br)
		})
	}
}

// broker is one MQTT broker under test. publish is nil where the devserver
// itself publishes comments to it; connected, when set, checks the broker's
// own account of a client's CONNECT.
type broker struct {
	url       string
	publish   func(t *testing.T, topic string, payload []byte)
	connected func(t *testing.T, userID string)
}

func checkBroker(t *testing.T, e *env, br broker) {
	ctx := context.Background()
	onBroker := func(c *sdk.Config) {
		c.MQTTURL = br.url
		c.SyncOnConnect = -1 // no periodic /sync: what arrives came through the broker
	}
	alice, _ := e.login(t, "alice", onBroker)
	bob, bev := e.login(t, "bob", onBroker)
	if br.connected != nil {
		br.connected(t, "alice")
		br.connected(t, "bob")
	}
	room := chatWith(t, alice, "bob")
	if _, err := bob.ChatTarget(ctx, "alice", sdk.ChatTargetOptions{}); err != nil {
		t.Fatal(err)
	}
	rid := fmt.Sprint(room.ID)

	// Typing: alice → broker → bob.
	if err := alice.PublishTypingSelected(ctx, true); err != nil {
		t.Fatal(err)
	}
	bev.waitFor(t, "alice's typing", func() bool {
		for _, ev := range eventsOf[sdk.TypingChanged](bev) {
			if ev.UserID == "alice" && ev.Typing && ev.RoomID == room.ID {
				return true
			}
		}
		return false
	})

	// A custom event, which carries its sender.
	got := make(chan sdk.RawMessage, 1)
	if err := bob.SubscribeEvent(ctx, rid, func(m sdk.RawMessage) {
		select {
		case got <- m:
		default:
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := alice.PublishEvent(ctx, rid, sdk.RawMessage(`{"via":"broker"}`)); err != nil {
		t.Fatal(err)
	}
	expectEvent(t, got, "alice", "via", "broker")

	// Presence: alice's retained heartbeat.
	if err := bob.SubscribeUserPresence(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	bev.waitFor(t, "alice online", func() bool {
		for _, ev := range eventsOf[sdk.PresenceChanged](bev) {
			if ev.UserID == "alice" && ev.Online {
				return true
			}
		}
		return false
	})

	// A comment, published by the server (or, for an external broker, by
	// the test as the server would) on bob's token topic.
	uniq := "compat-" + strings.ReplaceAll(t.Name(), "/", "-")
	sent, err := alice.SendComment(ctx, room.ID, "through the broker", sdk.SendOptions{UniqueTempID: uniq})
	if err != nil {
		t.Fatal(err)
	}
	if br.publish != nil {
		br.publish(t, bob.User().Token+"/c", sent.Raw)
	}
	bev.waitFor(t, "the comment on bob's token topic", func() bool { return newMessagesWith(bev, uniq) > 0 })
	if err := bob.Sync(ctx); err != nil { // returns the same comment again
		t.Fatal(err)
	}
	if n := newMessagesWith(bev, uniq); n != 1 {
		t.Fatalf("bob got the comment %d times, want exactly once", n)
	}
}

// expectEvent waits for one custom event on got and checks its sender and data[key].
func expectEvent(t *testing.T, got <-chan sdk.RawMessage, sender, key, val string) {
	t.Helper()
	select {
	case m := <-got:
		var ev struct {
			Sender string         `json:"sender"`
			Data   map[string]any `json:"data"`
		}
		if err := jsonx.Unmarshal(m, &ev); err != nil || ev.Sender != sender || ev.Data[key] != val {
			t.Fatalf("custom event = %s (%v), want sender %q and data.%s = %q", m, err, sender, key, val)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("custom event not received within 10 s")
	}
}

// mosquittoBins are where Debian's package puts the broker.
var mosquittoBins = []string{"/usr/sbin/mosquitto", "/usr/bin/mosquitto"}

// startMosquitto runs a real mosquitto on free loopback ports with a
// WebSocket listener, for at most mosquittoLife, killed when the test ends.
func startMosquitto(t *testing.T, _ *env) broker {
	t.Helper()
	bin := ""
	for _, p := range mosquittoBins {
		if _, err := os.Stat(p); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if p, err := exec.LookPath("mosquitto"); err == nil {
			bin = p
		}
	}
	if bin == "" {
		t.Fatal("mosquitto is not installed: `make deps` installs the Debian package mosquitto (this test does not skip)")
	}
	// A port picked free can be taken before mosquitto binds it: a start
	// that exits early is retried on new ports, a bounded number of times.
	var lastErr error
	for range 3 {
		m, err := runMosquitto(t, bin)
		if err == nil {
			return m.broker()
		}
		lastErr = err
	}
	t.Fatal(lastErr)
	return broker{}
}

const mosquittoLife = 2 * time.Minute

type mosquitto struct {
	url string
	mu  sync.Mutex
	log bytes.Buffer
}

func (m *mosquitto) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.log.Write(p)
}

func (m *mosquitto) logText() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.log.String()
}

func runMosquitto(t *testing.T, bin string) (*mosquitto, error) {
	dir := t.TempDir()
	tcpPort, wsPort := freePort(t), freePort(t)
	conf := strings.Join([]string{
		"per_listener_settings false",
		"allow_anonymous true",
		"persistence false",
		"log_dest stderr",
		"log_type error",
		"log_type warning",
		"log_type notice", // "New client connected … (p5, c1, k60, u'alice')"
		"connection_messages true",
		// mosquitto 2.0.11 will not start with a websockets listener alone.
		fmt.Sprintf("listener %d 127.0.0.1", tcpPort),
		fmt.Sprintf("listener %d 127.0.0.1", wsPort),
		"protocol websockets",
		"socket_domain ipv4",
		"",
	}, "\n")
	path := filepath.Join(dir, "mosquitto.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), mosquittoLife)
	m := &mosquitto{url: fmt.Sprintf("ws://127.0.0.1:%d/mqtt", wsPort)}
	cmd := exec.CommandContext(ctx, bin, "-c", path)
	cmd.Stdout, cmd.Stderr = m, m
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() { cancel(); <-exited }
	addr := fmt.Sprintf("127.0.0.1:%d", wsPort)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			stop()
			return nil, fmt.Errorf("mosquitto exited before listening on %s:\n%s", addr, m.logText())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("mosquitto did not listen on %s within 10 s:\n%s", addr, m.logText())
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("mosquitto log:\n%s", m.logText())
		}
	})
	return m, nil
}

func (m *mosquitto) broker() broker {
	return broker{
		url: m.url,
		connected: func(t *testing.T, userID string) {
			// mosquitto logs each CONNECT's protocol level (p5 = MQTT 5) and
			// username; our client ids are {AppId}_{userId}_{digits}.
			re := regexp.MustCompile(`as dev_` + regexp.QuoteMeta(userID) + `_\d+ \(p5, c1, k60, u'` + regexp.QuoteMeta(userID) + `'\)`)
			deadline := time.Now().Add(10 * time.Second)
			for !re.MatchString(m.logText()) {
				if time.Now().After(deadline) {
					t.Fatalf("mosquitto did not log an MQTT 5 CONNECT with username %q within 10 s:\n%s", userID, m.logText())
				}
				time.Sleep(50 * time.Millisecond)
			}
		},
		publish: func(t *testing.T, topic string, payload []byte) {
			// The stand-in for the server has none of the SDK's reconnect
			// logic, and on a busy machine its connection was seen closed
			// right after CONNACK (mosquitto: "closed its connection"), its
			// QoS 1 publish then waiting out the deadline. So: a fresh
			// connection per attempt, at most 3. A repeat is harmless: the
			// test checks that bob's app gets the comment exactly once.
			var last error
			for attempt := 0; attempt < 3; attempt++ {
				if last = publishOnce(m.url, topic, payload); last == nil {
					return
				}
				t.Logf("publisher attempt %d: %v", attempt+1, last)
			}
			t.Fatalf("publish %s: %v", topic, last)
		},
	}
}

func publishOnce(url, topic string, payload []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := sdk.WebSocketDialer{}.Dial(ctx, url)
	if err != nil {
		return err
	}
	cli := paho.NewClient(paho.ClientConfig{Conn: conn})
	if _, err := cli.Connect(ctx, &paho.Connect{ClientID: "test-server-publisher", CleanStart: true, KeepAlive: 30}); err != nil {
		_ = conn.Close()
		return fmt.Errorf("connect: %w", err)
	}
	defer func() { _ = cli.Disconnect(&paho.Disconnect{}) }()
	if _, err := cli.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: payload}); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
