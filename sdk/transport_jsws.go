//go:build js

package sdk

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall/js"
	"time"
)

// WebSocketDialer, in the browser, drives the browser's WebSocket directly
// through syscall/js. coder/websocket's js build imports net/http and with
// it crypto/tls and math/big, about a third of the module; it serves the
// native build only.
//
// Incoming frames are batched in JS before they enter Go: entering Go costs
// far more than a frame's bytes (the scheduler resumes, every js.Value gets
// a finalizer, the reader goroutines wake), so a burst of k frames that the
// browser queued behind each other crosses into Go once, as one buffer.
// Frames keep their order and every frame is delivered; the batch is cut
// when the event loop is free again (a MessageChannel task, no timer clamp).
type WebSocketDialer struct{}

// frameBatcherSrc is the JS half of the batching: it owns the socket's
// message listener, queues the ArrayBuffers, and hands Go one Uint8Array per
// batch through deliver(bytes). A frame over limit is not queued:
// deliver(null, size) fails the connection. On close the queue is flushed
// before Go hears of it, so no frame is lost to the ordering of the two.
const frameBatcherSrc = `
let q = [], n = 0, scheduled = false;
const flush = () => {
  scheduled = false;
  if (q.length === 0) return;
  let out;
  if (q.length === 1) out = new Uint8Array(q[0]);
  else {
    out = new Uint8Array(n);
    let o = 0;
    for (const b of q) { out.set(new Uint8Array(b), o); o += b.byteLength; }
  }
  q = []; n = 0;
  deliver(out);
};
const ch = new MessageChannel();
ch.port1.onmessage = flush;
ws.addEventListener("message", (e) => {
  const b = e.data;
  if (!(b instanceof ArrayBuffer)) return;
  if (b.byteLength > limit) { q = []; n = 0; deliver(null, b.byteLength); return; }
  q.push(b); n += b.byteLength;
  if (!scheduled) { scheduled = true; ch.port2.postMessage(0); }
});
ws.addEventListener("close", () => { flush(); ch.port1.close(); closed(); });
`

// newFrameBatcher compiles frameBatcherSrc once. A page whose Content
// Security Policy forbids compiling JS at run time gets js.Undefined, and
// its connections take each frame into Go as it arrives.
var newFrameBatcher = sync.OnceValue(func() (fn js.Value) {
	defer func() {
		if recover() != nil {
			fn = js.Undefined()
		}
	}()
	return js.Global().Get("Function").New("ws", "limit", "deliver", "closed", frameBatcherSrc)
})

// Dial implements Dialer.
func (WebSocketDialer) Dial(ctx context.Context, url string) (net.Conn, error) {
	ctor := js.Global().Get("WebSocket")
	if ctor.Type() != js.TypeFunction {
		return nil, errors.New("WebSocket is not available")
	}
	c := &jsConn{signal: make(chan struct{}, 1), closed: make(chan struct{})}
	opened := make(chan error, 1)
	c.ws = ctor.New(url, js.ValueOf([]any{"mqtt"}))
	c.ws.Set("binaryType", "arraybuffer")
	c.onOpen = js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case opened <- nil:
		default:
		}
		return nil
	})
	c.onDeliver = js.FuncOf(func(_ js.Value, a []js.Value) any {
		c.deliver(a)
		return nil
	})
	c.onClose = js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case opened <- errors.New("websocket closed before opening"):
		default:
		}
		c.shut()
		// The close event is the socket's last: nothing calls these after.
		go c.release()
		return nil
	})
	c.ws.Call("addEventListener", "open", c.onOpen)
	limit := maxPacketSize
	if batcher := newFrameBatcher(); batcher.Type() == js.TypeFunction {
		batcher.Invoke(c.ws, limit, c.onDeliver, c.onClose)
	} else {
		// One frame per entry into Go, through the same deliver.
		c.onMessage = js.FuncOf(func(_ js.Value, a []js.Value) any {
			b := a[0].Get("data")
			if n := b.Get("byteLength").Int(); n > limit {
				c.deliver([]js.Value{js.Null(), js.ValueOf(n)})
				return nil
			}
			c.deliver([]js.Value{js.Global().Get("Uint8Array").New(b)})
			return nil
		})
		c.ws.Call("addEventListener", "message", c.onMessage)
		c.ws.Call("addEventListener", "close", c.onClose)
	}
	select {
	case err := <-opened:
		if err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	case <-ctx.Done():
		c.Close()
		return nil, ctx.Err()
	}
}

