package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// counter counts the REST requests the clients make ("POST update_comment_status 404"),
// so the report can say what each client does on the wire while it receives.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func newCounter() *counter { return &counter{n: map[string]int{}} }

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer (the /mqtt upgrade hijacks).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (c *counter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/api/v2/sdk/")
		if !ok {
			h.ServeHTTP(w, r)
			return
		}
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		key := r.Method + " " + name + " " + strconv.Itoa(sw.status)
		c.mu.Lock()
		c.n[key]++
		c.mu.Unlock()
	})
}

func (c *counter) serveHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	b, _ := json.Marshal(c.n)
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}
