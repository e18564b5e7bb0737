package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStatRuns(t *testing.T) {
	runs := []any{
		map[string]any{"msgs_per_s": 300.0},
		map[string]any{"error": "boom"},
		map[string]any{"msgs_per_s": 100.0},
		map[string]any{"msgs_per_s": 200.0},
	}
	s := statRuns(runs, field("msgs_per_s"))
	if s.N != 3 || *s.Median != 200 || *s.Min != 100 || *s.Max != 300 {
		t.Fatalf("got %+v", s)
	}
	if got := fmtStat(&s, "msg/s"); got != "200 [100–300]" {
		t.Fatalf("fmtStat = %q", got)
	}
}

// A partial run (only cold start) still renders, with the rest "not run",
// and a missed target is a MISS, not an error.
func TestRunPartial(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	cold := `{"summary": {
		"ours": {"init_ms": {"n": 5, "median": 300, "min": 250, "max": 400}, "user_ms": {"n": 5, "median": 400, "min": 350, "max": 500}},
		"official": {"init_ms": {"n": 5, "median": 100, "min": 90, "max": 120}, "user_ms": {"n": 5, "median": 420, "min": 400, "max": 450}}}}`
	if err := os.WriteFile(filepath.Join(in, "cold.json"), []byte(cold), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(in, "", out); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| Cold start → init() resolved (ms) | 300 [250–400] | 100 [90.0–120] | 3.00× |", "MISS", "not run"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("REPORT.md lacks %q:\n%s", want, md)
		}
	}
	for _, f := range []string{"results.json", "chart.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}
