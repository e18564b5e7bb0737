package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Static files (/sdk/ and /): a 7 MB wasm is worth compressing. The build
// precomputes name.br (brotli -q 11, too slow to run per request) and may
// write name.gz; otherwise gzip is computed on first request and kept in
// memory until the file changes. The encoding follows Accept-Encoding, with
// Vary, a per-representation strong ETag and Cache-Control (immutable only
// for names that carry a content hash).

const (
	minCompressSize  = 1 << 10  // below this, headers cost more than they save
	maxCompressSize  = 64 << 20 // larger files are served as they are
	maxCachedEntries = 256      // bounds memory if a web dir holds many files
)

// compressible lists the types worth compressing, by extension.
var compressible = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript",
	".mjs":  "text/javascript",
	".css":  "text/css; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".json": "application/json",
	".map":  "application/json",
	".svg":  "image/svg+xml",
	".txt":  "text/plain; charset=utf-8",
}

type staticFiles struct {
	dir   string
	files http.Handler // directories, redirects, 404s, non-GET

	mu    sync.Mutex
	cache map[string]*staticEntry
}

// staticEntry is what is known about one file version (path, size, mtime).
type staticEntry struct {
	size    int64
	modTime time.Time

	once sync.Once
	hash string // hex SHA-256 prefix of the identity bytes
	gz   []byte // nil when not worth it
	err  error
}

// Handler serves dir ("" = nothing) with explicit types for the SDK
// files (the WebAssembly streaming compiler insists on application/wasm).
func Handler(dir string) http.Handler {
	if dir == "" {
		return http.NotFoundHandler()
	}
	return &staticFiles{dir: dir, files: http.FileServer(http.Dir(dir)), cache: map[string]*staticEntry{}}
}

func (s *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Apps on other dev origins (Vite, CRA) load the SDK and fetch its wasm.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	ext := path.Ext(r.URL.Path)
	if ctype, ok := compressible[ext]; ok {
		w.Header().Set("Content-Type", ctype)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.files.ServeHTTP(w, r)
		return
	}
	name := path.Clean("/" + r.URL.Path)
	f, err := http.Dir(s.dir).Open(name)
	if err != nil {
		s.files.ServeHTTP(w, r) // its 404 / 403
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		s.files.ServeHTTP(w, r) // index.html, redirects
		return
	}
	if hashedName(path.Base(name)) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache") // revalidate with the ETag
	}
	if fi.Size() > maxCompressSize {
		http.ServeContent(w, r, name, fi.ModTime(), f) // Last-Modified only
		return
	}
	_, worth := compressible[ext]
	worth = worth && fi.Size() >= minCompressSize
	e := s.entry(name, fi)
	e.once.Do(func() { e.hash, e.gz, e.err = digest(f, worth) })
	if e.err != nil {
		http.Error(w, "read failed", http.StatusInternalServerError)
		return
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		http.Error(w, "read failed", http.StatusInternalServerError)
		return
	}
	if !worth {
		w.Header().Set("ETag", `"`+e.hash+`"`)
		http.ServeContent(w, r, name, fi.ModTime(), f)
		return
	}
	w.Header().Add("Vary", "Accept-Encoding")
	br, gz := acceptedEncodings(r.Header.Get("Accept-Encoding"))
	if br {
		if b, ok := s.precompressed(name+".br", fi.ModTime()); ok {
			serveEncoded(w, r, name, fi.ModTime(), "br", `"`+e.hash+`-br"`, b)
			return
		}
	}
	if gz {
		b, ok := s.precompressed(name+".gz", fi.ModTime())
		if !ok {
			b, ok = e.gz, e.gz != nil
		}
		if ok {
			serveEncoded(w, r, name, fi.ModTime(), "gzip", `"`+e.hash+`-gz"`, b)
			return
		}
	}
	w.Header().Set("ETag", `"`+e.hash+`"`)
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

func serveEncoded(w http.ResponseWriter, r *http.Request, name string, mod time.Time, enc, etag string, b []byte) {
	w.Header().Set("Content-Encoding", enc)
	w.Header().Set("ETag", etag)
	http.ServeContent(w, r, name, mod, bytes.NewReader(b))
}

// entry returns the cache entry for this version of name, replacing one
// for an older version (a rebuild changes size or mtime).
func (s *staticFiles) entry(name string, fi fs.FileInfo) *staticEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.cache[name]; ok && e.size == fi.Size() && e.modTime.Equal(fi.ModTime()) {
		return e
	}
	if len(s.cache) >= maxCachedEntries {
		clear(s.cache)
	}
	e := &staticEntry{size: fi.Size(), modTime: fi.ModTime()}
	s.cache[name] = e
	return e
}

// precompressed reads a sibling file the build wrote, if it is not older
// than its source (a stale one would serve an old version). Seconds are
// compared: brotli and gzip -k give their output the source's mtime
// truncated to the second.
func (s *staticFiles) precompressed(name string, srcMod time.Time) ([]byte, bool) {
	f, err := http.Dir(s.dir).Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() || fi.ModTime().Before(srcMod.Truncate(time.Second)) || fi.Size() > maxCompressSize {
		return nil, false
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, false
	}
	return b, true
}

// digest hashes the file and, if asked, gzips it (kept only if it shrinks).
func digest(r io.Reader, compress bool) (hash string, gz []byte, err error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxCompressSize+1))
	if err != nil {
		return "", nil, err
	}
	if len(raw) > maxCompressSize {
		return "", nil, errors.New("static: file grew past the compression limit")
	}
	sum := sha256.Sum256(raw)
	hash = hex.EncodeToString(sum[:12])
	if !compress {
		return hash, nil, nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return "", nil, err
	}
	if err := zw.Close(); err != nil {
		return "", nil, err
	}
	if buf.Len() < len(raw) {
		gz = buf.Bytes()
	}
	return hash, gz, nil
}

// acceptedEncodings reads Accept-Encoding: a coding (or *) with q > 0.
func acceptedEncodings(header string) (br, gz bool) {
	star := false
	explicit := map[string]bool{}
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		ok := true
		for _, p := range strings.Split(params, ";") {
			k, v, found := strings.Cut(strings.TrimSpace(p), "=")
			if found && strings.EqualFold(strings.TrimSpace(k), "q") {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				ok = err == nil && q > 0
			}
		}
		if coding == "*" {
			star = ok
			continue
		}
		explicit[coding] = ok
	}
	pick := func(c string) bool {
		if v, ok := explicit[c]; ok {
			return v
		}
		return star
	}
	return pick("br"), pick("gzip") || pick("x-gzip")
}

// hashedName tells whether a file name carries a content hash the way
// bundlers write them (webpack's hex [contenthash], Vite's 8-character
// base64url): such a file never changes, so it may be cached for a year.
func hashedName(base string) bool {
	stem := strings.TrimSuffix(base, path.Ext(base))
	if i := strings.LastIndexAny(stem, ".-"); i >= 0 {
		stem = stem[i+1:]
	}
	hexOnly, upper, lowerOrDigit := true, false, false
	for _, c := range stem {
		switch {
		case c >= '0' && c <= '9':
			lowerOrDigit = true
		case c >= 'a' && c <= 'f':
			lowerOrDigit = true
		case c >= 'g' && c <= 'z':
			hexOnly, lowerOrDigit = false, true
		case c >= 'A' && c <= 'Z':
			hexOnly, upper = false, true
		case c == '_':
			hexOnly = false
		default:
			return false
		}
	}
	if hexOnly && len(stem) >= 8 {
		return true
	}
	return len(stem) == 8 && upper && lowerOrDigit
}
