package static

import "testing"

func TestHashedName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"qiscus-sdk-core.wasm", false},
		{"qiscus-sdk-core.mjs", false},
		{"index.html", false},
		{"app.js", false},
		{"chat-store.mjs", false},
		{"d08b53f60b260b91d724.wasm", true},     // webpack [hash][ext]
		{"main.424910d46a9c22a4fe93.js", true},  // webpack [name].[contenthash].js
		{"qiscus-sdk-core-Ch8vCQyj.wasm", true}, // Vite name-[hash].ext
		{"index-BsnXqXA3.js", true},
		{"some-longname.js", false},
		{"vendor-deadbeef.js", true},
	}
	for _, tc := range tests {
		if got := hashedName(tc.name); got != tc.want {
			t.Errorf("hashedName(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
