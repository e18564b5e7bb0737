package main

import "testing"

func TestPackageOf(t *testing.T) {
	idx := &pkgIndex{byMangled: map[string]string{}}
	for _, p := range []string{"runtime", "encoding/json", "github.com/coder/websocket",
		"github.com/eclipse/paho.golang/paho", "github.com/eclipse/paho.golang/packets",
		"github.com/qiscus-go/qiscus-sdk-core/sdk"} {
		m := mangle(p)
		idx.byMangled[m] = p
		idx.maxLen = max(idx.maxLen, len(m))
	}
	idx.byMangled["main"] = "github.com/qiscus-go/qiscus-sdk-core/wasm"
	for sym, want := range map[string]string{
		"runtime.mallocgc":                                          "runtime",
		"encoding_json.__decodeState_.object":                       "encoding/json",
		"github.com_coder_websocket.__Conn_.Read":                   "github.com/coder/websocket",
		"github.com_eclipse_paho.golang_paho.__Client_.Connect":     "github.com/eclipse/paho.golang/paho",
		"github.com_eclipse_paho.golang_packets.__Connect_.WriteTo": "github.com/eclipse/paho.golang/packets",
		"github.com_qiscus_go_qiscus_sdk_core_sdk.NewClient":        "github.com/qiscus-go/qiscus-sdk-core/sdk",
		"main.__bridge_.call.func1":                                 "github.com/qiscus-go/qiscus-sdk-core/wasm",
		"type_.eq.encoding_json.UnsupportedValueError":              "<compiler-generated>",
		"runtime_debug.SetTraceback":                                "runtime/debug",
		"wasm_export_run":                                           "<runtime assembly>",
	} {
		if got := idx.packageOf(sym); got != want {
			t.Errorf("packageOf(%q) = %q, want %q", sym, got, want)
		}
	}
}

func TestGroupOf(t *testing.T) {
	for p, want := range map[string]string{
		"internal/runtime/maps":                    "runtime",
		"crypto/internal/fips140/nistec":           "crypto",
		"github.com/eclipse/paho.golang/paho":      "github.com/eclipse/paho.golang",
		"github.com/qiscus-go/qiscus-sdk-core/sdk": "ours: sdk",
		"net/http/internal/httpcommon":             "net/http",
		"encoding/json":                            "encoding/json",
	} {
		if got := groupOf(p); got != want {
			t.Errorf("groupOf(%q) = %q, want %q", p, got, want)
		}
	}
}
