// Command wasmsize measures the download weight of both SDKs and where the
// bytes of our wasm module go.
//
// It builds size variants of ./wasm (and notes which one js/dist holds),
// compresses every file a page must fetch with the gzip and brotli command
// line tools (gzip -9, brotli -q 11), and attributes the code section of an
// unstripped build to Go packages using the wasm "name" section: function
// body sizes summed by package. The code section size is cross-checked
// against wasm-objdump -h (Debian wabt) when it is installed.
//
//	go -C bench build -o out/bin/ ./cmd/wasmsize # from the repository root; bench is its own module
//	bench/out/bin/wasmsize -out bench/out/size.json
package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

type fileSize struct {
	Name   string `json:"name"`
	Raw    int    `json:"raw"`
	Gzip   int    `json:"gzip"`
	Brotli int    `json:"brotli"`
}

type bundle struct {
	Name   string     `json:"name"`
	Desc   string     `json:"desc"`
	Files  []fileSize `json:"files"`
	Raw    int        `json:"raw"`
	Gzip   int        `json:"gzip"`
	Brotli int        `json:"brotli"`
}

type pkgSize struct {
	Package   string  `json:"package"`
	Bytes     int     `json:"bytes"`
	Functions int     `json:"functions"`
	Percent   float64 `json:"percent_of_code"`
}

type breakdown struct {
	Variant        string         `json:"variant"`
	Sections       map[string]int `json:"sections"`
	CodeBytes      int            `json:"code_bytes"`
	Functions      int            `json:"functions"`
	Packages       []pkgSize      `json:"packages"`
	Groups         []pkgSize      `json:"groups"`
	ObjdumpCode    int            `json:"objdump_code_bytes,omitempty"`
	ObjdumpCheck   string         `json:"objdump_check"`
	UnnamedBodies  int            `json:"unnamed_bytes"`
	NameSectionNow bool           `json:"has_name_section"`
}

type report struct {
	At string `json:"at"`
	// DistVariant names the variant js/dist/qiscus-sdk-core.wasm is identical
	// to: the build the browser benchmarks loaded.
	DistVariant string      `json:"dist_variant"`
	GoVersion   string      `json:"go_version"`
	Bundles     []bundle    `json:"bundles"`
	Breakdowns  []breakdown `json:"breakdowns"`
}

