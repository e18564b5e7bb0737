//go:build !js && !nodevserver

package sdk_test

import (
	"bytes"
	"context"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// connectRecorder dials with the real WebSocket dialer and keeps the
// CONNECT packet of each connection: what the broker (and anyone who can
// guess it) sees as the client id.
type connectRecorder struct {
	mu       sync.Mutex
	connects []*packets.Connect
}

func (r *connectRecorder) Dial(ctx context.Context, url string) (net.Conn, error) {
	c, err := sdk.WebSocketDialer{}.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	return &sniffConn{Conn: c, r: r}, nil
}

type sniffConn struct {
	net.Conn
	r    *connectRecorder
	buf  bytes.Buffer
	done bool
}

func (s *sniffConn) Write(p []byte) (int, error) {
	if !s.done {
		s.buf.Write(p)
		if cp, err := packets.ReadPacket(bytes.NewReader(s.buf.Bytes())); err == nil {
			s.done = true
			if cn, ok := cp.Content.(*packets.Connect); ok {
				s.r.mu.Lock()
				s.r.connects = append(s.r.connects, cn)
				s.r.mu.Unlock()
			}
		}
	}
	return s.Conn.Write(p)
}

// TestClientIDIsUnguessable: v2's client id {AppId}_{userId}_{Date.now()}
// can be rebuilt by anyone from the "1:{ms}" presence heartbeat (the same
// clock), and a CONNECT with someone's client id takes over their session.
// The id must carry at least 128 random bits and no clock reading.
func TestClientIDIsUnguessable(t *testing.T) {
	e := newEnv(t)
	rec := &connectRecorder{}
	from := time.Now().UnixMilli()
	for i := 0; i < 2; i++ {
		e.login(t, "alice", func(c *sdk.Config) { c.Dialer = rec })
	}
	to := time.Now().UnixMilli()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.connects) != 2 {
		t.Fatalf("recorded %d CONNECTs, want 2", len(rec.connects))
	}
	var ids []string
	for _, cn := range rec.connects {
		id := cn.ClientID
		ids = append(ids, id)
		suffix, ok := strings.CutPrefix(id, "dev_alice_")
		if !ok {
			t.Fatalf("client id %q lost the recognisable {AppId}_{userId}_ prefix", id)
		}
		for ms := from - 1000; ms <= to+1000; ms++ {
			if strings.Contains(id, strconv.FormatInt(ms, 10)) {
				t.Fatalf("client id %q contains the clock reading %d", id, ms)
			}
		}
		if bits := entropyBits(suffix); bits < 128 {
			t.Fatalf("client id %q has a %d-character suffix worth %.0f bits at most, want >= 128", id, len(suffix), bits)
		}
	}
	if ids[0] == ids[1] {
		t.Fatalf("two connects used the same client id %q", ids[0])
	}
}

// entropyBits is an upper bound on the randomness of s: its length times
// the bits per character of the smallest usual alphabet that spells it.
func entropyBits(s string) float64 {
	alphabet := 64.0
	switch {
	case strings.Trim(s, "0123456789") == "":
		alphabet = 10
	case strings.Trim(s, "0123456789abcdef") == "", strings.Trim(s, "0123456789ABCDEF") == "":
		alphabet = 16
	case strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == "", strings.Trim(s, "abcdefghijklmnopqrstuvwxyz234567") == "":
		alphabet = 32
	}
	return float64(len(s)) * math.Log2(alphabet)
}
