// Command serverload measures the dev server's post_comment throughput and
// latency with concurrent senders, fan-out included: every room member has a
// live MQTT subscription on {token}/c, so each post is published to all of
// them, and the deliveries are counted.
//
// It spawns the real devserver binary on 127.0.0.1 with a fresh SQLite file
// for every run; the load comes from this separate process. Group rooms come
// from REST create_room when the server has it; otherwise the users are paired
// into single rooms with get_or_create_room_with_target (reported as such).
//
//	go -C bench build -o out/bin/ ./cmd/serverload # from the repository root; bench is its own module
//	bench/out/bin/serverload -bin bin/devserver -runs 3 -duration 5s -out bench/out/server.json
//
// Bounded: each run stops after -duration or -max-posts, whichever is first.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type runResult struct {
	Posts         int     `json:"posts"`
	Errors        int     `json:"errors"`
	Seconds       float64 `json:"seconds"`
	PerSecond     float64 `json:"posts_per_s"`
	P50ms         float64 `json:"p50_ms"`
	P99ms         float64 `json:"p99_ms"`
	MaxMs         float64 `json:"max_ms"`
	FanoutWant    int64   `json:"fanout_expected"`
	FanoutGot     int64   `json:"fanout_delivered"`
	FanoutSeconds float64 `json:"fanout_settle_s"`
	// CPU is where the machine's CPU went during the load window (Linux).
	CPU *cpuShare `json:"cpu,omitempty"`
	// ServerPeakRSSMB is the devserver's peak resident memory (Linux).
	ServerPeakRSSMB float64 `json:"server_peak_rss_mb,omitempty"`
}

type summary struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

type output struct {
	At       string             `json:"at"`
	Senders  int                `json:"senders"`
	Rooms    int                `json:"rooms"`
	Members  int                `json:"members_per_room"`
	RoomKind string             `json:"room_kind"`
	Duration float64            `json:"duration_s"`
	MaxPosts int                `json:"max_posts"`
	Runs     []runResult        `json:"runs"`
	Summary  map[string]summary `json:"summary"`
	Notes    []string           `json:"notes"`
}

func main() {
	bin := flag.String("bin", "bin/devserver", "devserver binary")
	runs := flag.Int("runs", 3, "repetitions (fresh server each)")
	duration := flag.Duration("duration", 5*time.Second, "load time per run")
	maxPosts := flag.Int("max-posts", 200000, "cap on posts per run")
	rooms := flag.Int("rooms", 10, "group rooms")
	members := flag.Int("members", 5, "members per group room (each one sends)")
	out := flag.String("out", "bench/out/server.json", "result file")
	profile := flag.String("profile", "", "directory for the devserver's CPU and allocation profiles of each run (cpu-N.pprof, mem-N.pprof) and this load generator's CPU profile of all runs (loadgen-cpu.pprof); empty: none")
	serverArgs := flag.String("server-args", "", "extra devserver flags, space-separated (e.g. \"-gogc 100\")")
	flag.Parse()
	cfg := config{bin: *bin, runs: *runs, duration: *duration, maxPosts: *maxPosts, rooms: *rooms, members: *members,
		profileDir: *profile, serverArgs: strings.Fields(*serverArgs)}
	if err := run(cfg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "serverload:", err)
		os.Exit(1)
	}
}

type config struct {
	bin                      string
	runs                     int
	duration                 time.Duration
	maxPosts, rooms, members int
	profileDir               string
	serverArgs               []string
}

