package server

// Attack tests: each one acts as an attacker would against the real broker
// (raw MQTT over a real WebSocket) or the real HTTP API, and checks that the
// attack fails.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/eclipse/paho.golang/paho"
)

// connectWith connects a paho (MQTT 5) client with the given CONNECT. The
// CONNACK is returned even when the broker refuses.
func (e *testEnv) connectWith(cp *paho.Connect) (*mqttClient, *paho.Connack, error) {
	e.t.Helper()
	return e.connectOn(e.dialWS(), cp)
}

// connectOn sends cp over conn, a WebSocket to the broker.
func (e *testEnv) connectOn(conn net.Conn, cp *paho.Connect) (*mqttClient, *paho.Connack, error) {
	e.t.Helper()
	mc := &mqttClient{t: e.t, msgs: make(chan *paho.Publish, 256)}
	mc.c = paho.NewClient(paho.ClientConfig{
		Conn: &packetConn{Conn: conn},
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){
			func(pr paho.PublishReceived) (bool, error) {
				mc.msgs <- pr.Packet
				return true, nil
			},
		},
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	ca, err := mc.c.Connect(ctx, cp)
	if err == nil {
		e.t.Cleanup(func() { _ = mc.c.Disconnect(&paho.Disconnect{}) })
	}
	return mc, ca, err
}

func withCreds(cp *paho.Connect, u *testUser) *paho.Connect {
	cp.Username, cp.UsernameFlag = u.ID, true
	cp.Password, cp.PasswordFlag = []byte(u.Token), true
	return cp
}

// connect311Raw builds a 3.1.1 CONNECT: flags as given, keepalive 60, the
// client id, then (when set) the will and the username/password.
func connect311Raw(clientID string, clean bool, willTopic, willPayload string, u *testUser) []byte {
	var flags byte
	if clean {
		flags |= 0x02
	}
	if willTopic != "" {
		flags |= 0x04 | 0x20 // will flag, will retain
	}
	if u != nil {
		flags |= 0x80 | 0x40
	}
	body := mqttString("MQTT")
	body = append(body, 4, flags, 0, 60)
	body = append(body, mqttString(clientID)...)
	if willTopic != "" {
		body = append(body, mqttString(willTopic)...)
		body = append(body, mqttString(willPayload)...)
	}
	if u != nil {
		body = append(body, mqttString(u.ID)...)
		body = append(body, mqttString(u.Token)...)
	}
	return packet(0x10, body)
}

// rawConnect sends a hand-built CONNECT and returns the client with the
// CONNACK's flags and return code.
func (e *testEnv) rawConnect(connect []byte) (rc *rawClient, sessionPresent bool, code byte) {
	e.t.Helper()
	rc = &rawClient{t: e.t, conn: e.dialWS()}
	rc.r = bufio.NewReader(rc.conn)
	e.t.Cleanup(func() { rc.conn.Close() })
	if _, err := rc.conn.Write(connect); err != nil {
		e.t.Fatal(err)
	}
	typ, body := rc.read()
	if typ != 0x20 || len(body) != 2 {
		e.t.Fatalf("want CONNACK, got type 0x%02x %x", typ, body)
	}
	return rc, body[0]&1 == 1, body[1]
}

// publish311 sends a PUBLISH; qos 1 needs a packet id.
func (rc *rawClient) publish311(topic, payload string, qos byte, retain bool, id uint16) {
	rc.t.Helper()
	header := byte(0x30) | qos<<1
	if retain {
		header |= 1
	}
	body := mqttString(topic)
	if qos > 0 {
		body = binary.BigEndian.AppendUint16(body, id)
	}
	body = append(body, payload...)
	if _, err := rc.conn.Write(packet(header, body)); err != nil {
		rc.t.Fatal(err)
	}
}

// quiet checks that the broker sends this raw client nothing for d: a
// PINGREQ/PINGRESP round trip after d proves the broker processed everything
// before it.
func (rc *rawClient) quiet(d time.Duration) {
	rc.t.Helper()
	time.Sleep(d)
	if _, err := rc.conn.Write([]byte{0xc0, 0}); err != nil {
		rc.t.Fatal(err)
	}
	if typ, body := rc.read(); typ != 0xd0 {
		rc.t.Fatalf("want nothing, got packet 0x%02x %q", typ, body)
	}
}

// wsClosedByServer reads from a raw WebSocket until the server closes it,
// and fails if it is still open after waitFor.
func wsClosedByServer(t *testing.T, c *websocket.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	for {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			t.Fatalf("the server kept the WebSocket open for %s: %v", waitFor, err)
		}
		return
	}
}

