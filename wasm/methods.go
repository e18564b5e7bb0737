//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"github.com/qiscus-go/qiscus-sdk-core/internal/v2compat"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// method is one QiscusSDKCore member. call converts what JSON cannot
// carry (a File, a callback: extra) and hands over to the adapter; sync
// members return at once in v2 and must not wait on I/O.
type method struct {
	name string
	call func(inst *instance, a v2compat.Args, extra []js.Value) ([]byte, error)
	sync bool
}

// v2 is a member whose arguments are all JSON: the adapter does the rest.
func v2(h v2compat.Handler) func(*instance, v2compat.Args, []js.Value) ([]byte, error) {
	return func(inst *instance, a v2compat.Args, _ []js.Value) ([]byte, error) {
		return h(inst.ctx, inst.session, a)
	}
}

// methods is every member, by name; the tables are per area.
var methods = func() map[string]method {
	m := map[string]method{}
	for _, t := range [][]method{authMethods, roomMethods, messageMethods, realtimeMethods, userMethods, fileMethods} {
		for _, x := range t {
			if _, dup := m[x.name]; dup {
				panic("wasm: method " + x.name + " listed twice")
			}
			m[x.name] = x
		}
	}
	return m
}()

func (inst *instance) dispatch(name, argsJSON string, extra []js.Value) ([]byte, error) {
	a, err := v2compat.ParseArgs(name, argsJSON)
	if err != nil {
		return nil, err
	}
	m, ok := methods[name]
	if !ok {
		return nil, fmt.Errorf("%w: unknown method %q", sdk.ErrInvalidArgument, name)
	}
	return m.call(inst, a, extra)
}
