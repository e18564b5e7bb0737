package server

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

var presenceRe = regexp.MustCompile(`^([01]):(\d{13})$`)

// checkPresence asserts a "{state}:{epochMs}" payload with a recent timestamp.
func checkPresence(t *testing.T, payload []byte, state string) {
	t.Helper()
	m := presenceRe.FindStringSubmatch(string(payload))
	if m == nil || m[1] != state {
		t.Fatalf("presence %q, want %s:{epochMs}", payload, state)
	}
	ms, _ := strconv.ParseInt(m[2], 10, 64)
	if d := time.Since(time.UnixMilli(ms)); d < -time.Second || d > waitFor {
		t.Fatalf("presence timestamp %s off by %s", m[2], d)
	}
}

func TestMQTTFanOutIncludesSender(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	roomID := e.chat(alice, bob)
	ma, mb := e.mqtt("dev_alice_1", alice), e.mqtt("dev_bob_1", bob)
	ma.mustSubscribe(alice.Token + "/c")
	mb.mustSubscribe(bob.Token + "/c")

	r := e.post(alice, roomID, "hello", "javascript-1")
	mustStatus(t, r, 200)
	for _, tc := range []struct {
		name     string
		c        *mqttClient
		topic    string
		roomName string
	}{
		{"sender", ma, alice.Token + "/c", "Bob"},
		{"receiver", mb, bob.Token + "/c", "Alice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.c.in(t).next()
			if m.Topic != tc.topic {
				t.Fatalf("topic %s, want %s", m.Topic, tc.topic)
			}
			got := resp{body: decode(t, m.Payload)}
			checkFields(t, got, []fieldWant{
				{"id", int(r.num("results.comment.id"))}, {"id_str", r.str("results.comment.id_str")},
				{"message", "hello"}, {"unique_temp_id", "javascript-1"}, {"email", "alice"},
				{"username", "Alice"}, {"room_id", int(roomID)}, {"topic_id", int(roomID)},
				{"room_name", tc.roomName}, {"chat_type", "single"}, {"status", "sent"},
				{"comment_before_id", 0}, {"user_avatar.avatar.url", ""}, {"type", "text"},
				{"timestamp", r.str("results.comment.timestamp")},
				{"unix_timestamp", int(r.num("results.comment.unix_timestamp"))},
				{"unix_nano_timestamp", int(r.num("results.comment.unix_nano_timestamp"))},
			})
		})
	}
	t.Run("retry is not fanned out again", func(t *testing.T) {
		e := e.in(t)
		mustStatus(t, e.post(alice, roomID, "hello", "javascript-1"), 200)
		ma.in(t).none(300 * time.Millisecond)
		mb.in(t).none(0)
	})
}

// The comment is handed to the broker before the HTTP response is written: an
// inline subscriber (called synchronously by the broker) has it by then.
func TestFanOutBeforeResponse(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	roomID := e.chat(alice, bob)
	var mu sync.Mutex
	var got []string
	for i, u := range []*testUser{alice, bob} {
		err := e.s.broker.SubscribeInline(u.Token+"/c", i+1, func(_ *mqtt.Client, _ packets.Subscription, pk packets.Packet) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, pk.TopicName)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	e.mustPost(alice, roomID, "now")
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("published to %v before the response, want both participants", got)
	}
}

