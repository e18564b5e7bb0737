// Package v2compat is the Qiscus SDK v2 JavaScript API expressed over the
// Go client in package sdk: everything that exists only because the JS
// object must behave like the official qiscus-sdk-core v2.
//
//   - argument conventions: positional, optional and loosely typed
//     arguments (ids as numbers or strings, payloads as objects or JSON
//     strings), validated with errors that name the method and argument;
//   - result shapes: v2's Comment and Room objects (unique_id, isPending,
//     room_type, count_notif …) and the other JSON results;
//   - callbacks: each sdk.Event becomes the v2 callback name and arguments
//     (newMessages, commentSent, typing …);
//   - mirror events: _state, _selected, _selectedComment and _selectedPatch,
//     which keep the JS object's properties (isLogin, userData, selected)
//     in step, in order with the callbacks.
//
// It is pure Go (no syscall/js) so all of it is tested natively; the wasm
// bridge only converts js.Value arguments to JSON and back and calls the
// handlers in Methods.
package v2compat
