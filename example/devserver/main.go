// Command devserver runs the local Qiscus-compatible backend: REST API, MQTT over
// WebSocket, SQLite storage, the SDK build and the example chat page, on one port.
// Build it with make devserver (or go -C example build -o ../bin/devserver ./devserver)
// and run it from the repository root, where -sdk-dir and -web-dir point by default:
//
//	bin/devserver [-addr 127.0.0.1:8080] [-db ./data/qiscus.db] [-app-id dev]
//
// Once listening it prints exactly one line to stdout:
//
//	QISCUS_DEVSERVER_LISTENING http://127.0.0.1:8080
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/server"
)

// defaultGOGC is the devserver's garbage collector target. Every post
// allocates tens of kilobytes that die at once (the broker copies and
// encodes each message per subscriber) while the live heap stays a few
// megabytes, so with Go's default of 100 the collector ran several times a
// second under load and took a large share of the CPU. At 400 the heap may
// grow to five times the live data before a cycle, which cut the devserver's
// CPU per post in the bench's server phase (bench/notes/server.md) for a peak
// RSS that stays in the tens of megabytes.
const defaultGOGC = 400

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "devserver:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done. Only the listening line goes to stdout; logs go
// to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("devserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	db := fs.String("db", "./data/qiscus.db", `SQLite database file, or ":memory:"`)
	appID := fs.String("app-id", "dev", "the only app id accepted")
	secret := fs.String("secret", "", `app secret: signs identity tokens and guards the server API (default: generated on first start and kept in <db>.secret; an explicit "" disables both)`)
	devIdentity := fs.Bool("dev-identity-endpoint", false, "serve POST /api/v2/dev/identity_token, which mints an identity token for any user without authentication (tests only)")
	uploadDir := fs.String("upload-dir", "", `uploaded files (default: "uploads" next to -db, a temporary directory for :memory:)`)
	maxUpload := fs.Int64("max-upload", 20<<20, "largest accepted upload, in bytes")
	sdkDir := fs.String("sdk-dir", "js/dist", `directory served at /sdk/ ("" to disable)`)
	webDir := fs.String("web-dir", "example/web", `directory served at / ("" to disable)`)
	ttl := fs.Duration("token-ttl", 0, "user token lifetime (0 = tokens never expire)")
	verbose := fs.Bool("v", false, "debug logging")
	webhookURL := fs.String("webhook-url", "", `POST every new comment here (post_comment_mobile / post_comment_rest; "" = off)`)
	testHooks := fs.Bool("test-hooks", false, "serve test-only endpoints (POST /api/v2/dev/disconnect_mqtt); never in production")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file at shutdown (go tool pprof)")
	memProfile := fs.String("memprofile", "", "write an allocation profile to this file at shutdown (go tool pprof -sample_index=alloc_space)")
	gogc := fs.Int("gogc", defaultGOGC, "garbage collector target percentage, as GOGC (negative: off); without this flag a GOGC environment variable wins")
	if err := fs.Parse(args); err != nil {
		return err
	}
	gogcSet := false
	fs.Visit(func(f *flag.Flag) { gogcSet = gogcSet || f.Name == "gogc" })
	if gogcSet || os.Getenv("GOGC") == "" {
		debug.SetGCPercent(*gogc)
	}
	stopProfiles, err := startProfiles(*cpuProfile, *memProfile)
	if err != nil {
		return err
	}
	defer func() {
		if perr := stopProfiles(); perr != nil {
			fmt.Fprintln(stderr, "devserver:", perr)
		}
	}()

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	if *db != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(*db), 0o755); err != nil {
			return fmt.Errorf("create database directory: %w", err)
		}
	}
	secretSet := false
	fs.Visit(func(f *flag.Flag) { secretSet = secretSet || f.Name == "secret" })
	if !secretSet {
		s, file, err := loadOrCreateSecret(*db)
		if err != nil {
			return err
		}
		*secret = s
		where := "generated for this run (:memory:)"
		if file != "" {
			where = "kept in " + file
		}
		log.Info("app secret (QISCUS_SDK_SECRET for the server API, HS256 key of identity tokens); -secret overrides it",
			"secret", s, "where", where)
	}
	if *devIdentity {
		log.Warn("POST /api/v2/dev/identity_token is on: anyone who can reach this server can log in as any user")
	}
	srv, err := server.New(ctx, server.Config{
		AppID: *appID, Secret: *secret, DBPath: *db, DevIdentityEndpoint: *devIdentity,
		SDKDir: *sdkDir, WebDir: *webDir, TokenTTL: *ttl, Logger: log,
		UploadDir: *uploadDir, MaxUploadBytes: *maxUpload,
		WebhookURL: *webhookURL, TestHooks: *testHooks,
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	url := "http://" + ln.Addr().String()
	fmt.Fprintln(stdout, "QISCUS_DEVSERVER_LISTENING", url)
	log.Info("devserver ready", "url", url, "app_id", *appID, "db", *db, "sdk_dir", *sdkDir, "web_dir", *webDir)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Shutdown finishes REST requests; MQTT connections (hijacked) end in srv.Close.
	err = hs.Shutdown(shutdownCtx)
	if cerr := srv.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// loadOrCreateSecret returns the app secret kept beside the database file
// (db + ".secret", mode 0600), creating it with 32 random bytes on first
// start, so that no server runs with a secret anyone can guess. A :memory:
// database gets a fresh secret that is not stored (file is "").
func loadOrCreateSecret(db string) (secret, file string, err error) {
	fresh := func() string {
		var b [32]byte
		_, _ = rand.Read(b[:])
		return hex.EncodeToString(b[:])
	}
	if db == ":memory:" {
		return fresh(), "", nil
	}
	file = db + ".secret"
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		secret = fresh()
		_, werr := f.WriteString(secret + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return "", "", fmt.Errorf("write app secret: %w", werr)
		}
		return secret, file, nil
	case !errors.Is(err, os.ErrExist):
		return "", "", fmt.Errorf("create app secret: %w", err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", "", fmt.Errorf("read app secret: %w", err)
	}
	if secret = strings.TrimSpace(string(b)); secret == "" {
		return "", "", fmt.Errorf("app secret file %s is empty: %w", file, errEmptySecret)
	}
	return secret, file, nil
}

var errEmptySecret = errors.New("empty app secret")