func (e *testEnv) dialRawWS() *websocket.Conn {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/mqtt"
	c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		e.t.Fatalf("dial %s: %v", u, err)
	}
	c.SetReadLimit(-1)
	e.t.Cleanup(func() { _ = c.CloseNow() })
	return c
}

// Finding 1: reusing the client id of another identity's session must not
// hand over that session's subscriptions (the victim's {token}/c).
func TestAttackSessionTakeover(t *testing.T) {
	e := newEnv(t)
	alice, bob, mallory := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("mallory", "Mallory")
	roomID := e.chat(bob, alice)

	// The victim's message must reach the victim and nobody else.
	expectOnlyVictim := func(t *testing.T, victim *mqttClient, attacker func(time.Duration)) {
		t.Helper()
		e.in(t).mustPost(bob, roomID, "secret for alice")
		if m := victim.in(t).next(); m.Topic != alice.Token+"/c" {
			t.Fatalf("victim got %s", m.Topic)
		}
		attacker(300 * time.Millisecond)
	}
	live := func(t *testing.T, id string) *mqttClient {
		t.Helper()
		e := e.in(t)
		v, _, err := e.connectWith(withCreds(&paho.Connect{ClientID: id, CleanStart: true}, alice))
		if err != nil {
			t.Fatal(err)
		}
		v.in(t).mustSubscribe(alice.Token + "/c")
		return v
	}
	expiry := uint32(300)

	tests := []struct {
		name     string
		attacker func(id string) *paho.Connect
	}{
		{"no credentials", func(id string) *paho.Connect {
			return &paho.Connect{ClientID: id, CleanStart: false}
		}},
		{"own valid credentials", func(id string) *paho.Connect {
			return withCreds(&paho.Connect{ClientID: id, CleanStart: false}, mallory)
		}},
	}
	for _, tt := range tests {
		t.Run("live session, "+tt.name, func(t *testing.T) {
			e := e.in(t)
			id := "dev_alice_" + fmt.Sprint(time.Now().UnixNano())
			victim := live(t, id)
			a, ca, err := e.connectWith(tt.attacker(id))
			if err == nil && ca.SessionPresent {
				t.Fatalf("attacker got the victim's session (CONNACK %+v)", ca)
			}
			if err == nil {
				expectOnlyVictim(t, victim, a.in(t).none)
			}
		})
		t.Run("stored session, "+tt.name, func(t *testing.T) {
			e := e.in(t)
			id := "dev_alice_stored_" + fmt.Sprint(time.Now().UnixNano())
			cp := withCreds(&paho.Connect{ClientID: id, CleanStart: true}, alice)
			cp.Properties = &paho.ConnectProperties{SessionExpiryInterval: &expiry}
			v, _, err := e.connectWith(cp)
			if err != nil {
				t.Fatal(err)
			}
			v.in(t).mustSubscribe(alice.Token + "/c")
			if err := v.c.Disconnect(&paho.Disconnect{}); err != nil {
				t.Fatal(err)
			}
			a, ca, err := e.connectWith(tt.attacker(id))
			if err == nil && ca.SessionPresent {
				t.Fatalf("attacker resumed the victim's stored session (CONNACK %+v)", ca)
			}
			if err == nil {
				e.mustPost(bob, roomID, "secret for alice")
				a.in(t).none(500 * time.Millisecond)
			}
		})
	}
	t.Run("official v2 client, 3.1.1 without clean session", func(t *testing.T) {
		e := e.in(t)
		id := "dev_alice_" + fmt.Sprint(time.Now().UnixMilli())
		victim, code := e.raw311(id, "u/alice/s")
		if code != 0 || victim.subscribe(1, alice.Token+"/c") != 0 {
			t.Fatal("victim could not connect and subscribe")
		}
		a, present, code := e.rawConnect(connect311Raw(id, false, "", "", nil))
		if code != 0 {
			return // refused: fine
		}
		if present {
			t.Fatal("attacker got sessionPresent=1 for the v2 client's id")
		}
		e.mustPost(bob, roomID, "secret for alice")
		if topic, _ := victim.readPublish(); topic != alice.Token+"/c" {
			t.Fatalf("victim got %s", topic)
		}
		a.quiet(300 * time.Millisecond)
	})
	t.Run("same identity still resumes its session", func(t *testing.T) {
		e := e.in(t)
		id := "alice-resume-" + fmt.Sprint(time.Now().UnixNano())
		cp := withCreds(&paho.Connect{ClientID: id, CleanStart: true}, alice)
		cp.Properties = &paho.ConnectProperties{SessionExpiryInterval: &expiry}
		v, _, err := e.connectWith(cp)
		if err != nil {
			t.Fatal(err)
		}
		v.in(t).mustSubscribe(alice.Token + "/c")
		_ = v.c.Disconnect(&paho.Disconnect{})
		cp = withCreds(&paho.Connect{ClientID: id, CleanStart: false}, alice)
		cp.Properties = &paho.ConnectProperties{SessionExpiryInterval: &expiry}
		again, ca, err := e.connectWith(cp)
		if err != nil || !ca.SessionPresent {
			t.Fatalf("CONNACK %+v, %v: want the session resumed", ca, err)
		}
		e.mustPost(bob, roomID, "for alice again")
		if m := again.in(t).next(); m.Topic != alice.Token+"/c" {
			t.Fatalf("got %s", m.Topic)
		}
	})
}

