// Package probe reads sdk internals that are not API, for the tests of
// this repository that live outside package sdk (the devserver-backed
// integration tests in the example module). A Go program cannot import it.
package probe

// HeldCount is how many comments a *sdk.Client holds back until a gap in
// their room is filled. Package sdk sets it in its init (this package
// cannot import sdk, which imports it).
var HeldCount func(client any) int
