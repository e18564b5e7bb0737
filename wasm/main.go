//go:build js && wasm

// Command wasm is the browser build of the SDK: syscall/js bindings only.
// It exposes one generic bridge to the JS shim (js/src): create an
// instance, call(method, argsJSON) → Promise<resultJSON>, and events
// delivered in batches, once per event-loop turn. The members are tables
// per area (methods_*.go) whose entries hand over to internal/v2compat,
// which holds the v2 conventions; the chat logic lives in sdk.
package main

import (
	"syscall/js"
)

func main() {
	b := newBridge()
	ready := js.Global().Get("__qiscusSDKCoreReady")
	if ready.Type() != js.TypeFunction {
		js.Global().Get("console").Call("error", "qiscus-sdk-core: wasm started without the JS loader")
		return
	}
	ready.Invoke(b.object())
	select {} // serve calls forever
}