// Finding 2: a client id naming a user is not an identity.
func TestAttackClientIDIdentity(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	ab := e.chat(alice, bob)
	typing := fmt.Sprintf("r/%d/%d/+/t", ab, ab)
	events := fmt.Sprintf("r/%d/%d/e", ab, ab)
	watcher := e.mqtt("alice-watch", alice)
	watcher.mustSubscribe("u/bob/s", typing, events)

	// The attacker claims to be bob by its client id alone, with bob's will.
	a, _, code := e.rawConnect(connect311Raw("dev_bob_1700000000000", true, "u/bob/s", "", nil))
	if code != 0 {
		t.Fatalf("CONNACK %d", code)
	}
	for i, f := range []string{typing, events, "u/alice/s", fmt.Sprintf("r/%d/%d/+/r", ab, ab)} {
		if got := a.subscribe(uint16(i+1), f); got != 0x80 {
			t.Errorf("subscribe %s: 0x%02x, want 0x80 (refused before a token is proven)", f, got)
		}
	}
	a.publish311("u/bob/s", "1", 0, true, 0)
	a.publish311(fmt.Sprintf("r/%d/%d/bob/t", ab, ab), "1", 0, false, 0)
	a.publish311(events, `{"sender":"bob","data":{"x":1}}`, 0, false, 0)
	a.quiet(100 * time.Millisecond)
	a.conn.Close() // its will u/bob/s must not fire either
	watcher.none(500 * time.Millisecond)

	t.Run("the will follows the proven user only", func(t *testing.T) {
		e := e.in(t)
		// Proves alice's token but carries bob's will.
		c, _, code := e.rawConnect(connect311Raw("dev_bob_1700000000001", true, "u/bob/s", "", nil))
		if code != 0 || c.subscribe(1, alice.Token+"/c") != 0 {
			t.Fatal("connect and prove alice's token")
		}
		c.conn.Close()
		watcher.in(t).none(500 * time.Millisecond)
	})
}

// Finding 3: the dev identity-token endpoint mints tokens for anyone; it is
// off unless enabled, and never answers other origins.
func TestAttackDevIdentityEndpoint(t *testing.T) {
	mint := func(e *testEnv) resp {
		return e.do(http.MethodPost, "/api/v2/dev/identity_token",
			map[string]string{"Origin": "https://evil.example"}, formType,
			url.Values{"nonce": {e.nonce()}, "user_id": {"victim"}}.Encode())
	}
	t.Run("off by default", func(t *testing.T) {
		e := newEnv(t)
		if r := mint(e); r.status != http.StatusNotFound {
			t.Fatalf("HTTP %d %s: want 404, the endpoint is off by default", r.status, r.raw)
		}
	})
	t.Run("enabled, no CORS", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.DevIdentityEndpoint = true })
		r := mint(e)
		mustStatus(t, r, 200)
		if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Fatalf("Access-Control-Allow-Origin %q: other origins may read minted tokens", got)
		}
	})
}

