//go:build !js

package integration_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// The chaos tests: several clients in one group room send concurrently while
// the server process is killed and restarted, or while every WebSocket link
// is cut. Each send that resolved must reach every member's newMessages
// exactly once, and each member must see the room's comments in id order.

const (
	chaosSenders  = 3
	chaosPerUser  = 60
	chaosInterval = 150 * time.Millisecond
	chaosBudget   = 2 * time.Minute // each scenario, from the first login to the verdict
)

// chaosLog is one client's newMessages, in the order the app saw them.
type chaosLog struct {
	mu   sync.Mutex
	got  []*sdk.Comment
	kick chan struct{}
}

func (l *chaosLog) on(ev sdk.Event) {
	m, ok := ev.(sdk.MessageReceived)
	if !ok {
		return
	}
	l.mu.Lock()
	l.got = append(l.got, m.Comment)
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

func (l *chaosLog) snapshot() []*sdk.Comment {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*sdk.Comment(nil), l.got...)
}

// chaosSend is the outcome of one SendComment.
type chaosSend struct {
	sender, uniq string
	err          error
}

// chaosRun logs the clients in, puts them in one group room and sends
// chaosPerUser messages from each, every chaosInterval, while disrupt runs.
// It then waits (within the budget) for every resolved send to reach every
// member and checks loss, duplication and order.
func chaosRun(t *testing.T, baseURL string, deadline time.Time, disrupt func(ctx context.Context), tweak func(*sdk.Config)) {
	t.Helper()
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	users := make([]string, chaosSenders)
	clients := make([]*sdk.Client, chaosSenders)
	logs := make([]*chaosLog, chaosSenders)
	for i := range users {
		users[i] = fmt.Sprintf("chaos%d", i)
		logs[i] = &chaosLog{kick: make(chan struct{}, 1)}
		cfg := sdk.Config{AppID: "dev", BaseURL: baseURL, MQTTURL: "ws" + strings.TrimPrefix(baseURL, "http") + "/mqtt",
			OnEvent: logs[i].on, ReconnectMin: 100 * time.Millisecond, ReconnectMax: time.Second}
		if tweak != nil {
			tweak(&cfg)
		}
		c, err := sdk.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if _, err := c.SetUser(ctx, users[i], "secret-"+users[i], sdk.LoginOptions{Username: users[i]}); err != nil {
			t.Fatalf("setUser %s: %v", users[i], err)
		}
		clients[i] = c
	}
	room, err := clients[0].CreateGroupRoom(ctx, "chaos", users[1:], sdk.GroupRoomOptions{})
	if err != nil {
		t.Fatal(err)
	}

	dctx, dcancel := context.WithCancel(ctx)
	disrupted := make(chan struct{})
	go func() { defer close(disrupted); disrupt(dctx) }()

	var mu sync.Mutex
	var sends []chaosSend
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(chaosInterval)
			defer tick.Stop()
			for n := 0; n < chaosPerUser && ctx.Err() == nil; n++ {
				<-tick.C
				uniq := fmt.Sprintf("chaos-%s-%03d", users[i], n)
				_, err := c.SendComment(ctx, room.ID, "message "+uniq, sdk.SendOptions{UniqueTempID: uniq})
				mu.Lock()
				sends = append(sends, chaosSend{users[i], uniq, err})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	dcancel()
	<-disrupted

	resolved := map[string]string{} // unique id → sender
	failed := 0
	for _, s := range sends {
		if s.err == nil {
			resolved[s.uniq] = s.sender
			continue
		}
		failed++
		var se *sdk.SendError
		if !errors.As(s.err, &se) || se.UniqueTempID != s.uniq {
			t.Errorf("send %s failed without its unique_temp_id: %v", s.uniq, s.err)
		}
		t.Logf("send %s by %s failed (excluded): %v", s.uniq, s.sender, s.err)
	}
	if len(sends) != chaosSenders*chaosPerUser {
		t.Fatalf("only %d of %d sends were made within the budget", len(sends), chaosSenders*chaosPerUser)
	}

	// Settle: wait until every member has every resolved send, or the budget ends.
	complete := func() bool {
		for _, l := range logs {
			have := map[string]bool{}
			for _, cm := range l.snapshot() {
				have[cm.UniqueTempID] = true
			}
			for u := range resolved {
				if !have[u] {
					return false
				}
			}
		}
		return true
	}
	settle := time.Now().Add(30 * time.Second)
	if settle.After(deadline) {
		settle = deadline
	}
	for !complete() && time.Now().Before(settle) {
		select {
		case <-logs[0].kick:
		case <-logs[1].kick:
		case <-logs[2].kick:
		case <-time.After(200 * time.Millisecond):
		}
	}
	time.Sleep(500 * time.Millisecond) // late duplicates would show up here

	lost, dup, disorder := 0, 0, 0
	for r, l := range logs {
		got := l.snapshot()
		count := map[string]int{}
		var last int64
		for _, cm := range got {
			count[cm.UniqueTempID]++
			if cm.RoomID != room.ID {
				continue
			}
			if cm.ID <= last {
				disorder++
				t.Errorf("%s saw comment %d (%s) after %d", users[r], cm.ID, cm.UniqueTempID, last)
			}
			last = max(last, cm.ID)
		}
		pair := map[string][2]int{} // sender → lost, dup
		for u, sender := range resolved {
			p := pair[sender]
			switch n := count[u]; {
			case n == 0:
				p[0]++
			case n > 1:
				p[1] += n - 1
			}
			pair[sender] = p
		}
		for _, sender := range users {
			p := pair[sender]
			lost += p[0]
			dup += p[1]
			if p[0] > 0 || p[1] > 0 {
				t.Errorf("%s → %s: %d lost, %d duplicated", sender, users[r], p[0], p[1])
			}
		}
	}
	t.Logf("chaos: %d sends, %d resolved, %d failed; deliveries checked %d: lost %d, duplicated %d, out of order %d",
		len(sends), len(resolved), failed, len(resolved)*len(logs), lost, dup, disorder)
}

// devserverBin is the devserver binary: QISCUS_DEVSERVER_BIN, or one built
// once into a temporary directory.
var devserverBin = sync.OnceValues(func() (string, error) {
	if p := os.Getenv("QISCUS_DEVSERVER_BIN"); p != "" {
		return p, nil
	}
	dir, err := os.MkdirTemp("", "qiscus-chaos-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "devserver")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/qiscus-go/qiscus-sdk-core/example/devserver")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build devserver: %w\n%s", err, out)
	}
	return bin, nil
})

