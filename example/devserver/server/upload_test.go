package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// multipartBody builds an upload body: fields first, then the file, then after.
func multipartBody(t *testing.T, name string, content []byte, fields, after map[string]string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if content != nil {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	for k, v := range after {
		_ = w.WriteField(k, v)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), buf.Bytes()
}

func (e *testEnv) upload(prefix string, hdr map[string]string, name string, content []byte, fields, after map[string]string) resp {
	e.t.Helper()
	ct, body := multipartBody(e.t, name, content, fields, after)
	return e.do(http.MethodPost, prefix+"upload", hdr, ct, string(body))
}

func fetch(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func TestUpload(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxUploadBytes = 64 << 10 })
	alice := e.login("alice", "Alice")
	content := make([]byte, 50_000)
	_, _ = rand.Read(content)

	underscore := map[string]string{"qiscus_sdk_app_id": "dev", "qiscus_sdk_user_id": "alice", "qiscus_sdk_token": alice.Token}
	appOnly := appHeaders()
	tests := []struct {
		name, prefix string
		hdr          map[string]string
		file         string
		fields       map[string]string
		after        map[string]string
		wantName     string
		wantType     string
	}{
		{"hyphen headers (upload)", "/api/v2/sdk/", authHeaders(alice), "photo.png", nil, nil, "photo.png", "image/png"},
		{"underscore headers (uploadFile)", "/api/v2/sdk/", underscore, "doc.pdf", nil, nil, "doc.pdf", "application/pdf"},
		{"token field first (v3)", "/api/v2/mobile/", appOnly, "a.txt", map[string]string{"token": alice.Token}, nil, "a.txt", "text/plain; charset=utf-8"},
		{"token field after the file", "/api/v2/sdk/", appOnly, "b.json", nil, map[string]string{"token": alice.Token}, "b.json", "application/json"},
		{"unsafe name", "/api/v2/sdk/", authHeaders(alice), `..\..\my photo (1).png`, nil, nil, "my_photo__1_.png", "image/png"},
		{"path name", "/api/v2/sdk/", authHeaders(alice), "../../.hidden", nil, nil, "hidden", "application/octet-stream"},
		{"unknown extension", "/api/v2/sdk/", authHeaders(alice), "blob", nil, nil, "blob", "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			r := e.upload(tt.prefix, tt.hdr, tt.file, content, tt.fields, tt.after)
			mustStatus(t, r, 200)
			checkFields(t, r, []fieldWant{
				{"results.file.name", tt.wantName}, {"results.file.size", len(content)},
				{"results.file.content_type", tt.wantType},
			})
			url := r.str("results.file.url")
			if !strings.HasPrefix(url, e.ts.URL+"/files/") || !strings.HasSuffix(url, "/"+tt.wantName) {
				t.Fatalf("url %q, want %s/files/…/%s", url, e.ts.URL, tt.wantName)
			}
			res, got := fetch(t, url)
			if res.StatusCode != 200 || !bytes.Equal(got, content) {
				t.Fatalf("GET %s: HTTP %d, %d bytes, identical %v", url, res.StatusCode, len(got), bytes.Equal(got, content))
			}
			if ct := res.Header.Get("Content-Type"); ct != tt.wantType {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantType)
			}
			if res.Header.Get("Content-Security-Policy") != "sandbox" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("missing sandbox headers: %v", res.Header)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(e.dbPath), "uploads")); err != nil {
		t.Errorf("default upload dir next to the database: %v", err)
	}

	t.Run("https behind a proxy", func(t *testing.T) {
		e := e.in(t)
		hdr := authHeaders(alice)
		hdr["X-Forwarded-Proto"] = "https"
		r := e.upload("/api/v2/sdk/", hdr, "x.png", []byte("x"), nil, nil)
		if !strings.HasPrefix(r.str("results.file.url"), "https://") {
			t.Errorf("url %q", r.str("results.file.url"))
		}
	})
	t.Run("limit", func(t *testing.T) {
		e := e.in(t)
		r := e.upload("/api/v2/sdk/", authHeaders(alice), "big.bin", make([]byte, 64<<10+1), nil, nil)
		checkError(t, r, http.StatusRequestEntityTooLarge, "file too large: the limit is 65536 bytes")
		// Far over the limit, the client still gets the answer, not a reset.
		r = e.upload("/api/v2/sdk/", authHeaders(alice), "huge.bin", make([]byte, 8<<20), nil, nil)
		checkError(t, r, http.StatusRequestEntityTooLarge, "file too large")
		mustStatus(t, e.upload("/api/v2/sdk/", authHeaders(alice), "fits.bin", make([]byte, 64<<10), nil, nil), 200)
	})

	files := func() int {
		n := 0
		_ = filepath.WalkDir(filepath.Join(filepath.Dir(e.dbPath), "uploads"), func(_ string, d os.DirEntry, _ error) error {
			if d != nil && !d.IsDir() {
				n++
			}
			return nil
		})
		return n
	}
	before := files()
	errs := []struct {
		name   string
		hdr    map[string]string
		after  map[string]string
		noFile bool
		status int
		msg    string
	}{
		{"no credentials", appOnly, nil, false, 401, "missing token"},
		{"wrong token field", appOnly, map[string]string{"token": "NOPE"}, false, 401, "invalid user id or token"},
		{"wrong header token", authHeaders(&testUser{ID: "alice", Token: "NOPE"}), nil, false, 401, "invalid user id or token"},
		{"no app id", map[string]string{"QISCUS-SDK-USER-ID": "alice", "QISCUS-SDK-TOKEN": alice.Token}, nil, false, 401, "missing app id"},
		{"no file", authHeaders(alice), map[string]string{"other": "x"}, true, 400, `no file: send it in the multipart field "file"`},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			var content []byte
			if !tt.noFile {
				content = []byte("refused")
			}
			checkError(t, e.upload("/api/v2/sdk/", tt.hdr, "r.txt", content, nil, tt.after), tt.status, tt.msg)
		})
	}
	if n := files(); n != before {
		t.Errorf("refused uploads left %d files behind", n-before)
	}
	checkError(t, e.send(http.MethodPost, "upload", alice, formType, "file=x"), 400, "multipart/form-data")

	t.Run("expired token", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.TokenTTL = time.Nanosecond })
		u := e.login("bob", "Bob")
		checkError(t, e.upload("/api/v2/sdk/", authHeaders(u), "x.txt", []byte("x"), nil, nil), 403, "Unauthorized. Token is expired")
		checkError(t, e.upload("/api/v2/sdk/", appHeaders(), "x.txt", []byte("x"), map[string]string{"token": u.Token}, nil), 403, "Unauthorized. Token is expired")
	})

	r := e.upload("/api/v2/sdk/", authHeaders(alice), "k.txt", []byte("k"), nil, nil)
	dir := strings.TrimSuffix(strings.TrimPrefix(r.str("results.file.url"), e.ts.URL), "/k.txt")
	for _, p := range []string{"/files/", dir, dir + "/", "/files/../qiscus.db", "/files/%2e%2e/qiscus.db", "/files/nope/k.txt"} {
		if res, _ := fetch(t, e.ts.URL+p); res.StatusCode != 404 {
			t.Errorf("GET %s: HTTP %d, want 404", p, res.StatusCode)
		}
	}
	if res := e.do(http.MethodPost, dir+"/k.txt", nil, "", ""); res.status != 405 {
		t.Errorf("POST a file: HTTP %d", res.status)
	}
}