// Finding 3: the server API (app secret) is for backends; browser pages of
// other origins get no CORS grant. The SDK API keeps its CORS.
func TestAttackCORS(t *testing.T) {
	e := newEnv(t)
	evil := map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "GET",
		"Access-Control-Request-Headers": "qiscus_sdk_secret"}
	for _, path := range []string{"/api/v2/rest/user_profile?user_email=x", "/api/v2.1/rest/load_comments"} {
		for _, method := range []string{http.MethodOptions, http.MethodGet} {
			t.Run(method+" "+path, func(t *testing.T) {
				h := map[string]string{"QISCUS_SDK_SECRET": restSecret}
				for k, v := range evil {
					h[k] = v
				}
				r := e.in(t).do(method, path, h, "", "")
				if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
					t.Fatalf("Access-Control-Allow-Origin %q on the server API", got)
				}
			})
		}
	}
	t.Run("SDK API keeps CORS", func(t *testing.T) {
		r := e.in(t).do(http.MethodOptions, "/api/v2/sdk/login_or_register", evil, "", "")
		if got := r.header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Fatalf("Access-Control-Allow-Origin %q, want *", got)
		}
	})
}

// Finding 4: a fixed header claiming a huge CONNECT must not make the broker
// allocate it and wait: the connection is closed.
func TestAttackOversizeConnect(t *testing.T) {
	e := newEnv(t)
	for _, claim := range []int{256<<20 - 1, 1 << 20} { // 256 MiB - 1 is the largest length MQTT can say
		t.Run(fmt.Sprint(claim), func(t *testing.T) {
			c := e.in(t).dialRawWS()
			hdr := append([]byte{0x10}, remainingLength(claim)...)
			if err := c.Write(context.Background(), websocket.MessageBinary, hdr); err != nil {
				t.Fatal(err)
			}
			wsClosedByServer(t, c)
		})
	}
	t.Run("oversize publish after connect", func(t *testing.T) {
		e := e.in(t)
		alice := e.login("alice", "Alice")
		c := e.dialRawWS()
		ctx := context.Background()
		if err := c.Write(ctx, websocket.MessageBinary, connect311Raw("big", true, "", "", alice)); err != nil {
			t.Fatal(err)
		}
		if _, ack, err := c.Read(ctx); err != nil || len(ack) != 4 || ack[3] != 0 {
			t.Fatalf("CONNACK %x %v", ack, err)
		}
		hdr := append([]byte{0x30}, remainingLength(64<<20)...)
		if err := c.Write(ctx, websocket.MessageBinary, hdr); err != nil {
			t.Fatal(err)
		}
		wsClosedByServer(t, c)
	})
}

// Finding 4: a WebSocket that never sends CONNECT is closed after the
// CONNECT deadline.
func TestAttackSilentWebSocket(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MQTTConnectTimeout = 200 * time.Millisecond })
	c := e.dialRawWS()
	wsClosedByServer(t, c)

	t.Run("a connected client is not cut by the CONNECT deadline", func(t *testing.T) {
		e := e.in(t)
		alice := e.login("alice", "Alice")
		mc := e.mqtt("alice-1", alice)
		time.Sleep(400 * time.Millisecond)
		mc.mustSubscribe(alice.Token + "/c")
	})
}

