package main

import (
	"os"
	"path/filepath"
	"testing"
)

// -cpuprofile and -memprofile leave two gzip-compressed pprof files at shutdown.
func TestRunWritesProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "mem.pprof")
	t.Run("serve", func(t *testing.T) {
		startRun(t, "-db", ":memory:", "-cpuprofile", cpu, "-memprofile", mem)
	}) // startRun's cleanup stops the server when the subtest ends
	for _, f := range []string{cpu, mem} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("%s: %d bytes, not a gzip-compressed profile", filepath.Base(f), len(b))
		}
	}
	if err := run(t.Context(), []string{"-cpuprofile", filepath.Join(dir, "no", "such", "dir")}, nil, nil); err == nil {
		t.Error("an unwritable -cpuprofile was accepted")
	}
}
