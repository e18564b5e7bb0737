//go:build js && wasm

package main

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"syscall/js"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/internal/v2compat"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

type bridge struct {
	mu        sync.Mutex
	next      int
	instances map[int]*instance
	funcs     []js.Func // live for the page's lifetime
}

func newBridge() *bridge { return &bridge{instances: map[int]*instance{}} }

func (b *bridge) fn(f func(this js.Value, args []js.Value) any) js.Func {
	jf := js.FuncOf(f)
	b.funcs = append(b.funcs, jf)
	return jf
}

// object is what the loader receives: {version, jsonImpl, create, call, dispose}.
func (b *bridge) object() js.Value {
	o := js.Global().Get("Object").New()
	o.Set("version", sdk.Version)
	o.Set("jsonImpl", jsonx.Impl)
	// The member table, for the shim's table test: built when read, not
	// on every page's start-up.
	desc := js.Global().Get("Object").New()
	desc.Set("get", b.fn(func(js.Value, []js.Value) any { return methodList() }))
	js.Global().Get("Object").Call("defineProperty", o, "methods", desc)
	o.Set("create", b.fn(func(_ js.Value, args []js.Value) any {
		if len(args) < 2 || args[0].Type() != js.TypeFunction || args[1].Type() != js.TypeFunction {
			panic("create(onEvents, onHook) needs two functions")
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		b.next++
		inst := newInstance(args[0], args[1])
		b.instances[b.next] = inst
		return b.next
	}))
	o.Set("call", b.fn(func(_ js.Value, args []js.Value) any {
		return b.call(args)
	}))
	// callSync is for the few pure v2 methods that return synchronously
	// (getThumbnailURL, generateMessage, …). It returns the JSON result, or
	// an Error object for the shim to throw. Handlers must not wait on I/O.
	o.Set("callSync", b.fn(func(_ js.Value, args []js.Value) any {
		if len(args) < 3 {
			return jsError(errors.New("callSync(handle, method, argsJSON)"))
		}
		b.mu.Lock()
		inst := b.instances[args[0].Int()]
		b.mu.Unlock()
		method := args[1].String()
		if inst == nil || !methods[method].sync {
			return jsError(errors.New("qiscus: " + method + " cannot be called synchronously"))
		}
		res, err := inst.dispatch(method, args[2].String(), nil)
		if err != nil {
			return jsError(err)
		}
		return string(res)
	}))
	o.Set("dispose", b.fn(func(_ js.Value, args []js.Value) any {
		if len(args) < 1 {
			return nil
		}
		b.mu.Lock()
		inst := b.instances[args[0].Int()]
		delete(b.instances, args[0].Int())
		b.mu.Unlock()
		if inst != nil {
			go inst.close()
		}
		return nil
	}))
	return o
}

// call(handle, method, argsJSON) returns a Promise of a JSON string. The
// work runs on its own goroutine so the event loop is never blocked.
func (b *bridge) call(args []js.Value) any {
	var inst *instance
	method, argsJSON := "", "[]"
	var extra []js.Value // values that cannot be JSON: a File, a progress callback
	if len(args) >= 3 {
		b.mu.Lock()
		inst = b.instances[args[0].Int()]
		b.mu.Unlock()
		method = args[1].String()
		argsJSON = args[2].String()
		extra = args[3:]
	}
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, pargs []js.Value) any {
		resolve, reject := pargs[0], pargs[1]
		executor.Release()
		go func() {
			var res []byte
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						err = errors.New("qiscus: internal error in " + method)
						js.Global().Get("console").Call("error", "qiscus-sdk-core panic:", method, toString(r))
					}
				}()
				if inst == nil {
					err = errors.New("qiscus: this QiscusSDKCore instance was disposed")
					return
				}
				res, err = inst.dispatch(method, argsJSON, extra)
			}()
			if inst != nil {
				// State and callbacks land before the Promise settles: wait
				// for the SDK's event goroutine to hand over everything the
				// call emitted, then send the batch.
				_ = inst.client.FlushEvents(inst.ctx)
				inst.flush()
			}
			if err != nil {
				reject.Invoke(jsError(err))
				return
			}
			if res == nil {
				res = []byte("null")
			}
			resolve.Invoke(string(res))
		}()
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}

func toString(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return "panic"
}