func TestMQTTSubscribeACL(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	e.login("john_doe", "John")
	ab, bc := e.chat(alice, bob), e.chat(bob, carol)
	bcUnique := e.get(fmt.Sprint("get_room_by_id?id=", bc), bob).str("results.room.unique_id")
	abUnique := e.get(fmt.Sprint("get_room_by_id?id=", ab), bob).str("results.room.unique_id")

	const ok, refused = 0x00, 0x87
	type sub struct {
		filter string
		code   byte
	}
	tests := []struct {
		name     string
		clientID string
		creds    *testUser
		subs     []sub // in order: earlier ones may identify the client
	}{
		{"with credentials", "alice-go-sdk", alice, []sub{
			{alice.Token + "/c", ok}, {alice.Token + "/n", ok}, {alice.Token + "/update", ok},
			{bob.Token + "/c", refused}, {"NOTATOKEN/c", refused},
			{fmt.Sprintf("r/%d/%d/+/t", ab, ab), ok}, {fmt.Sprintf("r/%d/%d/+/r", ab, ab), ok},
			{fmt.Sprintf("r/%d/typing", ab), ok}, {fmt.Sprintf("r/%d/%d/e", ab, ab), ok},
			{fmt.Sprintf("r/%d/%d/+/t", bc, bc), refused}, {"r/+/+/+/t", refused}, {"r/999/999/+/t", refused},
			{"#", refused}, {"+/c", refused}, {"+/+/c", refused}, {"+", refused}, {"$SYS/#", refused},
			{"u/bob/s", ok}, {"u/+/s", refused}, {"u/#", refused},
			{"dev/" + abUnique + "/c", ok}, {"dev/" + bcUnique + "/c", refused}, {"dev/+/c", refused},
			{"foo/bar/baz", refused},
		}},
		{"anonymous v2 client binds to the first token", "dev_undefined_1700000000000", nil, []sub{
			{"u/bob/s", refused}, {fmt.Sprintf("r/%d/%d/+/t", ab, ab), refused},
			{alice.Token + "/c", ok}, {bob.Token + "/c", refused},
			{fmt.Sprintf("r/%d/%d/+/t", ab, ab), ok}, {"u/bob/s", ok},
		}},
		{"a client id naming a user is no identity", "dev_bob_1700000000000", nil, []sub{
			{fmt.Sprintf("r/%d/%d/+/d", bc, bc), refused}, {"u/alice/s", refused},
			{bob.Token + "/c", ok}, {fmt.Sprintf("r/%d/%d/+/d", bc, bc), ok},
		}},
		{"proves a user other than its client id names", "dev_john_doe_1700000000000", nil, []sub{
			{alice.Token + "/c", ok}, {fmt.Sprintf("r/%d/%d/+/t", ab, ab), ok}, {fmt.Sprintf("r/%d/%d/+/t", bc, bc), refused},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			mc := e.mqtt(tt.clientID, tt.creds)
			for _, s := range tt.subs {
				if got := mc.subscribe(s.filter); got != s.code {
					t.Errorf("subscribe %s: 0x%02x, want 0x%02x", s.filter, got, s.code)
				}
			}
		})
	}
}

func TestMQTTBadCredentials(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice", "Alice")
	e.login("bob", "Bob")
	tests := []struct {
		name string
		user *testUser
	}{
		{"wrong token", &testUser{ID: "alice", Token: "WRONG"}},
		{"someone else's token", &testUser{ID: "bob", Token: alice.Token}},
		{"unknown user", &testUser{ID: "nobody", Token: alice.Token}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			_, ca, err := e.connectMQTT("x", tt.user)
			if err == nil || ca == nil || ca.ReasonCode != 0x87 {
				t.Fatalf("connack %+v err %v, want not authorized (0x87)", ca, err)
			}
		})
	}
	t.Run("expired token", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.TokenTTL = time.Nanosecond })
		u := e.login("alice", "Alice")
		_, ca, err := e.connectMQTT("x", u)
		if err == nil || ca == nil || ca.ReasonCode != 0x87 {
			t.Fatalf("connack %+v err %v, want not authorized", ca, err)
		}
	})
}

