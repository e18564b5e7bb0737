//go:build js && jsws

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

// WebSocketDialer, in the size-optimised build (-tags jsws), drives the
// browser's WebSocket directly through syscall/js. coder/websocket's js
// build imports net/http and with it crypto/tls, about a third of the
// module; the default build keeps coder/websocket.
type WebSocketDialer struct{}

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
	c.onMessage = js.FuncOf(func(_ js.Value, a []js.Value) any {
		u8 := js.Global().Get("Uint8Array").New(a[0].Get("data"))
		n := u8.Get("byteLength").Int()
		if n > maxPacketSize {
			// The browser holds the message already; it is not copied into
			// Go memory, and the connection goes.
			c.fail(fmt.Errorf("%w: a %d-byte message, limit %d", ErrPacketTooLarge, n, maxPacketSize))
			return nil
		}
		b := make([]byte, n)
		js.CopyBytesToGo(b, u8)
		c.mu.Lock()
		c.queue = append(c.queue, b)
		c.mu.Unlock()
		select {
		case c.signal <- struct{}{}:
		default:
		}
		return nil
	})
	c.onClose = js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case opened <- errors.New("websocket closed before opening"):
		default:
		}
		c.shut()
		return nil
	})
	c.ws.Call("addEventListener", "open", c.onOpen)
	c.ws.Call("addEventListener", "message", c.onMessage)
	c.ws.Call("addEventListener", "close", c.onClose)
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

type jsConn struct {
	ws                         js.Value
	onOpen, onMessage, onClose js.Func

	mu     sync.Mutex
	err    error // why the connection failed, if it did
	queue  [][]byte
	head   []byte
	signal chan struct{}
	closed chan struct{}
	once   sync.Once
}

func (c *jsConn) shut() {
	c.once.Do(func() {
		close(c.closed)
		// Released on the next turn: this may run inside onClose itself.
		go func() {
			c.onOpen.Release()
			c.onMessage.Release()
			c.onClose.Release()
		}()
	})
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
		if len(c.queue) > 0 {
			c.head = c.queue[0]
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
