package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// staticEnv serves a temporary SDK directory through a real Server over real
// HTTP. The wasm stand-in is compressible bytes with the wasm magic number;
// its .br sibling is whatever the build wrote (the server never decodes it).
func staticEnv(t *testing.T) (e *testEnv, dir string, wasm, br []byte) {
	t.Helper()
	dir = t.TempDir()
	wasm = append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("qiscus-sdk-core wasm stand-in "), 4000)...)
	br = []byte("precomputed brotli bytes")
	write := func(name string, b []byte, mod time.Time) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().Add(-time.Hour).Truncate(time.Second)
	// brotli(1) gives its output the source's mtime, truncated to the second:
	// that copy is as new as its source, not older.
	write("qiscus-sdk-core.wasm", wasm, now.Add(340*time.Microsecond))
	write("qiscus-sdk-core.wasm.br", br, now)
	write("qiscus-sdk-core.mjs", bytes.Repeat([]byte("export const x = 1;\n"), 500), now)
	write("stale.wasm", wasm, now)
	write("stale.wasm.br", br, now.Add(-time.Minute)) // older than its source: ignored
	write("app-3f9a1c2b7d0e4f55.js", []byte(strings.Repeat("console.log(1);\n", 200)), now)
	write("tiny.js", []byte("1"), now)
	e = newEnv(t, func(c *Config) { c.SDKDir = dir })
	return e, dir, wasm, br
}

// rawGet sends a GET with exactly the given headers; the transport must not
// add or undo an encoding itself.
func rawGet(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 30 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip body: %v", err)
	}
	return out
}

func TestStaticCompression(t *testing.T) {
	e, _, wasm, br := staticEnv(t)
	tests := []struct {
		name, path, accept string
		wantEncoding       string // "" = identity
		wantType           string
	}{
		{"br preferred when both are accepted", "/sdk/qiscus-sdk-core.wasm", "gzip, deflate, br", "br", "application/wasm"},
		{"gzip when br is not accepted", "/sdk/qiscus-sdk-core.wasm", "gzip", "gzip", "application/wasm"},
		{"q=0 refuses br", "/sdk/qiscus-sdk-core.wasm", "br;q=0, gzip;q=0.5", "gzip", "application/wasm"},
		{"identity without Accept-Encoding", "/sdk/qiscus-sdk-core.wasm", "", "", "application/wasm"},
		{"identity when all are refused", "/sdk/qiscus-sdk-core.wasm", "br;q=0, gzip;q=0", "", "application/wasm"},
		{"wildcard allows br", "/sdk/qiscus-sdk-core.wasm", "*", "br", "application/wasm"},
		{"a stale .br is not used", "/sdk/stale.wasm", "br, gzip", "gzip", "application/wasm"},
		{"a stale .br and no gzip: identity", "/sdk/stale.wasm", "br", "", "application/wasm"},
		{"ES module gzipped in memory", "/sdk/qiscus-sdk-core.mjs", "gzip, br", "gzip", "text/javascript"},
		{"tiny files are not worth compressing", "/sdk/tiny.js", "gzip, br", "", "text/javascript"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{}
			if tc.accept != "" {
				hdr["Accept-Encoding"] = tc.accept
			}
			res, body := rawGet(t, e.ts.URL+tc.path, hdr)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if got := res.Header.Get("Content-Encoding"); got != tc.wantEncoding {
				t.Fatalf("Content-Encoding %q, want %q", got, tc.wantEncoding)
			}
			if got := res.Header.Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type %q, want %q", got, tc.wantType)
			}
			if tc.path != "/sdk/tiny.js" && !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary %q lacks Accept-Encoding", res.Header.Get("Vary"))
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("Cache-Control %q, want no-cache (the name has no content hash)", cc)
			}
			etag := res.Header.Get("ETag")
			if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 10 {
				t.Errorf("ETag %q is not a strong validator", etag)
			}
			var plain []byte
			switch tc.wantEncoding {
			case "br":
				if !bytes.Equal(body, br) {
					t.Fatalf("br body is not the precomputed file")
				}
				if !strings.HasSuffix(etag, `-br"`) {
					t.Errorf("ETag %q does not name the encoding", etag)
				}
				return
			case "gzip":
				plain = gunzip(t, body)
				if len(body) >= len(plain) {
					t.Errorf("gzip did not shrink: %d >= %d", len(body), len(plain))
				}
				if !strings.HasSuffix(etag, `-gz"`) {
					t.Errorf("ETag %q does not name the encoding", etag)
				}
			default:
				plain = body
			}
			if strings.HasSuffix(tc.path, ".wasm") && !bytes.Equal(plain, wasm) {
				t.Fatalf("decoded body differs from the file (%d vs %d bytes)", len(plain), len(wasm))
			}
		})
	}
}

// A revalidation with the ETag of the chosen representation answers 304,
// and the ETags of different encodings differ.
func TestStaticETagRevalidation(t *testing.T) {
	e, _, _, _ := staticEnv(t)
	url := e.ts.URL + "/sdk/qiscus-sdk-core.wasm"
	seen := map[string]string{}
	for _, enc := range []string{"br", "gzip", "identity"} {
		res, _ := rawGet(t, url, map[string]string{"Accept-Encoding": enc})
		etag := res.Header.Get("ETag")
		if prev, dup := seen[etag]; dup {
			t.Fatalf("%s and %s share ETag %s", prev, enc, etag)
		}
		seen[etag] = enc
		res, body := rawGet(t, url, map[string]string{"Accept-Encoding": enc, "If-None-Match": etag})
		if res.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Fatalf("%s: If-None-Match %s gave %d with %d bytes, want 304", enc, etag, res.StatusCode, len(body))
		}
	}
}

// A rebuilt file (new content, new mtime) gets a new ETag and fresh bytes,
// not the cached compression of the old one.
func TestStaticRebuildInvalidatesCache(t *testing.T) {
	e, dir, _, _ := staticEnv(t)
	url := e.ts.URL + "/sdk/qiscus-sdk-core.mjs"
	res1, body1 := rawGet(t, url, map[string]string{"Accept-Encoding": "gzip"})
	next := bytes.Repeat([]byte("export const y = 2;\n"), 600)
	p := filepath.Join(dir, "qiscus-sdk-core.mjs")
	if err := os.WriteFile(p, next, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	res2, body2 := rawGet(t, url, map[string]string{"Accept-Encoding": "gzip"})
	if res1.Header.Get("ETag") == res2.Header.Get("ETag") {
		t.Fatalf("ETag unchanged after a rebuild: %s", res2.Header.Get("ETag"))
	}
	if bytes.Equal(body1, body2) || !bytes.Equal(gunzip(t, body2), next) {
		t.Fatalf("served the old compressed bytes after a rebuild")
	}
}

// Only names that carry a content hash are cached as immutable.
func TestStaticImmutableOnlyForHashedNames(t *testing.T) {
	e, _, _, _ := staticEnv(t)
	res, _ := rawGet(t, e.ts.URL+"/sdk/app-3f9a1c2b7d0e4f55.js", map[string]string{"Accept-Encoding": "gzip"})
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Fatalf("hashed name: Cache-Control %q", cc)
	}
	for _, name := range []string{"qiscus-sdk-core.wasm", "qiscus-sdk-core.mjs"} {
		res, _ := rawGet(t, e.ts.URL+"/sdk/"+name, nil)
		if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Fatalf("%s: Cache-Control %q", name, cc)
		}
	}
}
