//go:build js && wasm

package main

import (
	"context"
	"log/slog"
	"syscall/js"
	"time"
)

// consoleLogger is debugMode's logger: console.log with v2's prefix.
func consoleLogger() *slog.Logger { return slog.New(consoleHandler{}) }

type consoleHandler struct{ attrs []slog.Attr }

func (consoleHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h consoleHandler) Handle(_ context.Context, r slog.Record) error {
	args := []any{"Qiscus ->", r.Level.String(), r.Message}
	for _, a := range h.attrs {
		args = append(args, a.Key+"="+a.Value.String())
	}
	r.Attrs(func(a slog.Attr) bool {
		args = append(args, a.Key+"="+a.Value.String())
		return true
	})
	js.Global().Get("console").Call("log", args...)
	return nil
}
func (h consoleHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return consoleHandler{attrs: append(append([]slog.Attr(nil), h.attrs...), as...)}
}
func (h consoleHandler) WithGroup(string) slog.Handler { return h }

func msDuration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }
