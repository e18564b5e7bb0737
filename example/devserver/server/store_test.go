package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

func TestPersistenceAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qiscus.db")
	useFile := func(c *Config) { c.DBPath = path }

	e1 := newEnv(t, useFile)
	alice, bob := e1.login("alice", "Alice"), e1.login("bob", "Bob")
	roomID := e1.chat(alice, bob)
	first := e1.post(alice, roomID, "before restart", "uid-1")
	mustStatus(t, first, 200)
	firstID := first.num("results.comment.id")
	mustStatus(t, e1.form("update_comment_status", bob, fmt.Sprint("room_id=", roomID, "&last_comment_read_id=", firstID)), 200)
	e1.ts.Close()
	if err := e1.s.Close(); err != nil {
		t.Fatal(err)
	}

	e2 := newEnv(t, useFile)
	again := e2.login("alice", "Alice")
	if again.Token != alice.Token || again.PK != alice.PK {
		t.Errorf("alice came back as %+v, was %+v", again, alice)
	}
	checkError(t, e2.form("login_or_register", nil, "email=bob&password=wrong"), 401, "wrong password")
	if id := e2.chat(bob, alice); id != roomID {
		t.Errorf("room %d after restart, was %d", id, roomID)
	}
	r := e2.get(fmt.Sprint("get_room_by_id?id=", roomID), alice)
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.comments.0.id", int(firstID)}, {"results.comments.0.message", "before restart"},
		{"results.comments.0.unique_temp_id", "uid-1"}, {"results.comments.0.status", "read"},
		{"results.room.participants.1.last_comment_read_id", int(firstID)},
	})
	second := e2.mustPost(bob, roomID, "after restart")
	if second.num("results.comment.id") <= firstID || second.num("results.comment.comment_before_id") != firstID {
		t.Errorf("new comment %s does not follow %d", second.raw, firstID)
	}
	// The idempotency key survives the restart too.
	retry := e2.post(alice, roomID, "before restart", "uid-1")
	mustStatus(t, retry, 200)
	if retry.num("results.comment.id") != firstID {
		t.Error("retry after restart stored a new comment")
	}
}

func TestStoreModes(t *testing.T) {
	t.Run("file uses WAL", func(t *testing.T) {
		st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var mode string
		if err := st.DB.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("journal_mode %q %v", mode, err)
		}
	})
	t.Run("memory", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.DBPath = ":memory:" })
		alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
		e.mustPost(alice, e.chat(alice, bob), "in memory")
		if n := e.commentCount(); n != 1 {
			t.Fatalf("%d comments", n)
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		_, err := New(context.Background(), Config{AppID: "dev", DBPath: filepath.Join(t.TempDir(), "no", "such", "x.db")})
		if err == nil {
			t.Fatal("want error")
		}
	})
	t.Run("app id required", func(t *testing.T) {
		if _, err := New(context.Background(), Config{DBPath: ":memory:"}); err == nil {
			t.Fatal("want error")
		}
	})
}

func TestStaticFiles(t *testing.T) {
	sdk, web := t.TempDir(), t.TempDir()
	files := map[string]string{
		filepath.Join(sdk, "qiscus-sdk-core.js"): "globalThis.QiscusSDKCore = class {}",
		filepath.Join(sdk, "sdk.mjs"):            "export {}",
		filepath.Join(sdk, "core.wasm"):          "\x00asm",
		filepath.Join(web, "index.html"):         "<!doctype html><title>chat</title>",
	}
	for p, body := range files {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := newEnv(t, func(c *Config) { c.SDKDir, c.WebDir = sdk, web })
	tests := []struct {
		path, ctype, body string
		status            int
	}{
		{"/sdk/qiscus-sdk-core.js", "text/javascript", files[filepath.Join(sdk, "qiscus-sdk-core.js")], 200},
		{"/sdk/sdk.mjs", "text/javascript", "export {}", 200},
		{"/sdk/core.wasm", "application/wasm", "\x00asm", 200},
		{"/", "text/html; charset=utf-8", files[filepath.Join(web, "index.html")], 200},
		{"/sdk/missing.js", "", "", 404},
		{"/nope.html", "", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			e := e.in(t)
			r := e.do("GET", tt.path, nil, "", "")
			if r.status != tt.status {
				t.Fatalf("status %d", r.status)
			}
			if tt.status != 200 {
				return
			}
			if got := r.header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if r.raw != tt.body {
				t.Errorf("body %q", r.raw)
			}
		})
	}
	if got := e.do("GET", "/sdk/core.wasm", nil, "", "").header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("SDK files need CORS for other dev origins, got %q", got)
	}
	t.Run("not configured", func(t *testing.T) {
		e := newEnv(t)
		for _, p := range []string{"/", "/sdk/qiscus-sdk-core.js"} {
			if r := e.do("GET", p, nil, "", ""); r.status != 404 {
				t.Errorf("%s: status %d", p, r.status)
			}
		}
	})
}