func main() {
	out := flag.String("out", "bench/out/size.json", "where to write the JSON")
	work := flag.String("work", "bench/out/wasm", "directory for the variant builds")
	dist := flag.String("dist", "js/dist", "our built SDK (qiscus-sdk-core.js, which bundles wasm_exec.js, and qiscus-sdk-core.wasm)")
	official := flag.String("official", "js/test/node_modules/qiscus-sdk-core/dist/qiscus-sdk-core.min.js", "the official UMD bundle")
	flag.Parse()
	if err := run(*out, *work, *dist, *official); err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

// variant is one build of ./wasm.
type variant struct {
	name, desc string
	args       []string // go build flags
	stripped   bool
}

var variants = []variant{
	{"default", "shipped build: -trimpath -ldflags='-s -w', encoding/json, the browser WebSocket and fetch through syscall/js", []string{"-trimpath", "-ldflags=-s -w"}, true},
	{"goccy", "-tags goccy (goccy/go-json instead of encoding/json), -ldflags='-s -w'", []string{"-trimpath", "-tags", "goccy", "-ldflags=-s -w"}, true},
	{"default-names", "default without -s -w, for the name section", []string{"-trimpath"}, false},
	{"goccy-names", "goccy without -s -w, for the name section", []string{"-trimpath", "-tags", "goccy"}, false},
}

func run(out, work, dist, official string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	goVer, _ := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	rep := report{At: time.Now().UTC().Format(time.RFC3339), GoVersion: strings.TrimSpace(string(goVer))}

	shim := filepath.Join(dist, "qiscus-sdk-core.js")
	builds := map[string]string{}
	for _, v := range variants {
		p := filepath.Join(work, v.name+".wasm")
		args := append([]string{"build"}, v.args...)
		args = append(args, "-o", p, "./wasm")
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build %s: %w", v.name, err)
		}
		fmt.Fprintf(os.Stderr, "wasmsize: built %s in %.1f s\n", v.name, time.Since(start).Seconds())
		builds[v.name] = p
	}

	rep.DistVariant = "none of the variants (a local build?)"
	if distWasm, err := os.ReadFile(filepath.Join(dist, "qiscus-sdk-core.wasm")); err == nil {
		for _, v := range variants {
			if b, err := os.ReadFile(builds[v.name]); err == nil && v.stripped && bytes.Equal(b, distWasm) {
				rep.DistVariant = v.name
				break
			}
		}
	}
	fmt.Fprintln(os.Stderr, "wasmsize: js/dist holds the", rep.DistVariant, "build")
	for _, v := range variants {
		if !v.stripped {
			continue
		}
		b := bundle{Name: "ours-" + v.name, Desc: v.desc}
		for _, f := range []string{shim, builds[v.name]} {
			fs, err := measure(ctx, f)
			if err != nil {
				return err
			}
			if f == builds[v.name] {
				fs.Name = "qiscus-sdk-core.wasm"
			}
			b.add(fs)
		}
		rep.Bundles = append(rep.Bundles, b)
	}
	ob := bundle{Name: "official", Desc: "qiscus-sdk-core@2.16.9 dist/qiscus-sdk-core.min.js"}
	fs, err := measure(ctx, official)
	if err != nil {
		return err
	}
	ob.add(fs)
	rep.Bundles = append(rep.Bundles, ob)

	idx, err := listPackages(ctx, "", "goccy")
	if err != nil {
		return err
	}
	for _, name := range []string{"default-names", "goccy-names"} {
		bd, err := analyse(ctx, builds[name], idx)
		if err != nil {
			return fmt.Errorf("analyse %s: %w", name, err)
		}
		bd.Variant = strings.TrimSuffix(name, "-names")
		rep.Breakdowns = append(rep.Breakdowns, bd)
	}

	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	js, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.WriteFile(out, append(js, '\n'), 0o644); err != nil {
		return err
	}
	for _, b := range rep.Bundles {
		fmt.Fprintf(os.Stderr, "wasmsize: %-16s raw %9d  gzip %9d  brotli %9d\n", b.Name, b.Raw, b.Gzip, b.Brotli)
	}
	fmt.Fprintln(os.Stderr, "wasmsize: wrote", out)
	return nil
}

func (b *bundle) add(f fileSize) {
	b.Files = append(b.Files, f)
	b.Raw += f.Raw
	b.Gzip += f.Gzip
	b.Brotli += f.Brotli
}

func measure(ctx context.Context, path string) (fileSize, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fileSize{}, err
	}
	gz, err := compressedLen(ctx, raw, "gzip", "-9", "-c")
	if err != nil {
		return fileSize{}, err
	}
	br, err := compressedLen(ctx, raw, "brotli", "-q", "11", "-c")
	if err != nil {
		return fileSize{}, err
	}
	return fileSize{Name: filepath.Base(path), Raw: len(raw), Gzip: gz, Brotli: br}, nil
}

func compressedLen(ctx context.Context, data []byte, tool string, args ...string) (int, error) {
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Stdin = bytes.NewReader(data)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s (apt-get install %s): %w", tool, tool, err)
	}
	return out.Len(), nil
}

// ---------------------------------------------------------------------------
// wasm parsing: just enough to pair code bodies with the name section.

var sectionNames = map[byte]string{
	0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
	7: "export", 8: "start", 9: "elem", 10: "code", 11: "data", 12: "datacount",
}

type reader struct {
	b   []byte
	off int
}

func (r *reader) uleb() (uint64, error) {
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		return 0, fmt.Errorf("bad LEB128 at offset %d", r.off)
	}
	r.off += n
	return v, nil
}

