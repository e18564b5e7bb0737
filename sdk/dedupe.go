package sdk

import (
	"strconv"
	"sync"
)

// seenSet is the de-duplication gate: a bounded FIFO set of comment ids
// and unique ids. Every comment passes it before reaching the app, so a
// comment that arrives by MQTT, /sync and a send response is emitted once.
type seenSet struct {
	mu   sync.Mutex
	keys map[string]struct{}
	ring []string
	next int
}

func newSeenSet(capacity int) *seenSet {
	return &seenSet{keys: make(map[string]struct{}, capacity), ring: make([]string, capacity)}
}

// first records c and reports whether neither its id nor its unique id
// was seen before.
func (s *seenSet) first(c *Comment) bool {
	idKey := "i" + strconv.FormatInt(c.ID, 10)
	uKey := ""
	if c.UniqueTempID != "" {
		uKey = "u" + c.UniqueTempID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, dupID := s.keys[idKey]
	dupU := false
	if uKey != "" {
		_, dupU = s.keys[uKey]
	}
	s.add(idKey)
	if uKey != "" {
		s.add(uKey)
	}
	return !dupID && !dupU
}

func (s *seenSet) add(k string) {
	if _, ok := s.keys[k]; ok {
		return
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.keys, old)
	}
	s.ring[s.next] = k
	s.keys[k] = struct{}{}
	s.next = (s.next + 1) % len(s.ring)
}