// Finding 5: typing is "1"/"0" and never retained; payload sizes are capped
// on every client-published topic.
func TestAttackTypingRetainedHuge(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	ab := e.chat(alice, bob)
	typingOf := func(u string) string { return fmt.Sprintf("r/%d/%d/%s/t", ab, ab, u) }
	events := fmt.Sprintf("r/%d/%d/e", ab, ab)
	ma := e.mqtt("alice-1", alice)

	// Each retained publish alone, then a subscriber arriving later: it must
	// get nothing (the retained ones would overwrite each other otherwise).
	retained := []struct{ name, topic, payload string }{
		{"typing forever", typingOf("alice"), "1"},
		{"100 KiB typing", typingOf("alice"), strings.Repeat("x", 100<<10)},
		{"event", events, `{"sender":"alice","data":{}}`},
		{"presence with a 4 KiB timestamp", "u/alice/s", "1:" + strings.Repeat("9", 4096)},
	}
	for i, r := range retained {
		t.Run("retained "+r.name, func(t *testing.T) {
			e := e.in(t)
			ma.in(t).publish(r.topic, r.payload, true)
			ma.in(t).barrier()
			late := e.mqtt(fmt.Sprint("bob-late-", i), bob)
			late.mustSubscribe(r.topic)
			late.none(200 * time.Millisecond)
		})
	}
	late := e.mqtt("bob-late", bob)
	late.mustSubscribe(fmt.Sprintf("r/%d/%d/+/t", ab, ab), events, "u/alice/s")

	// Live: bad payloads are dropped; the good one after them arrives alone.
	bad := []struct{ topic, payload string }{
		{typingOf("alice"), "typing"},
		{typingOf("alice"), ""},
		{events, "not json"},
		{events, `{"sender":"alice","data":"` + strings.Repeat("x", 70<<10) + `"}`},
		{"u/alice/s", strings.Repeat("1", 100)},
	}
	for _, b := range bad {
		ma.publish(b.topic, b.payload, false)
	}
	ma.publish(typingOf("alice"), "0", false)
	if m := late.next(); m.Topic != typingOf("alice") || string(m.Payload) != "0" || m.Retain {
		t.Fatalf("got %s %.40q retain=%v, want alice's live typing 0", m.Topic, m.Payload, m.Retain)
	}
	late.none(200 * time.Millisecond)

	t.Run("32 MiB is refused at the packet level", func(t *testing.T) {
		e := e.in(t)
		mc, _, err := e.connectWith(withCreds(&paho.Connect{ClientID: "alice-huge", CleanStart: true}, alice))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		_, _ = mc.c.Publish(ctx, &paho.Publish{Topic: typingOf("alice"), Payload: bytes.Repeat([]byte("1"), 32<<20), Retain: true})
		select {
		case <-mc.c.Done():
		case <-time.After(waitFor):
			t.Fatal("the broker accepted a 32 MiB packet")
		}
		fresh := e.mqtt("bob-fresh", bob)
		fresh.mustSubscribe(fmt.Sprintf("r/%d/%d/+/t", ab, ab))
		fresh.none(200 * time.Millisecond)
	})
}

// Finding 7: a member removed from a room loses the subscriptions to its
// topics that were made while a member, through either API.
func TestAttackRemovedMemberSubscriptions(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	tests := []struct {
		name   string
		remove func(e *testEnv, roomID int64)
	}{
		{"SDK API", func(e *testEnv, roomID int64) {
			mustStatus(e.t, e.form("remove_room_participants", alice,
				url.Values{"room_id": {fmt.Sprint(roomID)}, "emails[]": {carol.ID}}.Encode()), 200)
		}},
		{"server API", func(e *testEnv, roomID int64) {
			mustStatus(e.t, e.restForm("remove_room_participants",
				url.Values{"room_id": {fmt.Sprint(roomID)}, "emails[]": {carol.ID}}), 200)
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			g := e.group(alice, "g", bob, carol)
			typing, events := fmt.Sprintf("r/%d/%d/+/t", g, g), fmt.Sprintf("r/%d/%d/e", g, g)
			mb := e.mqtt(fmt.Sprint("bob-", i), bob)
			mc := e.mqtt(fmt.Sprint("carol-", i), carol)
			mb.in(t).mustSubscribe(typing, events)
			mc.in(t).mustSubscribe(typing, events)
			tt.remove(e, g)

			ma := e.mqtt(fmt.Sprint("alice-", i), alice)
			ma.in(t).publish(fmt.Sprintf("r/%d/%d/alice/t", g, g), "1", false)
			ma.in(t).publish(events, `{"sender":"alice","data":{"after":"removal"}}`, false)
			mb.in(t).next()
			mb.in(t).next()
			mc.in(t).none(300 * time.Millisecond)
			if got := mc.in(t).subscribe(typing); got != 0x87 {
				t.Fatalf("re-subscribe after removal: 0x%02x, want 0x87", got)
			}
		})
	}
}