func TestUploadDirs(t *testing.T) {
	t.Run("explicit", func(t *testing.T) {
		dir := t.TempDir()
		e := newEnv(t, func(c *Config) { c.UploadDir = dir })
		u := e.login("alice", "Alice")
		mustStatus(t, e.upload("/api/v2/sdk/", authHeaders(u), "a.txt", []byte("a"), nil, nil), 200)
		if m, _ := filepath.Glob(filepath.Join(dir, "*", "a.txt")); len(m) != 1 {
			t.Errorf("files in %s: %v", dir, m)
		}
	})
	t.Run("memory uses a temporary directory removed by Close", func(t *testing.T) {
		s, err := New(context.Background(), Config{AppID: "dev", DBPath: ":memory:"})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(s.Handler())
		e := &testEnv{t: t, s: s, ts: ts}
		u := e.login("alice", "Alice")
		r := e.upload("/api/v2/sdk/", authHeaders(u), "a.txt", []byte("hello"), nil, nil)
		mustStatus(t, r, 200)
		if _, got := fetch(t, r.str("results.file.url")); string(got) != "hello" {
			t.Errorf("served %q", got)
		}
		root := s.sdk.UploadDir()
		ts.Close()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(root); !os.IsNotExist(err) {
			t.Errorf("%s still exists after Close (%v)", root, err)
		}
	})
}

// file_list reports the size of files uploaded here and linked as "[file] url [/file]".
func TestFileListUploadedSize(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	roomID := e.chat(alice, bob)
	r := e.upload("/api/v2/sdk/", authHeaders(alice), "notes.txt", []byte("twelve bytes"), nil, nil)
	mustStatus(t, r, 200)
	e.mustPost(alice, roomID, "[file] "+r.str("results.file.url")+" [/file]")
	l := e.postJSON("file_list", bob, map[string]any{})
	checkFields(t, l, []fieldWant{{"results.files.0.size", 12}, {"results.files.0.file_name", "notes.txt"}, {"results.files.0.file_type", "doc"}})
}
