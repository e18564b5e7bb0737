package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunPrintsListeningLineAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := filepath.Join(t.TempDir(), "nested", "dir", "qiscus.db") // the directory is created
	uploads := t.TempDir()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-db", db, "-sdk-dir", "", "-web-dir", "",
			"-upload-dir", uploads, "-max-upload", "1024"}, pw, io.Discard)
		pw.Close()
	}()

	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatalf("no output: %v", lines.Err())
	}
	url, ok := strings.CutPrefix(lines.Text(), "QISCUS_DEVSERVER_LISTENING ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line %q", lines.Text())
	}
	rest := make(chan []string, 1)
	go func() {
		var more []string
		for lines.Scan() {
			more = append(more, lines.Text())
		}
		rest <- more
	}()

	req, err := http.NewRequest(http.MethodGet, url+"/api/v2/sdk/config", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("QISCUS-SDK-APP-ID", "dev")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("config: HTTP %d", res.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if more := <-rest; len(more) != 0 {
		t.Errorf("extra stdout lines: %q", more)
	}
}

func TestRunBadFlag(t *testing.T) {
	if err := run(context.Background(), []string{"-nope"}, io.Discard, io.Discard); err == nil {
		t.Fatal("want error")
	}
}

// startRun runs the server with args until the test ends and returns its URL.
func startRun(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-sdk-dir", "", "-web-dir", ""}, args...), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not return after cancel")
		}
	})
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatalf("no output: %v", lines.Err())
	}
	go func() {
		for lines.Scan() { // keep the pipe drained
		}
	}()
	url, ok := strings.CutPrefix(lines.Text(), "QISCUS_DEVSERVER_LISTENING ")
	if !ok {
		t.Fatalf("first line %q", lines.Text())
	}
	return url
}

func status(t *testing.T, method, url string, hdr map[string]string, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// Finding 3: no server runs with a secret anyone knows. Without -secret, one
// is generated on first start, kept beside the database (0600) and reused.
func TestAttackDefaultSecret(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qiscus.db")
	profile := "/api/v2/rest/user_profile?user_email=nobody"
	var secret string
	for i := range 2 {
		url := startRun(t, "-db", db)
		if got := status(t, http.MethodGet, url+profile, map[string]string{"QISCUS-SDK-SECRET": "dev-secret"}, ""); got != http.StatusUnauthorized {
			t.Fatalf("start %d: the well-known secret dev-secret got HTTP %d, want 401", i, got)
		}
		fi, err := os.Stat(db + ".secret")
		if err != nil {
			t.Fatalf("start %d: %v", i, err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("secret file mode %v, want 0600", fi.Mode().Perm())
		}
		b, err := os.ReadFile(db + ".secret")
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 && strings.TrimSpace(string(b)) != secret {
			t.Fatal("the secret changed between starts")
		}
		secret = strings.TrimSpace(string(b))
		if len(secret) < 32 {
			t.Fatalf("secret %q is short", secret)
		}
		if got := status(t, http.MethodGet, url+profile, map[string]string{"QISCUS-SDK-SECRET": secret}, ""); got != http.StatusNotFound {
			t.Fatalf("start %d: the generated secret got HTTP %d, want 404 (user not found)", i, got)
		}
	}
	t.Run("-secret overrides", func(t *testing.T) {
		url := startRun(t, "-db", ":memory:", "-secret", "s3cret-from-flag")
		if got := status(t, http.MethodGet, url+profile, map[string]string{"QISCUS-SDK-SECRET": "s3cret-from-flag"}, ""); got != http.StatusNotFound {
			t.Fatalf("HTTP %d, want 404", got)
		}
	})
	t.Run("dev identity endpoint needs its flag", func(t *testing.T) {
		form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
		for _, tt := range []struct {
			args []string
			want int
		}{
			{nil, http.StatusNotFound},
			{[]string{"-dev-identity-endpoint"}, http.StatusOK},
		} {
			url := startRun(t, append([]string{"-db", ":memory:"}, tt.args...)...)
			if got := status(t, http.MethodPost, url+"/api/v2/dev/identity_token", form, "nonce=n&user_id=victim"); got != tt.want {
				t.Errorf("%v: HTTP %d, want %d", tt.args, got, tt.want)
			}
		}
	})
}
