package main

import (
	"bufio"
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/server"
)

func TestPacketRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 16383, 16384, 300000} {
		body := bytes.Repeat([]byte{'x'}, n)
		typ, got, err := readPacket(bufio.NewReader(bytes.NewReader(packet(0x30, body))), nil)
		if err != nil || typ != 0x30 || !bytes.Equal(got, body) {
			t.Fatalf("body of %d bytes: type %#x, %d bytes back, err %v", n, typ, len(got), err)
		}
	}
	if _, _, err := readPacket(bufio.NewReader(bytes.NewReader([]byte{0x30, 0xff, 0xff, 0xff, 0xff, 1})), nil); err == nil {
		t.Fatal("a five-byte remaining length was accepted")
	}
}

// The load's two halves against the real server in this process: a poster's
// post_comment is stored and fanned out to both members' subscribers, each
// counting it once.
func TestPosterAndSubscriber(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := server.New(ctx, server.Config{AppID: "dev", DBPath: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer func() { hs.Close(); srv.Close() }()
	api := &apiClient{base: hs.URL, hc: hs.Client()}
	var users []*user
	for _, id := range []string{"alice", "bob"} {
		res, _, err := api.call(ctx, "POST", "login_or_register", nil, url.Values{"email": {id}, "password": {id + "-key"}, "username": {id}})
		if err != nil {
			t.Fatal(err)
		}
		u, _ := res["user"].(map[string]any)
		tok, _ := u["token"].(string)
		users = append(users, &user{id: id, token: tok})
	}
	res, _, err := api.call(ctx, "POST", "create_room", users[0], url.Values{"name": {"r"}, "participants[]": {"bob"}})
	if err != nil {
		t.Fatal(err)
	}
	room, err := roomID(res)
	if err != nil {
		t.Fatal(err)
	}
	mqttURL := strings.Replace(hs.URL, "http://", "ws://", 1) + "/mqtt"
	for i, u := range users {
		if u.sub, err = dialSubscriber(ctx, mqttURL, "dev_test_"+u.id, u.id, u.token, u.token+"/c"); err != nil {
			t.Fatal(err)
		}
		defer users[i].sub.close()
	}
	p := api.poster(users[0], room)
	for k := range 3 {
		if err := p.post(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	// A retry is stored once and published once: were it published, it
	// would arrive before the next post (fan-out runs in commit order).
	for _, k := range []int{1, 3} {
		if err := p.post(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range users {
		for u.sub.got.Load() < 4 && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		if got, other := u.sub.got.Load(), u.sub.other.Load(); got != 4 || other != 0 {
			t.Errorf("%s counted %d publishes on its topic and %d on others, want 4 and 0", u.id, got, other)
		}
	}
	// A wrong password is refused at CONNACK.
	if _, err := dialSubscriber(ctx, mqttURL, "dev_test_x", "alice", "wrong", "x/c"); err == nil {
		t.Error("a wrong token was accepted")
	}
	// A post into a room the user is not in fails.
	if err := api.poster(users[1], room+1000).post(ctx, 0); err == nil {
		t.Error("a post into an unknown room succeeded")
	}
}

func TestProcCPU(t *testing.T) {
	s := sampleCPU(1)
	if !s.ok || s.total <= 0 || s.busy > s.total {
		t.Fatalf("sample %+v", s)
	}
}