func TestMQTTPublishACL(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	ab := e.chat(alice, bob)
	ma, mb, mc := e.mqtt("a", alice), e.mqtt("b", bob), e.mqtt("c", carol)
	typing := fmt.Sprintf("r/%d/%d/%%s/t", ab, ab)
	mb.mustSubscribe(fmt.Sprintf("r/%d/%d/+/t", ab, ab), fmt.Sprintf("r/%d/%d/+/r", ab, ab),
		fmt.Sprintf("r/%d/%d/e", ab, ab), bob.Token+"/c", "u/alice/s", "u/carol/s")

	// Refused publishes come first; each client then publishes something allowed,
	// so the next message bob sees proves the refused ones were dropped.
	ma.publish(fmt.Sprintf(typing, "bob"), "1", false)               // typing as someone else
	ma.publish(bob.Token+"/c", `{"fake":true}`, false)               // token topics are server-only
	ma.publish(fmt.Sprintf("r/%d/%d/alice/r", ab, ab), "1:x", false) // receipts are server-only
	mb.publish("u/alice/s", "1", false)                              // presence of someone else
	mc.publish(fmt.Sprintf(typing, "carol"), "1", false)             // not a participant
	mc.publish(fmt.Sprintf("r/%d/%d/e", ab, ab), "{}", false)        // not a participant

	ma.publish(fmt.Sprintf(typing, "alice"), "1", false)
	if m := mb.next(); m.Topic != fmt.Sprintf(typing, "alice") || string(m.Payload) != "1" {
		t.Fatalf("got %s %q, want alice's typing", m.Topic, m.Payload)
	}
	ma.publish(fmt.Sprintf("r/%d/%d/e", ab, ab), `{"sender":"alice","data":{"x":1}}`, false)
	if m := mb.next(); m.Topic != fmt.Sprintf("r/%d/%d/e", ab, ab) {
		t.Fatalf("got %s, want the custom event", m.Topic)
	}
	mc.publish("u/carol/s", "1", false)
	if m := mb.next(); m.Topic != "u/carol/s" {
		t.Fatalf("got %s %q, want carol's presence", m.Topic, m.Payload)
	}
	mb.none(200 * time.Millisecond)
}

func TestMQTTPresenceNormalised(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	ma, mb := e.mqtt("a", alice), e.mqtt("b", bob)
	mb.mustSubscribe("u/alice/s")

	steps := []struct {
		payload string
		want    string // "0"/"1" for a fresh timestamp, "" for dropped, else exact
	}{
		{"1", "1"},
		{"0", "0"},
		{"", "0"},
		{"garbage", ""},
		{"2:123", ""},
		{"1:", ""},
		{"1:1700000000000", "1:1700000000000"},
	}
	for _, st := range steps {
		ma.publish("u/alice/s", st.payload, true)
		if st.want == "" {
			continue
		}
		m := mb.next()
		switch st.want {
		case "0", "1":
			checkPresence(t, m.Payload, st.want)
		default:
			if string(m.Payload) != st.want {
				t.Fatalf("payload %q after %q, want %q", m.Payload, st.payload, st.want)
			}
		}
	}
	mb.none(200 * time.Millisecond)

	retained := func() []byte {
		t.Helper()
		c := e.mqtt("", bob)
		c.mustSubscribe("u/alice/s")
		return c.next().Payload
	}
	if got := retained(); string(got) != "1:1700000000000" {
		t.Fatalf("retained %q", got)
	}
	ma.publish("u/alice/s", "1", true)
	mb.next()
	checkPresence(t, retained(), "1")
	// An empty retained publish would normally clear the retained message; here
	// it is rewritten, so offline is what stays retained.
	ma.publish("u/alice/s", "", true)
	mb.next()
	checkPresence(t, retained(), "0")
}

