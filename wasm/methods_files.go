//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"syscall/js"

	"github.com/qiscus-go/qiscus-sdk-core/internal/v2compat"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// upload: extra is [File or Blob, callback?]; the callback sees progress
// events, then (null, null, url).
func upload(inst *instance, a v2compat.Args, extra []js.Value) ([]byte, error) {
	var cb js.Value
	if len(extra) > 1 && extra[1].Type() == js.TypeFunction {
		cb = extra[1]
	}
	send := func(ctx context.Context, room int64) (string, *sdk.Comment, error) {
		if len(extra) < 1 || extra[0].Type() != js.TypeObject || extra[0].Get("size").Type() != js.TypeNumber {
			return "", nil, v2compat.FileArgError(a)
		}
		blob := extra[0]
		data, err := blobBytes(ctx, blob)
		if err != nil {
			return "", nil, err
		}
		name := "file"
		if n := blob.Get("name"); n.Type() == js.TypeString && n.String() != "" {
			name = n.String()
		}
		o := sdk.UploadOptions{RoomID: room, ContentType: blob.Get("type").String()}
		if cb.Truthy() {
			o.Progress = func(sent, total int64) { cb.Invoke(js.Null(), progressEvent(sent, total)) }
		}
		up, err := inst.client.Upload(ctx, name, bytes.NewReader(data), o)
		if up == nil {
			return "", nil, err
		}
		return up.URL, up.Comment, err
	}
	var done func(string)
	if cb.Truthy() {
		done = func(url string) { cb.Invoke(js.Null(), js.Null(), url) }
	}
	return v2compat.Upload(inst.ctx, a, send, done)
}

// blobBytes reads a File or Blob.
func blobBytes(ctx context.Context, blob js.Value) ([]byte, error) {
	buf, err := await(ctx, blob.Call("arrayBuffer"))
	if err != nil {
		return nil, err
	}
	u8 := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, u8.Get("length").Int())
	js.CopyBytesToGo(b, u8)
	return b, nil
}

// progressEvent is what XMLHttpRequest's upload progress handler gets.
func progressEvent(sent, total int64) js.Value {
	init := js.Global().Get("Object").New()
	init.Set("loaded", sent)
	init.Set("total", total)
	init.Set("lengthComputable", true)
	return js.Global().Get("ProgressEvent").New("progress", init)
}