// maxSpare bounds the batch buffer a connection keeps for reuse.
const maxSpare = 4 << 20

type jsConn struct {
	ws                                    js.Value
	onOpen, onDeliver, onClose, onMessage js.Func

	mu    sync.Mutex
	err   error // why the connection failed, if it did
	queue [][]byte
	// spare is a drained batch buffer that the next batch reuses: a burst
	// is a few large batches, and a fresh one each time costs zeroing,
	// sweeping and GC cycles.
	spare   []byte
	head    []byte // the unread rest of headBuf
	headBuf []byte
	signal  chan struct{}
	closed  chan struct{}
	once    sync.Once
}

// deliver takes a batch from JS: (Uint8Array) is one or more whole frames
// in order; (null, size) is a frame over the limit, which fails the
// connection without copying it into Go memory.
func (c *jsConn) deliver(a []js.Value) {
	if len(a) == 0 {
		return
	}
	if a[0].IsNull() {
		n := 0
		if len(a) > 1 && a[1].Type() == js.TypeNumber {
			n = a[1].Int()
		}
		c.fail(fmt.Errorf("%w: a %d-byte message, limit %d", ErrPacketTooLarge, n, maxPacketSize))
		return
	}
	n := a[0].Get("byteLength").Int()
	c.mu.Lock()
	b := c.spare
	c.spare = nil
	c.mu.Unlock()
	if cap(b) < n {
		b = make([]byte, n)
	}
	b = b[:n]
	js.CopyBytesToGo(b, a[0])
	c.mu.Lock()
	if c.err == nil {
		c.queue = append(c.queue, b)
	}
	c.mu.Unlock()
	select {
	case c.signal <- struct{}{}:
	default:
	}
}

func (c *jsConn) shut() {
	c.once.Do(func() { close(c.closed) })
}

// release frees the callbacks once the close event has run (from a new
// goroutine: onClose cannot release itself while it runs).
func (c *jsConn) release() {
	c.onOpen.Release()
	c.onDeliver.Release()
	c.onClose.Release()
	if c.onMessage.Truthy() {
		c.onMessage.Release()
	}
}

// fail closes the connection for err, which Read then returns.
func (c *jsConn) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.queue = nil
	c.mu.Unlock()
	// Browsers only let a page close with 1000 or 3000-4999; 4009 stands
	// for 1009, "message too big".
	c.ws.Call("close", 4009, "message too big")
	c.shut()
}

func (c *jsConn) Read(p []byte) (int, error) {
	for {
		if len(c.head) > 0 {
			n := copy(p, c.head)
			c.head = c.head[n:]
			return n, nil
		}
		c.mu.Lock()
		if c.headBuf != nil {
			if cap(c.headBuf) <= maxSpare && cap(c.headBuf) > cap(c.spare) {
				c.spare = c.headBuf[:0]
			}
			c.headBuf = nil
		}
		if len(c.queue) > 0 {
			c.head = c.queue[0]
			c.headBuf = c.head
			c.queue[0] = nil
			c.queue = c.queue[1:]
			c.mu.Unlock()
			continue
		}
		c.mu.Unlock()
		select {
		case <-c.signal:
		case <-c.closed:
			c.mu.Lock()
			empty, err := len(c.queue) == 0, c.err
			c.mu.Unlock()
			if err != nil {
				return 0, err
			}
			if empty {
				return 0, net.ErrClosed
			}
		}
	}
}

func (c *jsConn) Write(p []byte) (int, error) {
	select {
	case <-c.closed:
		return 0, net.ErrClosed
	default:
	}
	u8 := js.Global().Get("Uint8Array").New(len(p))
	js.CopyBytesToJS(u8, p)
	c.ws.Call("send", u8)
	return len(p), nil
}

func (c *jsConn) Close() error {
	c.ws.Call("close")
	c.shut()
	return nil
}

type wsAddr struct{}

func (wsAddr) Network() string { return "websocket" }
func (wsAddr) String() string  { return "websocket" }

func (c *jsConn) LocalAddr() net.Addr                { return wsAddr{} }
func (c *jsConn) RemoteAddr() net.Addr               { return wsAddr{} }
func (c *jsConn) SetDeadline(t time.Time) error      { return nil }
func (c *jsConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *jsConn) SetWriteDeadline(t time.Time) error { return nil }