// The official v2 client's CONNECT (MQTT 3.1.1, will with a zero-length payload).
func TestMQTTV2ClientConnect(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	roomID := e.chat(alice, bob)
	mb := e.mqtt("b", bob)
	mb.mustSubscribe("u/alice/s", "u/undefined/s")

	rc, code := e.raw311("dev_alice_1700000000000", "u/alice/s")
	if code != 0 {
		t.Fatalf("CONNACK return code %d, want 0", code)
	}
	if got := rc.subscribe(1, alice.Token+"/c"); got != 0 {
		t.Fatalf("3.1.1 SUBACK 0x%02x", got)
	}
	if got := rc.subscribe(2, bob.Token+"/c"); got != 0x80 {
		t.Fatalf("3.1.1 SUBACK for another user's token 0x%02x, want 0x80", got)
	}
	r := e.mustPost(bob, roomID, "to the v2 client")
	topic, payload := rc.readPublish()
	if topic != alice.Token+"/c" {
		t.Fatalf("topic %s", topic)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil || c["message"] != "to the v2 client" ||
		fmt.Sprint(c["id"]) != fmt.Sprint(r.num("results.comment.id")) {
		t.Fatalf("payload %s (%v)", payload, err)
	}

	// Dropping the connection publishes the will, stamped and retained.
	rc.conn.Close()
	m := mb.next()
	if m.Topic != "u/alice/s" {
		t.Fatalf("will on %s", m.Topic)
	}
	checkPresence(t, m.Payload, "0")
	late := e.mqtt("", bob)
	late.mustSubscribe("u/alice/s")
	checkPresence(t, late.next().Payload, "0")

	t.Run("anonymous will is dropped", func(t *testing.T) {
		e := e.in(t)
		anon, code := e.raw311("dev_undefined_1700000000000", "u/undefined/s")
		if code != 0 {
			t.Fatalf("CONNACK return code %d, want 0", code)
		}
		anon.conn.Close()
		mb.in(t).none(500 * time.Millisecond)
	})
}

func TestMQTTReceipts(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	roomID := e.chat(alice, bob)
	ma := e.mqtt("a", alice)
	ma.mustSubscribe(fmt.Sprintf("r/%d/%d/+/d", roomID, roomID), fmt.Sprintf("r/%d/%d/+/r", roomID, roomID))
	c := e.post(alice, roomID, "read me", "uid-1")
	mustStatus(t, c, 200)
	id := c.num("results.comment.id")
	room := fmt.Sprint("room_id=", roomID)

	steps := []struct {
		body, topic string
	}{
		{fmt.Sprint("&last_comment_received_id=", id), fmt.Sprintf("r/%d/%d/bob/d", roomID, roomID)},
		{fmt.Sprint("&last_comment_read_id=", id), fmt.Sprintf("r/%d/%d/bob/r", roomID, roomID)},
		{fmt.Sprint("&last_comment_read_id=", id), ""}, // no move, no receipt
	}
	for _, st := range steps {
		mustStatus(t, e.form("update_comment_status", bob, room+st.body), 200)
		if st.topic == "" {
			ma.none(300 * time.Millisecond)
			continue
		}
		m := ma.next()
		if m.Topic != st.topic || string(m.Payload) != fmt.Sprintf("%d:uid-1", id) {
			t.Fatalf("got %s %q, want %s %d:uid-1", m.Topic, m.Payload, st.topic, id)
		}
	}
}

func TestPublishRawIsUntouched(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice", "Alice")
	ma := e.mqtt("a", alice)
	ma.mustSubscribe(alice.Token+"/c", "u/bob/s")
	for _, m := range []struct{ topic, payload string }{
		{alice.Token + "/c", `{"id": "not a number", broken`},
		{"u/bob/s", "1"},
	} {
		if err := e.s.PublishRaw(m.topic, []byte(m.payload), false); err != nil {
			t.Fatal(err)
		}
		got := ma.next()
		if got.Topic != m.topic || string(got.Payload) != m.payload {
			t.Fatalf("got %s %q, want %s %q", got.Topic, got.Payload, m.topic, m.payload)
		}
	}
}

func TestCloseDisconnectsMQTTClients(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice", "Alice")
	ma := e.mqtt("a", alice)
	if err := e.s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ma.c.Done():
	case <-time.After(waitFor):
		t.Fatal("client still connected after Close")
	}
}
