package sdk

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// seqEvent numbers the events of one source.
type seqEvent struct {
	src string
	n   int
}

func (seqEvent) isEvent() {}

// TestEventQueueOrderAndReentry: events from several goroutines reach
// OnEvent one at a time, each goroutine's in its emit order, none dropped,
// while the handler itself emits (as a Client call from OnEvent does).
func TestEventQueueOrderAndReentry(t *testing.T) {
	c := NewClient()
	var mu sync.Mutex
	got := map[string][]int{}
	inHandler := 0
	c.cfg = Config{AppID: "dev", OnEvent: func(ev Event) {
		mu.Lock()
		inHandler++
		if inHandler > 1 {
			t.Errorf("OnEvent ran concurrently")
		}
		src, n := ev.(seqEvent).src, ev.(seqEvent).n
		got[src] = append(got[src], n)
		mu.Unlock()
		if src == "g0" && n%100 == 0 {
			c.emit(seqEvent{"nested", n}) // from inside OnEvent
			if err := c.FlushEvents(context.Background()); err != nil {
				t.Errorf("FlushEvents from OnEvent: %v", err)
			}
		}
		mu.Lock()
		inHandler--
		mu.Unlock()
	}}.withDefaults()
	const goroutines, per = 4, 500
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				c.emit(seqEvent{fmt.Sprintf("g%d", g), i})
			}
		}()
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Two flushes: the first waits for every event emitted so far, but a
	// handler among them may emit a nested event behind the first barrier;
	// it is queued by the time the first flush returns, so the second
	// waits for it.
	for i := 0; i < 2; i++ {
		if err := c.FlushEvents(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	for g := 0; g < goroutines; g++ {
		seq := got[fmt.Sprintf("g%d", g)]
		if len(seq) != per {
			t.Fatalf("g%d: %d events, want %d", g, len(seq), per)
		}
		for i, n := range seq {
			if n != i {
				t.Fatalf("g%d: event %d is %d", g, i, n)
			}
		}
	}
	if n := len(got["nested"]); n != per/100 {
		t.Fatalf("nested events = %d, want %d", n, per/100)
	}
	mu.Unlock()
	c.Close()
	c.emit(seqEvent{"late", 0}) // after Close: dropped, no panic
}
