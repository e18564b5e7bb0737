# qiscus-sdk-core (Go/WebAssembly) — build, run and test.
#
#   make deps    install Debian chromium, brotli and mosquitto (if missing), npm ci (js/test),
#                go mod download in each Go module, and the pinned lint tools into bin/tools
#   make build   js/dist (wasm + its .br/.gz, UMD/ESM entries, types) and bin/devserver
#   make pack    the npm package qiscus-sdk-core-wasm as js/pack/*.tgz
#   make run     build, then run the dev server (ADDR=127.0.0.1:8080 DB=./data/qiscus.db)
#   make test    deps build lint, native Go tests (-race), Go wasm tests in Chromium,
#                browser end-to-end tests, the TypeScript usage check, and the package
#                checks (attw, publint, Vite/webpack builds, README snippets, Go bot)
#   make test-loaded  `make test` with two CPU-bound processes running alongside
#                (started and always killed by the target; each bounded by
#                LOAD_MAX_SECONDS, default 1800): a test that fails only here is a
#                race or a wrong expectation, not "a slow machine"
#   make lint    gofmt, go vet, staticcheck and govulncheck, each on the native build of
#                every Go module and on the js/wasm build (govulncheck reads the vulnerability database from the
#                pinned golang.org/x/vulndb module, so it needs only the module proxy)
#   make size    raw / gzip -9 / brotli -q 11 size of js/dist/qiscus-sdk-core.wasm
#   make clean   remove build outputs (js/dist, js/pack, bin, bench/out)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build
# A recipe that fails (e.g. brotli cut short) leaves no half-written target.
.DELETE_ON_ERROR:

# Go 1.26.10: 1.26.8 (what these machines have) has 14 standard-library
# advisories that govulncheck finds reachable from our code, fixed in 1.26.9 and
# 1.26.10. The go command fetches this toolchain from the module proxy once.
export GOTOOLCHAIN ?= go1.26.10

GO    ?= go
# The Go modules, each with its own go.mod: the SDK (the root: sdk, wasm,
# internal), example (the devserver, the bot and the devserver-backed
# integration tests) and bench. A program that imports sdk therefore has no
# SQLite, mochi-mqtt or gonum in its module graph (example/bot's
# TestBuildsAsAnOutsideModule checks it). example and bench use this checkout's
# SDK through replace directives.
GO_MODULES := . example bench
NODE  ?= node
NPM   ?= npm
ADDR  ?= 127.0.0.1:8080
DB    ?= ./data/qiscus.db

DIST          := js/dist
WASM          := $(DIST)/qiscus-sdk-core.wasm
PACK_DIR      := js/pack
TOOLS         := js/test
DEVSERVER_BIN := $(CURDIR)/bin/devserver
CHROMIUM      := /usr/bin/chromium
GOWASM_EXEC   := $(NODE) $(CURDIR)/js/test/gowasm-exec.mjs
LOAD_MAX_SECONDS ?= 1800

# Lint tools, pinned. They are built for the host (GOOS/GOARCH unset) and then
# run with GOOS=js GOARCH=wasm for the browser build. govulncheck cannot reach
# vuln.go.dev from CI, only the module proxy, so its database is the OSV
# directory of a pinned golang.org/x/vulndb module version (bump it to pick up
# new advisories).
TOOLS_BIN           := $(CURDIR)/bin/tools
STATICCHECK_VERSION := v0.8.2
GOVULNCHECK_VERSION := v1.9.0
VULNDB_VERSION      := v0.0.0-20261105234957-e22db6528018
STATICCHECK         := $(TOOLS_BIN)/staticcheck
# Standard-library advisories that govulncheck may accept for a reason written
# here; none today. Any reachable advisory not listed fails lint
# (.ci/govulncheck-gate.mjs).
GOVULN_STDLIB_KNOWN :=
GOVULNCHECK         := $(TOOLS_BIN)/govulncheck

# apt-get needs root; use sudo when we are not root and sudo exists.
SUDO := $(shell if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then echo sudo; fi)

.PHONY: all deps tools build wasm js compress devserver run test test-loaded gotest wasmtest e2e typecheck pack packtest lint size clean distclean

all: build