func run(cfg config, outPath string) error {
	runs, duration, maxPosts, nRooms, members := cfg.runs, cfg.duration, cfg.maxPosts, cfg.rooms, cfg.members
	if duration <= 0 || duration > 2*time.Minute || runs < 1 || runs > 20 || maxPosts < 1 {
		return errors.New("need 0 < -duration <= 2m, 1 <= -runs <= 20, -max-posts >= 1")
	}
	o := output{
		At: time.Now().UTC().Format(time.RFC3339), Senders: nRooms * members, Rooms: nRooms, Members: members,
		Duration: duration.Seconds(), MaxPosts: maxPosts,
		Notes: []string{"devserver binary in its own process with a fresh SQLite file (WAL) per run; load generator and MQTT subscribers in another process on the same 2-core machine"},
	}
	if cfg.profileDir != "" {
		stop, err := profileSelf(filepath.Join(cfg.profileDir, "loadgen-cpu.pprof"))
		if err != nil {
			return err
		}
		defer stop()
	}
	for r := 0; r < runs; r++ {
		args := cfg.serverArgs
		if cfg.profileDir != "" {
			if err := os.MkdirAll(cfg.profileDir, 0o755); err != nil {
				return err
			}
			args = append(slices.Clip(args),
				"-cpuprofile", filepath.Join(cfg.profileDir, fmt.Sprintf("cpu-%d.pprof", r+1)),
				"-memprofile", filepath.Join(cfg.profileDir, fmt.Sprintf("mem-%d.pprof", r+1)))
		}
		res, kind, err := oneRun(cfg.bin, args, duration, maxPosts, nRooms, members)
		if err != nil {
			return fmt.Errorf("run %d: %w", r+1, err)
		}
		o.RoomKind = kind
		o.Runs = append(o.Runs, res)
		cpu := ""
		if c := res.CPU; c != nil {
			cpu = fmt.Sprintf("; CPU cores: devserver %.2f (%.0f µs/post), load generator %.2f, other processes %.2f, idle %.2f; devserver peak RSS %.0f MB",
				c.ServerCores, c.ServerUsPost, c.LoadgenCores, c.OtherCores, c.IdleCores, res.ServerPeakRSSMB)
		}
		fmt.Fprintf(os.Stderr, "serverload #%d (%s): %d posts in %.1f s = %.0f/s, p50 %.2f ms, p99 %.2f ms, %d errors, fan-out %d/%d%s\n",
			r+1, kind, res.Posts, res.Seconds, res.PerSecond, res.P50ms, res.P99ms, res.Errors, res.FanoutGot, res.FanoutWant, cpu)
	}
	o.Summary = map[string]summary{
		"posts_per_s": summarize(o.Runs, func(r runResult) float64 { return r.PerSecond }),
		"p50_ms":      summarize(o.Runs, func(r runResult) float64 { return r.P50ms }),
		"p99_ms":      summarize(o.Runs, func(r runResult) float64 { return r.P99ms }),
	}
	if err := os.MkdirAll(filepath.Dir(outPath), 0o755); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(o, "", "  ")
	return os.WriteFile(outPath, append(b, '\n'), 0o644)
}

