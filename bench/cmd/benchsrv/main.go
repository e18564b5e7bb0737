// Command benchsrv is the dev server used by the browser benchmarks: the same
// server package as example/devserver (REST, embedded mochi broker at /mqtt,
// SQLite), plus dev-only endpoints under /__bench/ that the page drivers use:
//
//	GET  /__bench/blank              an empty HTML page (the pages' origin)
//	GET  /__bench/official/…         the official SDK's dist directory
//	POST /__bench/publish            publish synthetic comments (see publishReq)
//	GET  /__bench/page/…             the page-side benchmark runner (bench/js/page)
//	PUT  /__bench/kv/{key}           store a small JSON value (jobs, results, signals)
//	GET  /__bench/kv/{key}?wait=ms   read it, waiting up to wait ms (max 120 s) for it to appear
//	GET  /__bench/stats              REST requests served so far, by endpoint and status
//
// It prints the devserver's listening line to stdout and serves until
// SIGINT/SIGTERM. Loopback only.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/qiscus-go/qiscus-sdk-core/bench/internal/benchkit"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "benchsrv:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	db := flag.String("db", ":memory:", "SQLite database file or :memory:")
	sdkDir := flag.String("sdk-dir", "js/dist", "our SDK build, served at /sdk/")
	officialDir := flag.String("official-dir", "js/test/node_modules/qiscus-sdk-core/dist", "official SDK dist, served at /__bench/official/")
	pageDir := flag.String("page-dir", "bench/js/page", "page-side runner, served at /__bench/page/")
	mosq := flag.String("mosquitto", "", "ws:// URL of a mosquitto WebSocket listener for broker=mosquitto publishes")
	flag.Parse()
	if host, _, err := net.SplitHostPort(*addr); err != nil || (host != "127.0.0.1" && host != "localhost") {
		return fmt.Errorf("-addr must be a loopback address, got %q", *addr)
	}

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// No app secret: the bench uses neither identity tokens nor the server API.
	srv, err := server.New(ctx, server.Config{AppID: "dev", Secret: "", DBPath: *db, SDKDir: *sdkDir, Logger: log})
	if err != nil {
		return err
	}
	defer srv.Close()

	pub := &publisher{srv: srv, mosquittoURL: *mosq}
	defer pub.close()
	mux := http.NewServeMux()
	mux.HandleFunc("/__bench/blank", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, "<!doctype html><html><head><meta charset=utf-8><title>bench</title></head><body></body></html>")
	})
	official := http.StripPrefix("/__bench/official", http.FileServer(http.Dir(*officialDir)))
	mux.Handle("/__bench/official/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if path.Ext(r.URL.Path) == ".js" {
			w.Header().Set("Content-Type", "text/javascript")
		}
		official.ServeHTTP(w, r)
	}))
	mux.HandleFunc("/__bench/publish", pub.serveHTTP)
	pages := http.StripPrefix("/__bench/page", http.FileServer(http.Dir(*pageDir)))
	mux.Handle("/__bench/page/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		pages.ServeHTTP(w, r)
	}))
	store := newKV()
	mux.Handle("/__bench/kv/", http.StripPrefix("/__bench/kv/", store))
	counts := newCounter()
	mux.HandleFunc("/__bench/stats", counts.serveHTTP)
	mux.Handle("/", counts.wrap(srv.Handler()))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Println("QISCUS_DEVSERVER_LISTENING", "http://"+ln.Addr().String())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// publishReq asks for Count comments with ids FirstID, FirstID+1, … in one
// room (comment_before_id chains from BeforeID), published in order to Topic
// on the embedded broker (as the server itself) or on mosquitto.
type publishReq struct {
	Broker      string `json:"broker"` // "embedded" or "mosquitto"
	Topic       string `json:"topic"`
	FirstID     int64  `json:"first_id"`
	BeforeID    int64  `json:"before_id"`
	Count       int    `json:"count"`
	RoomID      int64  `json:"room_id"`
	RoomName    string `json:"room_name"`
	SenderEmail string `json:"sender_email"`
	SenderName  string `json:"sender_name"`
	SenderPK    int64  `json:"sender_pk"`
	UIDPrefix   string `json:"uid_prefix"`
}

type publishResp struct {
	Published int     `json:"published"`
	Bytes     int     `json:"bytes"`
	Millis    float64 `json:"ms"`
}

type publisher struct {
	srv          *server.Server
	mosquittoURL string

	mu  sync.Mutex // one publish request at a time: keeps ids in order
	cli *paho.Client
}

func (p *publisher) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cli != nil {
		_ = p.cli.Disconnect(&paho.Disconnect{})
	}
}

func (p *publisher) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	var req publishReq
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		http.Error(w, "bad json: "+err.Error(), http.StatusBadRequest)
		return
	}
	if req.Count < 0 || req.Count > 100000 || req.Topic == "" {
		http.Error(w, "count must be 0..100000 and topic set", http.StatusBadRequest)
		return
	}
	res, err := p.publish(r.Context(), req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(res)
}

// message text: a short chat line, so the JSON is about 300 bytes.
const text = "Hello, see you at 10!"

func (p *publisher) publish(ctx context.Context, req publishReq) (publishResp, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var send func(topic string, payload []byte) error
	switch req.Broker {
	case "", "embedded":
		send = func(topic string, payload []byte) error { return p.srv.PublishRaw(topic, payload, false) }
	case "mosquitto":
		if p.mosquittoURL == "" {
			return publishResp{}, errors.New("benchsrv was started without -mosquitto")
		}
		if p.cli == nil {
			cli, err := benchkit.Dial(ctx, benchkit.Options{URL: p.mosquittoURL, ClientID: "benchsrv-pub-" + strconv.Itoa(os.Getpid())})
			if err != nil {
				return publishResp{}, err
			}
			p.cli = cli
		}
		cli := p.cli
		send = func(topic string, payload []byte) error {
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_, err := cli.Publish(pctx, &paho.Publish{Topic: topic, Payload: payload})
			return err
		}
	default:
		return publishResp{}, fmt.Errorf("unknown broker %q", req.Broker)
	}
	start := time.Now()
	res := publishResp{}
	before := req.BeforeID
	for i := 0; i < req.Count; i++ {
		id := req.FirstID + int64(i)
		b := benchkit.CommentJSON(benchkit.CommentSpec{
			ID: id, BeforeID: before, RoomID: req.RoomID, RoomName: req.RoomName,
			SenderEmail: req.SenderEmail, SenderName: req.SenderName, SenderPK: req.SenderPK,
			UniqueTempID: req.UIDPrefix + strconv.FormatInt(id, 10), Message: text, At: time.Now(),
		})
		if err := send(req.Topic, b); err != nil {
			if req.Broker == "mosquitto" {
				p.cli = nil // reconnect next time
			}
			return res, fmt.Errorf("publish #%d: %w", i, err)
		}
		before = id
		res.Published++
		res.Bytes += len(b)
	}
	res.Millis = float64(time.Since(start).Microseconds()) / 1000
	return res, nil
}
