// Package mirror carries the v2 adapter's private view of a Client: the
// events that keep the JS object's mirrored properties (isLogin, userData,
// selected, selected.comments …) up to date. They travel through the same
// ordered queue as the public events, but only the adapter sees them: a Go
// program cannot import this package, so sdk.Config.OnEvent never gets them.
package mirror

// Event is one mirror update in v2 terms: Name is "_state", "_selected",
// "_selectedComment" or "_selectedPatch"; Args hold plain Go values, with
// *sdk.Comment and *sdk.Room values (copies owned by the event) that the
// adapter renders in the v2 shape.
type Event struct {
	Name string
	Args []any
}

// Sink receives a client's mirror events on its event goroutine, in order
// with the public ones.
type Sink func(Event)

// Attach connects a sink to a *sdk.Client; package sdk sets it in its init
// (this package cannot import sdk, which imports it).
var Attach func(client any, s Sink)