// devProc is a devserver subprocess on a fixed port and database file.
type devProc struct {
	t          *testing.T
	bin, addr  string
	db         string
	cmd        *exec.Cmd
	restarts   int
	startTimes []time.Duration
}

func (p *devProc) start() {
	p.t.Helper()
	begin := time.Now()
	cmd := exec.Command(p.bin, "-addr", p.addr, "-db", p.db, "-sdk-dir", "", "-web-dir", "")
	out, err := cmd.StdoutPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "QISCUS_DEVSERVER_LISTENING") {
				line <- sc.Text()
			}
		}
	}()
	select {
	case <-line:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		p.t.Fatal("devserver did not start within 30 s")
	}
	p.cmd = cmd
	p.startTimes = append(p.startTimes, time.Since(begin))
}

func (p *devProc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestChaosServerKilled: the devserver process is SIGKILLed and restarted on
// the same port and database five times while three members send; one of
// the outages outlasts the send retries.
func TestChaosServerKilled(t *testing.T) {
	bin, err := devserverBin()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(chaosBudget) // the build is not part of the scenario
	p := &devProc{t: t, bin: bin, addr: freeLoopbackAddr(t), db: filepath.Join(t.TempDir(), "q.db")}
	p.start()
	t.Cleanup(func() { p.kill() })
	const kills = 5
	chaosRun(t, "http://"+p.addr, deadline, func(ctx context.Context) {
		for i := 0; i < kills; i++ {
			select {
			case <-ctx.Done():
				t.Errorf("sending ended after %d of %d kills", i, kills)
				return
			case <-time.After(1500 * time.Millisecond):
			}
			p.kill()
			// Down for a moment, so sends retry; once for longer than the
			// send retries last, so some sends fail and must say so.
			down := 200 * time.Millisecond
			if i == 2 {
				down = 3 * time.Second
			}
			time.Sleep(down)
			p.start()
			p.restarts++
		}
	}, nil)
	if p.restarts < kills {
		t.Fatalf("server restarted %d times, want %d", p.restarts, kills)
	}
	t.Logf("chaos: server killed and restarted %d times (start times %v)", p.restarts, p.startTimes)
}

// TestChaosLinksCut: the server cuts every WebSocket link every 400 ms while
// three members send, and tokens expire (and are refreshed) every few seconds.
func TestChaosLinksCut(t *testing.T) {
	deadline := time.Now().Add(chaosBudget)
	e := newEnvTTL(t, 4*time.Second)
	cuts := 0
	chaosRun(t, e.http.URL, deadline, func(ctx context.Context) {
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(400 * time.Millisecond):
			}
			e.srv.DisconnectMQTT()
			cuts++
		}
	}, nil)
	if cuts < 10 {
		t.Fatalf("links cut %d times, want ≥ 10", cuts)
	}
	t.Logf("chaos: links cut %d times", cuts)
}