// Finding 8: the custom event's sender is the publisher.
func TestAttackEventSenderSpoof(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	ab := e.chat(alice, bob)
	events := fmt.Sprintf("r/%d/%d/e", ab, ab)
	ma, mb := e.mqtt("alice-1", alice), e.mqtt("bob-1", bob)
	mb.mustSubscribe(events)
	ma.publish(events, `{"sender":"bob","data":{"transfer":1000}}`, false)
	ma.publish(events, `{"data":{"no":"sender"}}`, false)
	ma.publish(events, `{"sender":"alice","data":{"ok":true}}`, false)
	m := mb.next()
	if got := (resp{body: decode(t, m.Payload)}); got.str("sender") != "alice" {
		t.Fatalf("bob got %s: a spoofed sender went through", m.Payload)
	}
	mb.none(200 * time.Millisecond)
}

// Finding 8: a QoS 1 publish the broker refuses is still acknowledged: with
// a reason code in MQTT 5, positively in 3.1.1 (the message is dropped).
func TestAttackRejectedQoS1Puback(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	ab := e.chat(alice, bob)
	watch := e.mqtt("bob-w", bob)
	watch.mustSubscribe("u/alice/s", fmt.Sprintf("r/%d/%d/+/t", ab, ab))

	t.Run("MQTT 5", func(t *testing.T) {
		e := e.in(t)
		ma := e.mqtt("alice-5", alice)
		for _, p := range []struct{ topic, payload string }{
			{"u/alice/s", "garbage"},
			{fmt.Sprintf("r/%d/%d/alice/t", ab, ab), "typing"},
		} {
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			pr, err := ma.c.Publish(ctx, &paho.Publish{Topic: p.topic, Payload: []byte(p.payload), QoS: 1})
			cancel()
			if pr == nil || pr.ReasonCode < 0x80 || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("publish %s %q: response %+v, err %v; want a PUBACK with an error reason code", p.topic, p.payload, pr, err)
			}
		}
	})
	t.Run("MQTT 3.1.1", func(t *testing.T) {
		e := e.in(t)
		rc, _, code := e.rawConnect(connect311Raw("alice-311", true, "", "", alice))
		if code != 0 {
			t.Fatalf("CONNACK %d", code)
		}
		rc.publish311("u/alice/s", "garbage", 1, true, 7)
		if typ, body := rc.read(); typ != 0x40 || !bytes.Equal(body, []byte{0, 7}) {
			t.Fatalf("got 0x%02x %x, want PUBACK for packet 7", typ, body)
		}
	})
	watch.none(200 * time.Millisecond)
}

// Finding 7, the race: a removal committed after the member's SUBSCRIBE passed
// the ACL check but before mochi added the subscription must still end it.
func TestAttackRemovedMemberSubscribeRace(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.login("alice", "Alice"), e.login("bob", "Bob"), e.login("carol", "Carol")
	g := e.group(alice, "g", bob, carol)
	typing := fmt.Sprintf("r/%d/%d/+/t", g, g)
	var once sync.Once
	e.s.broker.SetTestAfterACL(func(filter string) {
		if filter == typing {
			once.Do(func() {
				mustStatus(t, e.form("remove_room_participants", alice,
					url.Values{"room_id": {fmt.Sprint(g)}, "emails[]": {carol.ID}}.Encode()), 200)
			})
		}
	})
	mc := e.mqtt("carol-1", carol)
	if got := mc.subscribe(typing); got < 0x80 {
		t.Errorf("SUBACK 0x%02x for a member removed during the SUBSCRIBE, want a refusal", got)
	}
	mb := e.mqtt("bob-1", bob)
	mb.mustSubscribe(typing)
	ma := e.mqtt("alice-1", alice)
	ma.publish(fmt.Sprintf("r/%d/%d/alice/t", g, g), "1", false)
	mb.next()
	mc.none(300 * time.Millisecond)
}
