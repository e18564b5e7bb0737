//go:build js

package sdk

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
)

// FetchDoer is the browser HTTPDoer: it calls window.fetch, so the wasm
// binary does not link net/http's client.
type FetchDoer struct{}

func defaultHTTPDoer() HTTPDoer { return FetchDoer{} }

// defaultMaxInFlight is high in the browser: it queues requests per host
// itself and hands a freed connection to the next one at once. A cap of 6
// here (the browser's own per-host limit) made a send wait for a whole Go
// round trip per finished request (response, body, resume, release) before
// its fetch even started: at 20 sends/s against a busy server that was the
// latency tail (bench: sendComment() → request issued, p50 33 ms, p99 228 ms).
// At 64 a busy server still filled the cap (63 in flight at a probe) and the
// client leg's p99 went back to 365 ms; 256 is a runaway bound only.
const defaultMaxInFlight = 256

// secureRandom fills b from the browser's crypto.getRandomValues (a CSPRNG).
// Go's crypto/rand would do the same underneath but links crypto/* and
// math/big into the module, about 40 KB brotli.
func secureRandom(b []byte) {
	u8 := js.Global().Get("Uint8Array").New(len(b))
	js.Global().Get("crypto").Call("getRandomValues", u8)
	js.CopyBytesToGo(b, u8)
}

// Do implements HTTPDoer.
func (FetchDoer) Do(ctx context.Context, r *Request) (*Response, error) {
	fetch := js.Global().Get("fetch")
	if fetch.Type() != js.TypeFunction {
		return nil, errors.New("fetch is not available")
	}
	headers := js.Global().Get("Object").New()
	for k, v := range r.Header {
		headers.Set(k, v)
	}
	init := js.Global().Get("Object").New()
	init.Set("method", r.Method)
	init.Set("headers", headers)
	init.Set("credentials", "omit")
	if r.Body != nil {
		u8 := js.Global().Get("Uint8Array").New(len(r.Body))
		js.CopyBytesToJS(u8, r.Body)
		init.Set("body", u8)
	}
	ac := js.Global().Get("AbortController")
	var abort js.Value
	if ac.Type() == js.TypeFunction {
		abort = ac.New()
		init.Set("signal", abort.Get("signal"))
	}
	resp, err := await(ctx, fetch.Invoke(r.URL, init), abort)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", r.URL, err)
	}
	status := resp.Get("status").Int()
	buf, err := await(ctx, resp.Call("arrayBuffer"), abort)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: read body: %w", r.URL, err)
	}
	u8 := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, u8.Get("length").Int())
	js.CopyBytesToGo(b, u8)
	return &Response{Status: status, Body: b}, nil
}

// await blocks the calling goroutine (never the JS event loop) until p
// settles or ctx ends, aborting the request in the latter case.
func await(ctx context.Context, p js.Value, abort js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "request failed"
		if len(args) > 0 && args[0].Truthy() {
			if m := args[0].Get("message"); m.Type() == js.TypeString {
				msg = m.String()
			} else {
				msg = args[0].Call("toString").String()
			}
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	p.Call("then", onOK, onErr)
	var r result
	select {
	case r = <-ch:
	case <-ctx.Done():
		if !abort.Truthy() {
			// Without AbortController the promise may still settle later, so
			// the funcs must stay alive; the channel is buffered.
			return js.Undefined(), ctx.Err()
		}
		abort.Call("abort")
		<-ch // settles (rejects) promptly after abort
		r = result{v: js.Undefined(), err: ctx.Err()}
	}
	onOK.Release()
	onErr.Release()
	return r.v, r.err
}

// postFile posts an upload body with XMLHttpRequest, the only browser API
// that reports upload progress.
func (c *Client) postFile(ctx context.Context, contentType string, body []byte, progress func(sent, total int64)) (int, []byte, error) {
	xhr := js.Global().Get("XMLHttpRequest").New()
	xhr.Call("open", "POST", c.uploadURL())
	for k, v := range c.headers() {
		if k != "Content-Type" { // set once: XHR would join two values
			xhr.Call("setRequestHeader", k, v)
		}
	}
	xhr.Call("setRequestHeader", "Content-Type", contentType)
	u8 := js.Global().Get("Uint8Array").New(len(body))
	js.CopyBytesToJS(u8, body)
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	var onProgress, onLoad, onError js.Func
	onProgress = js.FuncOf(func(_ js.Value, a []js.Value) any {
		if progress != nil && len(a) > 0 {
			progress(int64(a[0].Get("loaded").Float()), int64(a[0].Get("total").Float()))
		}
		return nil
	})
	onLoad = js.FuncOf(func(js.Value, []js.Value) any {
		done <- result{status: xhr.Get("status").Int(), body: xhr.Get("responseText").String()}
		return nil
	})
	onError = js.FuncOf(func(js.Value, []js.Value) any {
		done <- result{err: errors.New("network error")}
		return nil
	})
	defer onProgress.Release()
	defer onLoad.Release()
	defer onError.Release()
	xhr.Get("upload").Call("addEventListener", "progress", onProgress)
	xhr.Call("addEventListener", "load", onLoad)
	xhr.Call("addEventListener", "error", onError)
	xhr.Call("addEventListener", "abort", onError)
	xhr.Call("send", u8)
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		xhr.Call("abort")
		r = <-done
		r.err = ctx.Err()
	}
	return r.status, []byte(r.body), r.err
}