## deps: system packages, npm packages, Go modules
deps:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	command -v brotli >/dev/null 2>&1 || missing="$$missing brotli"; \
	command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing="$$missing mosquitto"; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing Debian packages:$$missing"; \
		$(SUDO) apt-get update; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi; \
	$(CHROMIUM) --version 2>/dev/null || true
	@if [ ! -d $(TOOLS)/node_modules ] || [ ! -f $(TOOLS)/node_modules/.package-lock.json ] || \
	    [ $(TOOLS)/package-lock.json -nt $(TOOLS)/node_modules/.package-lock.json ]; then \
		echo "deps: npm ci in $(TOOLS)"; \
		cd $(TOOLS) && $(NPM) ci --no-audit --no-fund; \
	fi
	for m in $(GO_MODULES); do $(GO) -C $$m mod download; done
	$(MAKE) --no-print-directory tools

# The pinned lint tools and vulnerability database (the module cache keeps them).
# A tool is (re)built when missing, of another version, or built by another Go.
tools:
	@gov="$$($(GO) env GOVERSION)"; \
	install() { echo "deps: $$1@$$2 ($$gov)"; GOOS= GOARCH= GOBIN=$(TOOLS_BIN) $(GO) install "$$1@$$2"; }; \
	built() { $(GO) version "$$1" 2>/dev/null | grep -q ": $$gov$$"; }; \
	{ built $(STATICCHECK) && $(STATICCHECK) -version | grep -qF '($(STATICCHECK_VERSION:v%=%))'; } || \
		install honnef.co/go/tools/cmd/staticcheck $(STATICCHECK_VERSION); \
	{ built $(GOVULNCHECK) && $(GOVULNCHECK) -version | grep -q 'govulncheck@$(GOVULNCHECK_VERSION)'; } || \
		install golang.org/x/vuln/cmd/govulncheck $(GOVULNCHECK_VERSION); \
	$(GO) mod download golang.org/x/vulndb@$(VULNDB_VERSION)

## build: the SDK bundle in js/dist and the dev server binary
build: wasm js compress devserver

# The wasm is replaced only when its bytes change, so an unchanged build keeps
# its mtime and `compress` does not run brotli again.
wasm:
	@mkdir -p $(DIST)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $(WASM).new ./wasm
	@if cmp -s $(WASM).new $(WASM); then rm $(WASM).new; else mv $(WASM).new $(WASM); fi

# The UMD/ESM entries (Go's wasm_exec.js bundled in) and their types.
js: wasm
	$(NODE) js/build.mjs

# Precompressed copies the devserver serves by Accept-Encoding (brotli -q 11
# takes ~20 s, so only when the wasm changed). Not part of the npm package.
compress: $(WASM).br $(WASM).gz
$(WASM).br: $(WASM)
	@if command -v brotli >/dev/null 2>&1; then brotli -q 11 -c $< > $@; else echo "compress: brotli missing (make deps), $@ not made"; fi
$(WASM).gz: $(WASM)
	gzip -9 -n -c $< > $@

devserver:
	@mkdir -p bin
	$(GO) -C example build -o $(DEVSERVER_BIN) ./devserver

## run: the dev server with the example page on http://$(ADDR)/
run: build
	$(DEVSERVER_BIN) -addr $(ADDR) -db $(DB) -sdk-dir $(DIST) -web-dir example/web

## test: everything CI runs
test: deps build lint
	$(MAKE) --no-print-directory gotest wasmtest e2e typecheck packtest

## test-loaded: `make test` next to two busy-looping processes. The hogs are
## killed on every exit path (trap), and each stops by itself after
## LOAD_MAX_SECONDS (bash's $SECONDS) even if this shell is killed outright.
test-loaded:
	@hogs=""; \
	trap 'if [ -n "$$hogs" ]; then kill $$hogs 2>/dev/null || true; wait $$hogs 2>/dev/null || true; fi' EXIT; \
	for i in 1 2; do \
		bash -c 'while [ $$SECONDS -lt $(LOAD_MAX_SECONDS) ]; do :; done' & hogs="$$hogs $$!"; \
	done; \
	echo "test-loaded: CPU hogs$$hogs (at most $(LOAD_MAX_SECONDS) s)"; \
	$(MAKE) --no-print-directory test

gotest:
	@failed=""; for m in $(GO_MODULES); do \
		echo "go test -race ($$m)"; $(GO) -C $$m test -race -count=1 ./... || failed="$$failed $$m"; \
	done; \
	if [ -n "$$failed" ]; then echo "gotest: failed in module(s):$$failed"; exit 1; fi

