//go:build js && wasm

package main

import (
	"context"
	"errors"
	"syscall/js"
)

// errNoReason is a rejection with a falsy reason.
var errNoReason = errors.New("rejected")

// await blocks the calling goroutine (never the event loop) until the
// value p (a Promise or not) settles, or ctx ends.
func await(ctx context.Context, p js.Value) (js.Value, error) {
	ch := make(chan js.Value, 1)
	errc := make(chan error, 1)
	onOK := js.FuncOf(func(_ js.Value, a []js.Value) any {
		v := js.Undefined()
		if len(a) > 0 {
			v = a[0]
		}
		ch <- v
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, a []js.Value) any {
		if len(a) > 0 && a[0].Truthy() {
			errc <- errors.New(a[0].Call("toString").String())
		} else {
			errc <- errNoReason
		}
		return nil
	})
	js.Global().Get("Promise").Call("resolve", p).Call("then", onOK, onErr)
	release := func() { onOK.Release(); onErr.Release() }
	select {
	case v := <-ch:
		release()
		return v, nil
	case err := <-errc:
		release()
		return js.Undefined(), err
	case <-ctx.Done():
		// The funcs must outlive a promise that may still settle.
		return js.Undefined(), ctx.Err()
	}
}