func summarize(rs []runResult, f func(runResult) float64) summary {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	s := summary{N: len(v), Min: v[0], Max: v[len(v)-1]}
	if len(v)%2 == 1 {
		s.Median = v[len(v)/2]
	} else {
		s.Median = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return s
}

// ---------------------------------------------------------------------------

type devserver struct {
	cmd *exec.Cmd
	url string
	dir string
}

var listening = regexp.MustCompile(`^QISCUS_DEVSERVER_LISTENING (http://127\.0\.0\.1:\d+)`)

func startDevserver(bin string, extra []string) (*devserver, error) {
	dir, err := os.MkdirTemp("", "serverload-")
	if err != nil {
		return nil, err
	}
	args := append([]string{"-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "qiscus.db"), "-sdk-dir", "", "-web-dir", ""}, extra...)
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case u := <-found:
		return &devserver{cmd: cmd, url: u, dir: dir}, nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		os.RemoveAll(dir)
		return nil, errors.New("devserver printed no listening line within 30 s")
	}
}

func (d *devserver) stop() {
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = d.cmd.Process.Kill()
		<-done
	}
	os.RemoveAll(d.dir)
}

type user struct {
	id, token string
	sub       *subscriber
}

type apiClient struct {
	base string
	hc   *http.Client
}

func (a *apiClient) call(ctx context.Context, method, name string, u *user, form url.Values) (map[string]any, int, error) {
	req, err := http.NewRequestWithContext(ctx, method, a.base+"/api/v2/sdk/"+name, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("QISCUS-SDK-APP-ID", "dev")
	if u != nil {
		req.Header.Set("QISCUS-SDK-USER-ID", u.id)
		req.Header.Set("QISCUS-SDK-TOKEN", u.token)
	}
	res, err := a.hc.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer func() {
		// Read to EOF so that the keep-alive connection is reused.
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}()
	var body struct {
		Status  int            `json:"status"`
		Results map[string]any `json:"results"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return nil, res.StatusCode, fmt.Errorf("%s: HTTP %d: %w", name, res.StatusCode, err)
	}
	if res.StatusCode != 200 || body.Status != 200 {
		return nil, res.StatusCode, fmt.Errorf("%s: HTTP %d status %d", name, res.StatusCode, body.Status)
	}
	return body.Results, res.StatusCode, nil
}

func roomID(results map[string]any) (int64, error) {
	room, _ := results["room"].(map[string]any)
	if room == nil {
		room = results // create_room may return the room itself
	}
	if id, ok := room["id"].(float64); ok {
		return int64(id), nil
	}
	return 0, errors.New("no room id in response")
}

func oneRun(bin string, serverArgs []string, duration time.Duration, maxPosts, nRooms, members int) (runResult, string, error) {
	srv, err := startDevserver(bin, serverArgs)
	if err != nil {
		return runResult{}, "", err
	}
	defer srv.stop()
	ctx, cancel := context.WithTimeout(context.Background(), duration+2*time.Minute)
	defer cancel()
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256, IdleConnTimeout: time.Minute}
	api := &apiClient{base: srv.url, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
	defer tr.CloseIdleConnections()

	n := nRooms * members
	users := make([]*user, n)
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	for i := range users {
		id := fmt.Sprintf("load-%s-%d", stamp, i)
		res, _, err := api.call(ctx, "POST", "login_or_register", nil, url.Values{"email": {id}, "password": {id + "-key"}, "username": {id}})
		if err != nil {
			return runResult{}, "", err
		}
		u, _ := res["user"].(map[string]any)
		tok, _ := u["token"].(string)
		users[i] = &user{id: id, token: tok}
	}

	// Rooms: groups of `members` via create_room, or pairs via get_or_create_room_with_target.
	kind := fmt.Sprintf("%d group rooms x %d members (create_room)", nRooms, members)
	roomOf := make([]int64, n)
	membersOf := map[int64][]*user{}
	for g := 0; g < nRooms; g++ {
		owner := users[g*members]
		form := url.Values{"name": {fmt.Sprintf("load %d", g)}}
		for m := 1; m < members; m++ {
			form.Add("participants[]", users[g*members+m].id)
		}
		res, status, err := api.call(ctx, "POST", "create_room", owner, form)
		if err != nil && status == http.StatusNotFound && g == 0 {
			kind = ""
			break
		}
		if err != nil {
			return runResult{}, "", err
		}
		id, err := roomID(res)
		if err != nil {
			return runResult{}, "", err
		}
		for m := 0; m < members; m++ {
			roomOf[g*members+m] = id
			membersOf[id] = append(membersOf[id], users[g*members+m])
		}
	}
	if kind == "" {
		kind = fmt.Sprintf("%d single rooms x 2 members (get_or_create_room_with_target; the server has no create_room)", n/2)
		for i := 0; i+1 < n; i += 2 {
			res, _, err := api.call(ctx, "POST", "get_or_create_room_with_target", users[i], url.Values{"emails": {users[i+1].id}})
			if err != nil {
				return runResult{}, "", err
			}
			id, err := roomID(res)
			if err != nil {
				return runResult{}, "", err
			}
			roomOf[i], roomOf[i+1] = id, id
			membersOf[id] = []*user{users[i], users[i+1]}
		}
	}

	// A live subscriber per user, so fan-out does real work.
	mqttURL := strings.Replace(srv.url, "http://", "ws://", 1) + "/mqtt"
	for i, u := range users {
		sub, err := dialSubscriber(ctx, mqttURL, fmt.Sprintf("dev_%s_%d", u.id, i), u.id, u.token, u.token+"/c")
		if err != nil {
			return runResult{}, "", err
		}
		u.sub = sub
		defer sub.close()
	}

	// Load: every user sends into its room, one request at a time.
	var posts, errs atomic.Int64
	var fanWant atomic.Int64
	lat := make([][]time.Duration, n)
	cpu0 := sampleCPU(srv.cmd.Process.Pid)
	start := time.Now()
	stopAt := start.Add(duration)
	var wg sync.WaitGroup
	for i := range users {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p := api.poster(users[i], roomOf[i])
			fan := int64(len(membersOf[roomOf[i]]))
			lat[i] = make([]time.Duration, 0, 4096)
			for k := 0; time.Now().Before(stopAt); k++ {
				if posts.Add(1) > int64(maxPosts) {
					posts.Add(-1)
					return
				}
				t := time.Now()
				err := p.post(ctx, k)
				lat[i] = append(lat[i], time.Since(t))
				if err != nil {
					errs.Add(1)
					continue
				}
				fanWant.Add(fan)
			}
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := shareOf(cpu0, sampleCPU(srv.cmd.Process.Pid), elapsed.Seconds(), posts.Load()-errs.Load())

	// Fan-out settles (bounded).
	settle := time.Now()
	want := fanWant.Load()
	var got int64
	for i := 0; i < 200; i++ {
		got = 0
		for _, u := range users {
			got += u.sub.got.Load()
		}
		if got >= want {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		i := int(p/100*float64(len(all))+0.999999) - 1
		i = max(0, min(len(all)-1, i))
		return float64(all[i].Microseconds()) / 1000
	}
	ok := posts.Load() - errs.Load()
	return runResult{
		Posts: int(posts.Load()), Errors: int(errs.Load()), Seconds: elapsed.Seconds(),
		PerSecond: float64(ok) / elapsed.Seconds(),
		P50ms:     pct(50), P99ms: pct(99), MaxMs: pct(100),
		FanoutWant: want, FanoutGot: got, FanoutSeconds: time.Since(settle).Seconds(), CPU: cpu,
		ServerPeakRSSMB: peakRSSMB(srv.cmd.Process.Pid),
	}, kind, nil
}
