package sdk

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitTopic(t *testing.T) {
	tests := []struct {
		topic string
		want  []string
	}{
		{"tok/c", []string{"tok", "c"}},
		{"app/unique/c", []string{"app", "unique", "c"}},
		{"r/1/1/alice/t", []string{"r", "1", "1", "alice", "t"}},
		{"", []string{""}},
		{"/", []string{"", ""}},
		{"noslash", []string{"noslash"}},
		{"a/b/c/d/e/f", nil}, // six parts: no route has that many
		{"a/b/c/d/e/", nil},
	}
	for _, tt := range tests {
		var buf [5]string
		got := splitTopic(tt.topic, buf[:])
		if !slices.Equal(got, tt.want) {
			t.Errorf("splitTopic(%q) = %q, want %q", tt.topic, got, tt.want)
		}
		if tt.want != nil && !slices.Equal(got, strings.Split(tt.topic, "/")) {
			t.Errorf("splitTopic(%q) = %q differs from strings.Split", tt.topic, got)
		}
	}
}

func BenchmarkRouteTopicSplit(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var buf [5]string
		if parts := splitTopic("r/1/1/alice/t", buf[:]); len(parts) != 5 {
			b.Fatal("want 5 parts")
		}
	}
}
