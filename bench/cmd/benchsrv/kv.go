package main

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// kvStore is a tiny key/value store with blocking reads: the driver puts a
// job, the page reads it, puts its result, and the driver waits for that.
type kvStore struct {
	mu      sync.Mutex
	vals    map[string][]byte
	waiters map[string][]chan struct{}
}

func newKV() *kvStore {
	return &kvStore{vals: map[string][]byte{}, waiters: map[string][]chan struct{}{}}
}

const maxWait = 120 * time.Second

func (s *kvStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Path
	if key == "" {
		http.Error(w, "key required", http.StatusBadRequest)
		return
	}
	switch r.Method {
	case http.MethodPut, http.MethodPost:
		b, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.vals[key] = b
		for _, ch := range s.waiters[key] {
			close(ch)
		}
		delete(s.waiters, key)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case http.MethodGet:
		wait, _ := strconv.Atoi(r.URL.Query().Get("wait"))
		d := min(time.Duration(max(wait, 0))*time.Millisecond, maxWait)
		deadline := time.NewTimer(d)
		defer deadline.Stop()
		for {
			s.mu.Lock()
			v, ok := s.vals[key]
			var ch chan struct{}
			if !ok {
				ch = make(chan struct{})
				s.waiters[key] = append(s.waiters[key], ch)
			}
			s.mu.Unlock()
			if ok {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Cache-Control", "no-store")
				w.Write(v)
				return
			}
			select {
			case <-ch:
				continue
			case <-deadline.C:
			case <-r.Context().Done():
			}
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
	case http.MethodDelete:
		s.mu.Lock()
		delete(s.vals, key)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "GET, PUT or DELETE", http.StatusMethodNotAllowed)
	}
}
