//go:build !js

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The README tells Go users to depend on the unpublished module through a
// replace directive. This builds the bot as such an outside module, from the
// go.mod block in README.md (snippet:go-mod) with the clone's path filled in,
// offline (GOPROXY=off: only the module cache `make deps` filled). Its
// module graph (`go list -m all`) is what any Go program that imports sdk
// gets: it must hold none of the devserver's or the benchmarks' dependencies,
// nor the example and bench modules themselves.
func TestBuildsAsAnOutsideModule(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- snippet:go-mod -->\\s*```[a-z]*\\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no <!-- snippet:go-mod --> block")
	}
	const clone = "=> ../qiscus-sdk-core"
	if !bytes.Contains(m[1], []byte(clone)) {
		t.Fatalf("the go.mod snippet does not replace the module with %q:\n%s", clone, m[1])
	}
	gomod := bytes.Replace(m[1], []byte(clone), []byte("=> "+root), 1)

	dir := t.TempDir()
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"go.mod": gomod, "main.go": src, "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	goCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOFLAGS=-mod=mod", "GOOS=", "GOARCH=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	// `go mod tidy` would also want the test-only dependencies of the SDK's
	// dependencies, which an offline module cache need not hold; -mod=mod
	// adds what the build needs.
	goCmd("build", "-o", "bot", ".")
	// The binary runs and asks for its key.
	cmd := exec.CommandContext(ctx, filepath.Join(dir, "bot"))
	cmd.Env = []string{}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "-key") {
		t.Fatalf("bot without a key: %v\n%s", err, out)
	}
	graph := goCmd("list", "-m", "all")
	for _, line := range strings.Split(strings.TrimSpace(graph), "\n") {
		path, _, _ := strings.Cut(line, " ")
		for _, f := range notForSDKUsers {
			if path == f || strings.HasPrefix(path, f+"/") {
				t.Errorf("the module graph of a program importing sdk holds %s", line)
			}
		}
	}
	if t.Failed() {
		t.Logf("go list -m all:\n%s", graph)
	}
}

// notForSDKUsers are the modules (with their subpaths) that stay out of the
// module graph of a program that imports sdk: the reason example and bench
// have go.mod files of their own.
var notForSDKUsers = []string{
	"modernc.org/sqlite",              // the devserver's storage
	"github.com/mochi-mqtt/server/v2", // the devserver's broker
	"gonum.org/v1/plot",               // the benchmark charts
	"gonum.org/v1/gonum",
	"github.com/qiscus-go/qiscus-sdk-core/example", // the devserver, this bot, the integration tests
	"github.com/qiscus-go/qiscus-sdk-core/bench",
}