func (r *reader) bytes(n int) ([]byte, error) {
	if n < 0 || r.off+n > len(r.b) {
		return nil, fmt.Errorf("truncated at offset %d", r.off)
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s, nil
}

func (r *reader) name() (string, error) {
	n, err := r.uleb()
	if err != nil {
		return "", err
	}
	s, err := r.bytes(int(n))
	return string(s), err
}

func analyse(ctx context.Context, path string, idx *pkgIndex) (breakdown, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return breakdown{}, err
	}
	if len(data) < 8 || string(data[:4]) != "\x00asm" {
		return breakdown{}, errors.New("not a wasm module")
	}
	bd := breakdown{Sections: map[string]int{}}
	r := &reader{b: data, off: 8}
	var imported int
	var bodies []int
	names := map[int]string{}
	for r.off < len(data) {
		id := data[r.off]
		r.off++
		size, err := r.uleb()
		if err != nil {
			return bd, err
		}
		payload, err := r.bytes(int(size))
		if err != nil {
			return bd, err
		}
		sec := sectionNames[id]
		sr := &reader{b: payload}
		switch id {
		case 0:
			cname, err := sr.name()
			if err != nil {
				return bd, err
			}
			sec = "custom:" + cname
			if cname == "name" {
				bd.NameSectionNow = true
				if err := parseNames(sr, names); err != nil {
					return bd, fmt.Errorf("name section: %w", err)
				}
			}
		case 2:
			if imported, err = countFuncImports(sr); err != nil {
				return bd, fmt.Errorf("import section: %w", err)
			}
		case 10:
			n, err := sr.uleb()
			if err != nil {
				return bd, err
			}
			for i := 0; i < int(n); i++ {
				sz, err := sr.uleb()
				if err != nil {
					return bd, err
				}
				if _, err := sr.bytes(int(sz)); err != nil {
					return bd, err
				}
				bodies = append(bodies, int(sz))
			}
			bd.CodeBytes = int(size)
		}
		bd.Sections[sec] += int(size)
	}
	if !bd.NameSectionNow {
		return bd, errors.New("no name section (build without -s -w)")
	}
	bd.Functions = len(bodies)
	byPkg := map[string]*pkgSize{}
	byGroup := map[string]*pkgSize{}
	for i, sz := range bodies {
		fn, ok := names[imported+i]
		if !ok {
			bd.UnnamedBodies += sz
			continue
		}
		p := idx.packageOf(fn)
		for _, m := range []struct {
			m   map[string]*pkgSize
			key string
		}{{byPkg, p}, {byGroup, groupOf(p)}} {
			e := m.m[m.key]
			if e == nil {
				e = &pkgSize{Package: m.key}
				m.m[m.key] = e
			}
			e.Bytes += sz
			e.Functions++
		}
	}
	sorted := func(m map[string]*pkgSize) []pkgSize {
		var out []pkgSize
		for _, e := range m {
			e.Percent = 100 * float64(e.Bytes) / float64(bd.CodeBytes)
			out = append(out, *e)
		}
		slices.SortFunc(out, func(a, b pkgSize) int {
			return cmp.Or(cmp.Compare(b.Bytes, a.Bytes), cmp.Compare(a.Package, b.Package))
		})
		return out
	}
	bd.Packages, bd.Groups = sorted(byPkg), sorted(byGroup)
	bd.ObjdumpCheck = "wasm-objdump not installed"
	if out, err := exec.CommandContext(ctx, "wasm-objdump", "-h", path).Output(); err == nil {
		m := regexp.MustCompile(`(?m)^\s*Code start=0x[0-9a-f]+ end=0x[0-9a-f]+ \(size=0x([0-9a-f]+)\)`).FindSubmatch(out)
		if m == nil {
			bd.ObjdumpCheck = "wasm-objdump -h: no Code line"
		} else {
			v, _ := strconv.ParseInt(string(m[1]), 16, 64)
			bd.ObjdumpCode = int(v)
			if int(v) == bd.CodeBytes {
				bd.ObjdumpCheck = "code section size matches wasm-objdump -h"
			} else {
				bd.ObjdumpCheck = fmt.Sprintf("MISMATCH: wasm-objdump -h says %d", v)
			}
		}
	}
	return bd, nil
}

func countFuncImports(r *reader) (int, error) {
	n, err := r.uleb()
	if err != nil {
		return 0, err
	}
	funcs := 0
	for i := 0; i < int(n); i++ {
		if _, err := r.name(); err != nil {
			return 0, err
		}
		if _, err := r.name(); err != nil {
			return 0, err
		}
		kind, err := r.bytes(1)
		if err != nil {
			return 0, err
		}
		switch kind[0] {
		case 0: // func: type index
			funcs++
			_, err = r.uleb()
		case 1: // table: reftype + limits
			if _, err = r.bytes(1); err == nil {
				err = skipLimits(r)
			}
		case 2: // memory
			err = skipLimits(r)
		case 3: // global: valtype + mut
			_, err = r.bytes(2)
		default:
			err = fmt.Errorf("unknown import kind %d", kind[0])
		}
		if err != nil {
			return 0, err
		}
	}
	return funcs, nil
}