# Go js/wasm test binaries run in headless Chromium; js-only tests get a real
# dev server through QISCUS_TEST_BASE_URL. There is one browser build (the
# browser WebSocket and fetch through syscall/js), so one run.
wasmtest:
	GOOS=js GOARCH=wasm QISCUS_DEVSERVER_BIN=$(DEVSERVER_BIN) \
		$(GO) test -count=1 -exec "$(GOWASM_EXEC)" ./sdk/... ./wasm/...

# Browser end-to-end tests (ours <-> ours, official <-> ours, bad input).
e2e:
	cd $(TOOLS) && QISCUS_DEVSERVER_BIN=$(DEVSERVER_BIN) $(NPM) test

# The declarations in js/dist (ESM and CommonJS) against the v2 usage.
typecheck:
	cd $(TOOLS) && npx --no-install tsc --noEmit -p types && npx --no-install tsc --noEmit -p types/cjs

## pack: the npm package (wasm, ESM + UMD entries, types, README, LICENSE)
pack: wasm js
	@mkdir -p $(PACK_DIR)
	rm -f $(PACK_DIR)/*.tgz
	cd js && $(NPM) pack --pack-destination pack
	@ls -l $(PACK_DIR)/*.tgz

# The packed tarball: attw + publint, installed into Vite and webpack 5
# projects that are built and run in Chromium against the devserver, and the
# README's snippets in Chromium. (The Go bot's test is part of gotest.)
packtest: pack
	cd $(TOOLS) && QISCUS_DEVSERVER_BIN=$(DEVSERVER_BIN) \
		node --test --test-concurrency=1 pack/*.test.mjs

## lint: gofmt, then go vet, staticcheck and govulncheck on the native build
## of each Go module and on the js/wasm build (the root module's packages)
WASM_PKGS := ./sdk/... ./wasm/... ./internal/...
lint: tools
	for m in $(GO_MODULES); do $(GO) -C $$m vet ./...; (cd $$m && $(STATICCHECK) ./...); done
	GOOS=js GOARCH=wasm $(GO) vet $(WASM_PKGS)
	GOOS=js GOARCH=wasm $(STATICCHECK) $(WASM_PKGS)
	@db="file://$$($(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p')/data/osv"; \
	for build in $(GO_MODULES:%=native:%) js:.; do \
		dir=$${build#*:}; \
		case $$build in \
		native:*) env=""; pkgs="./...";; \
		js:*) env="GOOS=js GOARCH=wasm"; pkgs="$(WASM_PKGS)";; \
		esac; \
		echo "govulncheck ($$build): $$env $(GOVULNCHECK) -C $$dir -db $$db $$pkgs"; \
		env $$env $(GOVULNCHECK) -C "$$dir" -db "$$db" -format json $$pkgs | $(NODE) .ci/govulncheck-gate.mjs $(GOVULN_STDLIB_KNOWN); \
	done
	@unformatted="$$(find . -name '*.go' -not -path './.git/*' -not -path '*/node_modules/*' -print0 | xargs -0 -r gofmt -l)"; \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files need formatting:"; echo "$$unformatted"; exit 1; \
	fi

## size: transfer size of the wasm module
size:
	@if [ ! -f $(WASM) ]; then echo "size: $(WASM) missing, run 'make build'"; exit 1; fi
	@command -v brotli >/dev/null 2>&1 || { echo "size: brotli missing, run 'make deps'"; exit 1; }
	@raw=$$(stat -c %s $(WASM)); \
	gz=$$(gzip -9 -c $(WASM) | wc -c); \
	br=$$(brotli -q 11 -c $(WASM) | wc -c); \
	printf '%s\n  raw        %10d bytes\n  gzip -9    %10d bytes\n  brotli -11 %10d bytes\n' "$(WASM)" $$raw $$gz $$br

clean:
	rm -rf $(DIST) $(PACK_DIR) bin bench/out

distclean: clean
	rm -rf $(TOOLS)/node_modules js/test/bundlers/node_modules js/node_modules

## bench: our client vs the official qiscus-sdk-core@2.16.9 (not part of test;
## BENCH_QUICK=1 for a small validation run). Writes bench/REPORT.md,
## bench/results.json and bench/chart.png and prints the table.
.PHONY: bench
bench: deps build
	bash bench/run.sh
