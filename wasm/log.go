//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"
)

// consoleLogger is debugMode's logger: console.log with v2's prefix.
type consoleLogger struct{}

func (consoleLogger) log(level, msg string, kv []any) {
	args := []any{"Qiscus ->", level, msg}
	for i := 0; i+1 < len(kv); i += 2 {
		args = append(args, fmt.Sprint(kv[i])+"="+fmt.Sprint(kv[i+1]))
	}
	js.Global().Get("console").Call("log", args...)
}

func (l consoleLogger) Debug(msg string, kv ...any) { l.log("DEBUG", msg, kv) }
func (l consoleLogger) Info(msg string, kv ...any)  { l.log("INFO", msg, kv) }
func (l consoleLogger) Warn(msg string, kv ...any)  { l.log("WARN", msg, kv) }
func (l consoleLogger) Error(msg string, kv ...any) { l.log("ERROR", msg, kv) }
