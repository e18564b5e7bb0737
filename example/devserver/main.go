// Command devserver runs the local Qiscus-compatible backend: REST API, MQTT over
// WebSocket, SQLite storage, the SDK build and the example chat page, on one port.
//
//	go run ./example/devserver [-addr 127.0.0.1:8080] [-db ./data/qiscus.db] [-app-id dev]
//
// Once listening it prints exactly one line to stdout:
//
//	QISCUS_DEVSERVER_LISTENING http://127.0.0.1:8080
package main

import (
	"context"
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
	"syscall"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/server"
)

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
	secret := fs.String("secret", "dev-secret", `app secret: signs identity tokens ("" disables them)`)
	uploadDir := fs.String("upload-dir", "", `uploaded files (default: "uploads" next to -db, a temporary directory for :memory:)`)
	maxUpload := fs.Int64("max-upload", 20<<20, "largest accepted upload, in bytes")
	sdkDir := fs.String("sdk-dir", "js/dist", `directory served at /sdk/ ("" to disable)`)
	webDir := fs.String("web-dir", "example/web", `directory served at / ("" to disable)`)
	ttl := fs.Duration("token-ttl", 0, "user token lifetime (0 = tokens never expire)")
	verbose := fs.Bool("v", false, "debug logging")
	webhookURL := fs.String("webhook-url", "", `POST every new comment here (post_comment_mobile / post_comment_rest; "" = off)`)
	testHooks := fs.Bool("test-hooks", false, "serve test-only endpoints (POST /api/v2/dev/disconnect_mqtt); never in production")
	if err := fs.Parse(args); err != nil {
		return err
	}

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
	srv, err := server.New(ctx, server.Config{
		AppID: *appID, Secret: *secret, DBPath: *db,
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