// jsError is an Error with .status (HTTP status, 0 for client-side
// errors) and, for failed sends, .unique_temp_id.
func jsError(err error) js.Value {
	e := js.Global().Get("Error").New(err.Error())
	e.Set("status", sdk.StatusOf(err))
	var se *sdk.SendError
	if errors.As(err, &se) {
		e.Set("unique_temp_id", se.UniqueTempID)
	}
	var ae *sdk.APIError
	if errors.As(err, &ae) {
		e.Set("serverMessage", ae.Message)
	}
	return e
}

// instance is one QiscusSDKCore object's Go side.
type instance struct {
	session  *v2compat.Session
	client   *sdk.Client
	onEvents js.Value
	onHook   js.Value
	ctx      context.Context
	cancel   context.CancelFunc

	mu         sync.Mutex
	batch      []byte // '[' ev, ev … (closed on flush)
	n          int
	scheduled  bool
	flushFn    js.Func
	port       js.Value // MessageChannel port that schedules flushes
	cursorSent int64    // last_received_comment_id last mirrored to JS
}

func newInstance(onEvents, onHook js.Value) *instance {
	ctx, cancel := context.WithCancel(context.Background())
	inst := &instance{onEvents: onEvents, onHook: onHook, ctx: ctx, cancel: cancel}
	inst.session = v2compat.NewSession(inst.push, inst.hook, consoleLogger{})
	inst.client = inst.session.Client
	inst.flushFn = js.FuncOf(func(js.Value, []js.Value) any {
		inst.flush()
		return nil
	})
	// A MessageChannel task runs as soon as the event loop is free, without
	// setTimeout's 4 ms clamp or the timer throttling of background tabs.
	if mc := js.Global().Get("MessageChannel"); mc.Type() == js.TypeFunction {
		ch := mc.New()
		ch.Get("port1").Set("onmessage", inst.flushFn)
		inst.port = ch.Get("port2")
	}
	return inst
}

func (inst *instance) close() {
	if inst.port.Truthy() {
		inst.port.Call("close")
	}
	inst.cancel()
	_ = inst.client.Close()
	inst.flush()
	inst.flushFn.Release()
}

// push queues an event; the first one of a batch schedules a flush for
// the next event-loop turn, so a burst costs one boundary crossing.
func (inst *instance) push(name string, args []any) {
	inst.mu.Lock()
	if inst.n == 0 {
		inst.batch = append(inst.batch[:0], '[')
	} else {
		inst.batch = append(inst.batch, ',')
	}
	inst.n++
	inst.batch = append(inst.batch, `{"n":`...)
	inst.batch = strconv.AppendQuote(inst.batch, name)
	inst.batch = append(inst.batch, `,"a":[`...)
	for i, a := range args {
		if i > 0 {
			inst.batch = append(inst.batch, ',')
		}
		inst.batch = v2compat.AppendJSON(inst.batch, a)
	}
	inst.batch = append(inst.batch, "]}"...)
	schedule := !inst.scheduled
	inst.scheduled = true
	inst.mu.Unlock()
	if schedule {
		if inst.port.Truthy() {
			inst.port.Call("postMessage", 0)
		} else {
			js.Global().Call("setTimeout", inst.flushFn, 0)
		}
	}
}

func (inst *instance) flush() {
	inst.mu.Lock()
	if inst.n == 0 {
		inst.scheduled = false
		inst.mu.Unlock()
		return
	}
	if cur := inst.client.LastDeliveredCommentID(); cur != inst.cursorSent {
		inst.cursorSent = cur
		inst.batch = append(inst.batch, `,{"n":"_state","a":[{"last_received_comment_id":`...)
		inst.batch = strconv.AppendInt(inst.batch, cur, 10)
		inst.batch = append(inst.batch, "}]}"...)
	}
	inst.batch = append(inst.batch, ']')
	s := string(inst.batch)
	inst.n = 0
	inst.scheduled = false
	inst.mu.Unlock()
	inst.onEvents.Invoke(s)
}

// hook calls the shim's onHook(name, json), which runs the app's
// functions and resolves to a JSON string. The goroutine waits; the event
// loop does not.
func (inst *instance) hook(ctx context.Context, name string, in []byte) ([]byte, error) {
	_ = inst.client.FlushEvents(ctx) // the app sees earlier events first
	inst.flush()
	v, err := await(ctx, inst.onHook.Invoke(name, string(in)))
	if errors.Is(err, errNoReason) {
		return nil, errors.New("hook failed")
	}
	if err != nil {
		return nil, err
	}
	if v.Type() != js.TypeString {
		return nil, errors.New(name + ": hook result is not serialisable")
	}
	return []byte(v.String()), nil
}
