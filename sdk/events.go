package sdk

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/qiscus-go/qiscus-sdk-core/internal/mirror"
)

func init() {
	mirror.Attach = func(client any, s mirror.Sink) {
		client.(*Client).mirrorSink.Store(&s)
	}
}

// eventQueue hands events to Config.OnEvent from one goroutine of its own,
// in the order they were emitted. Emitting only appends (the queue is
// unbounded, nothing is dropped), so no client lock or network goroutine
// ever waits for the application, and OnEvent may call any Client method:
// the events that call emits simply queue up behind the current one.
type eventQueue struct {
	mu      sync.Mutex
	items   []queued
	wake    chan struct{}
	started bool
	closed  bool
	done    chan struct{} // closed when the dispatcher has returned
	goid    atomic.Uint64 // the dispatcher goroutine, to spot calls from OnEvent
}

// queued is an event, a mirror update for the v2 adapter, a function to
// run in event order (subscribeEvent handlers) or a barrier that
// FlushEvents waits on.
type queued struct {
	ev      Event
	mirror  *mirror.Event
	fn      func()
	barrier chan struct{}
}

// enqueue appends q and starts the dispatcher on first use. It reports
// false once the queue is closed.
func (c *Client) enqueue(q queued) bool {
	eq := &c.events
	eq.mu.Lock()
	if eq.closed {
		eq.mu.Unlock()
		return false
	}
	if !eq.started {
		eq.started = true
		eq.wake = make(chan struct{}, 1)
		eq.done = make(chan struct{})
		go c.dispatch()
	}
	eq.items = append(eq.items, q)
	eq.mu.Unlock()
	select {
	case eq.wake <- struct{}{}:
	default:
	}
	return true
}

// emit queues ev for the application. It never blocks on the app, so it is
// safe anywhere; callers emit under the delivery gate's lock to fix the
// order of newMessages, and never under c.mu.
func (c *Client) emit(ev Event) {
	if c.cfg.OnEvent == nil {
		return
	}
	if c.debugOn() {
		c.cfg.Logger.Debug("event", "type", eventName(ev))
	}
	c.enqueue(queued{ev: ev})
}

// emitMirror queues an update of the v2 adapter's mirrored properties, in
// order with the events; without an adapter attached it is dropped.
func (c *Client) emitMirror(name string, args ...any) {
	if c.mirrorSink.Load() != nil {
		c.enqueue(queued{mirror: &mirror.Event{Name: name, Args: args}})
	}
}

// eventName is the event's type name without the package, for logs.
func eventName(ev any) string {
	s := fmt.Sprintf("%T", ev)
	return s[strings.LastIndexByte(s, '.')+1:]
}

// emitFunc runs fn on the event goroutine, in order with the events.
func (c *Client) emitFunc(fn func()) { c.enqueue(queued{fn: fn}) }

func (c *Client) dispatch() {
	eq := &c.events
	eq.goid.Store(goroutineID())
	defer close(eq.done)
	var batch []queued
	for {
		eq.mu.Lock()
		for len(eq.items) == 0 {
			if eq.closed {
				eq.mu.Unlock()
				return
			}
			eq.mu.Unlock()
			<-eq.wake
			eq.mu.Lock()
		}
		batch, eq.items = eq.items, batch[:0]
		eq.mu.Unlock()
		for i := range batch {
			c.run(&batch[i])
			batch[i] = queued{} // let the event be collected
		}
	}
}

// run hands one item over. A panicking OnEvent is logged, and the events
// after it are still delivered.
func (c *Client) run(q *queued) {
	defer func() {
		if r := recover(); r != nil {
			c.cfg.Logger.Error("event handler panic; continuing with the next event", "event", eventName(q.ev), "panic", r)
		}
	}()
	switch {
	case q.barrier != nil:
		close(q.barrier)
	case q.fn != nil:
		q.fn()
	case q.mirror != nil:
		(*c.mirrorSink.Load())(*q.mirror)
	default:
		c.cfg.OnEvent(q.ev)
	}
}

// FlushEvents waits until every event emitted before the call has been
// handed to OnEvent (and OnEvent has returned), or ctx ends. Called from
// OnEvent itself it returns at once: the events behind the current one
// cannot run before it returns.
func (c *Client) FlushEvents(ctx context.Context) error {
	eq := &c.events
	eq.mu.Lock()
	idle := !eq.started || eq.closed
	eq.mu.Unlock()
	if idle || c.onEventGoroutine() {
		return nil
	}
	b := make(chan struct{})
	if !c.enqueue(queued{barrier: b}) {
		return nil
	}
	select {
	case <-b:
		return nil
	case <-eq.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// closeEvents stops the dispatcher once the queued events are delivered,
// and waits for that unless called from OnEvent.
func (c *Client) closeEvents() {
	eq := &c.events
	eq.mu.Lock()
	eq.closed = true
	started := eq.started
	eq.mu.Unlock()
	if !started {
		return
	}
	select {
	case eq.wake <- struct{}{}:
	default:
	}
	if !c.onEventGoroutine() {
		<-eq.done
	}
}

func (c *Client) onEventGoroutine() bool {
	id := c.events.goid.Load()
	return id != 0 && id == goroutineID()
}

// goroutineID parses "goroutine N [" from the current stack header. It is
// only used to tell whether FlushEvents or Close is called from inside
// OnEvent, where waiting for the event queue would wait for itself.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) <= len(prefix) {
		return 0
	}
	var id uint64
	for _, ch := range b[len(prefix):] {
		if ch < '0' || ch > '9' {
			break
		}
		id = id*10 + uint64(ch-'0')
	}
	return id
}