func skipLimits(r *reader) error {
	flag, err := r.bytes(1)
	if err != nil {
		return err
	}
	if _, err := r.uleb(); err != nil {
		return err
	}
	if flag[0]&1 == 1 {
		_, err = r.uleb()
	}
	return err
}

// parseNames reads subsection 1 (function names) of the name section.
func parseNames(r *reader, names map[int]string) error {
	for r.off < len(r.b) {
		id, err := r.bytes(1)
		if err != nil {
			return err
		}
		size, err := r.uleb()
		if err != nil {
			return err
		}
		sub, err := r.bytes(int(size))
		if err != nil {
			return err
		}
		if id[0] != 1 {
			continue
		}
		sr := &reader{b: sub}
		n, err := sr.uleb()
		if err != nil {
			return err
		}
		for i := 0; i < int(n); i++ {
			idx, err := sr.uleb()
			if err != nil {
				return err
			}
			name, err := sr.name()
			if err != nil {
				return err
			}
			names[int(idx)] = name
		}
	}
	return nil
}

// The linker writes symbol names into the name section with every character
// other than letters, digits, '.' and '_' replaced by '_' (so
// "github.com/coder/websocket.(*Conn).Read" becomes
// "github.com_coder_websocket.__Conn_.Read"). Packages are therefore found by
// the longest known import path, mangled the same way, that prefixes a name.
func mangle(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, s)
}

type pkgIndex struct {
	byMangled map[string]string // mangled import path -> import path
	maxLen    int
}

// listPackages returns every package linked into ./wasm for the given tags.
func listPackages(ctx context.Context, tagSets ...string) (*pkgIndex, error) {
	idx := &pkgIndex{byMangled: map[string]string{}}
	for _, tags := range tagSets {
		cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-tags", tags, "-f", "{{.ImportPath}} {{.Name}}", "./wasm")
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list: %w", err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			p, name, _ := strings.Cut(line, " ")
			m := mangle(p)
			if name == "main" {
				m = "main" // the linker names the main package "main"
			}
			idx.byMangled[m] = p
			idx.maxLen = max(idx.maxLen, len(m))
		}
	}
	return idx, nil
}

// packageOf returns the import path of a (mangled) function name.
func (idx *pkgIndex) packageOf(sym string) string {
	switch {
	case strings.HasPrefix(sym, "type_."), strings.HasPrefix(sym, "go_"):
		return "<compiler-generated>"
	}
	// Try every '.' position, longest prefix first.
	for i := min(len(sym)-1, idx.maxLen); i > 0; i-- {
		if sym[i] != '.' {
			continue
		}
		if p, ok := idx.byMangled[sym[:i]]; ok {
			return p
		}
	}
	if !strings.Contains(sym, ".") {
		return "<runtime assembly>"
	}
	// A standard package that go list does not show (linknamed), e.g. runtime/debug.
	if first, _, _ := strings.Cut(sym, "."); !strings.Contains(first, "__") {
		return strings.ReplaceAll(first, "_", "/")
	}
	return "<unknown>"
}

// groupOf folds packages into the families the report talks about.
func groupOf(p string) string {
	const ours = "github.com/qiscus-go/qiscus-sdk-core/"
	switch {
	case strings.HasPrefix(p, ours):
		return "ours: " + strings.TrimPrefix(p, ours)
	case p == "runtime" || strings.HasPrefix(p, "runtime/") || strings.HasPrefix(p, "internal/runtime/") || p == "<runtime assembly>":
		return "runtime"
	case strings.HasPrefix(p, "github.com/"), strings.HasPrefix(p, "golang.org/"):
		parts := strings.SplitN(p, "/", 4)
		if len(parts) >= 3 {
			return strings.Join(parts[:3], "/")
		}
		return p
	case strings.HasPrefix(p, "crypto/"), p == "crypto":
		return "crypto"
	case strings.HasPrefix(p, "net/http"):
		return "net/http"
	case strings.HasPrefix(p, "internal/"):
		return "internal/* (std)"
	case strings.HasPrefix(p, "vendor/"):
		return "vendor/* (std)"
	}
	return p
}
