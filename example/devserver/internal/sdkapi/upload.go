package sdkapi

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
)

// uploadRoot returns the upload directory, creating the temporary one for
// ":memory:" servers on first use when create is set.
func (s *API) uploadRoot(create bool) (string, error) {
	s.uploadMu.Lock()
	defer s.uploadMu.Unlock()
	if s.uploadDir == "" && create {
		dir, err := os.MkdirTemp("", "qiscus-devserver-uploads-")
		if err != nil {
			return "", fmt.Errorf("create upload directory: %w", err)
		}
		s.uploadDir, s.uploadIsTemp = dir, true
	}
	return s.uploadDir, nil
}

// uploadRootDir is where uploads are stored: "" until the first upload when
// the directory is temporary.
func (s *API) UploadDir() string {
	root, _ := s.uploadRoot(false)
	return root
}

type uploadedFileJSON struct {
	URL         string `json:"url"` // absolute, from the request's host
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// Bounds on the non-file parts of an upload (a token, a name…).
const (
	maxUploadFields    = 16
	maxUploadFieldSize = 64 << 10
	maxUploadDrain     = 64 << 20 // read past the limit before answering 413
)

// handleUpload is POST upload (multipart, the file in field "file"). The
// caller authenticates with the usual headers, hyphenated or underscored, or
// with a "token" field (v3). The file is stored under Config.UploadDir and
// served back at /files/…; results.file.url is absolute, built from the
// request's Host. Files over Config.MaxUploadBytes get 413.
func (s *API) handleUpload(c *httpapi.Call) (any, error) {
	// Headers, when sent, are checked before the body is read.
	viaHeader := httpapi.Header(c.R, "QISCUS-SDK-TOKEN") != ""
	if viaHeader {
		u, err := s.authenticate(c.Ctx, c.R, c.Now)
		if err != nil {
			return nil, err
		}
		c.User = u
	}
	if ct, _, _ := mime.ParseMediaType(c.R.Header.Get("Content-Type")); ct != "multipart/form-data" {
		return nil, apierr.BadRequest("upload needs a multipart/form-data body with the file in field \"file\"")
	}
	root, err := s.uploadRoot(true)
	if err != nil {
		return nil, err
	}
	mr, err := c.R.MultipartReader()
	if err != nil {
		return nil, apierr.BadRequest("malformed multipart body: %v", err)
	}
	var stored, name, fieldToken string
	var size int64
	keep := false
	defer func() {
		if stored != "" && !keep {
			os.RemoveAll(filepath.Dir(stored)) // refused after the file arrived
		}
	}()
	for fields := 0; ; fields++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, apierr.BadRequest("malformed multipart body: %v", err)
		}
		switch {
		case part.FormName() == "file" && stored == "":
			name = safeFileName(part.FileName())
			if stored, size, err = s.storeUpload(root, name, part); err != nil {
				return nil, err
			}
		case fields >= maxUploadFields:
			return nil, apierr.BadRequest("too many multipart fields")
		case part.FormName() == "token":
			b, err := io.ReadAll(io.LimitReader(part, maxUploadFieldSize))
			if err != nil {
				return nil, apierr.BadRequest("malformed multipart body: %v", err)
			}
			fieldToken = strings.TrimSpace(string(b))
		default:
			if _, err := io.Copy(io.Discard, io.LimitReader(part, maxUploadFieldSize)); err != nil {
				return nil, apierr.BadRequest("malformed multipart body: %v", err)
			}
		}
	}
	if !viaHeader {
		if fieldToken == "" {
			return nil, apierr.New(apierr.ErrUnauthorized, "missing token: send the QISCUS-SDK-TOKEN header or a token field")
		}
		u, err := s.reads.UserByToken(c.Ctx, fieldToken)
		if err != nil {
			return nil, err
		}
		if u.Expired(c.Now) {
			return nil, apierr.ErrTokenExpired
		}
		c.User = u
	}
	if stored == "" {
		return nil, apierr.BadRequest("no file: send it in the multipart field \"file\"")
	}
	rel, _ := filepath.Rel(root, stored)
	scheme := "http"
	if c.R.TLS != nil || strings.EqualFold(c.R.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: c.R.Host, Path: "/files/" + filepath.ToSlash(rel)}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	keep = true
	s.log.Debug("file uploaded", "user", c.User.ID, "file", stored, "size", size)
	return map[string]any{"file": uploadedFileJSON{URL: u.String(), Name: name, Size: size, ContentType: ctype}}, nil
}

// storeUpload writes one file to root/{random}/{name}, enforcing the size limit.
func (s *API) storeUpload(root, name string, r io.Reader) (string, int64, error) {
	dir := filepath.Join(root, strings.ToLower(rand.Text()[:16]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, fmt.Errorf("create upload directory: %w", err)
	}
	dst := filepath.Join(dir, name)
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		os.RemoveAll(dir)
		return "", 0, fmt.Errorf("store upload: %w", err)
	}
	limit := s.cfg.MaxUploadBytes
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		os.RemoveAll(dir)
		return "", 0, apierr.BadRequest("upload interrupted: %v", err)
	case n > limit:
		os.RemoveAll(dir)
		// Read on (within reason) so the client, still sending, gets the 413
		// instead of a reset connection.
		_, _ = io.CopyN(io.Discard, r, maxUploadDrain)
		return "", 0, &apierr.APIError{Status: http.StatusRequestEntityTooLarge, Kind: apierr.ErrBadRequest,
			Message: fmt.Sprintf("file too large: the limit is %s", byteSize(limit))}
	}
	return dst, n, nil
}

func byteSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// safeFileName keeps a client file name usable on disk and in a URL: the base
// name only, letters, digits, '.', '-' and '_', no leading dot.
func safeFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, name)
	name = strings.TrimLeft(name, ".")
	if len(name) > 128 {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = strings.ToValidUTF8(name[:128-len(ext)], "") + ext
	}
	if name == "" {
		return "file"
	}
	return name
}

// filesHandler serves uploaded files at /files/{dir}/{name} with a type from
// the extension. Directory listings are off, and files are sandboxed so an
// uploaded page cannot script the dev origin.
func (s *API) FilesHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		root, _ := s.uploadRoot(false)
		rel := filepath.FromSlash(strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/"))
		if root == "" || rel == "" || !filepath.IsLocal(rel) || strings.HasPrefix(filepath.Base(rel), ".") {
			http.NotFound(w, r)
			return
		}
		f, err := os.Open(filepath.Join(root, rel))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "sandbox")
		if mime.TypeByExtension(filepath.Ext(rel)) == "" {
			w.Header().Set("Content-Type", "application/octet-stream")
		}
		http.ServeContent(w, r, fi.Name(), time.Time{}, f)
	})
}
