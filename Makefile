# qiscus-sdk-core (Go/WebAssembly) — build, run and test.
#
#   make deps    install Debian chromium + brotli (if missing), npm ci, go mod download
#   make build   js/dist (wasm, wasm_exec.js, UMD/ESM shim) and bin/devserver
#   make run     build, then run the dev server (ADDR=127.0.0.1:8080 DB=./data/qiscus.db)
#   make test    deps build lint, native Go tests (-race), Go wasm tests in Chromium,
#                browser end-to-end tests, and the TypeScript usage check when present
#   make test-loaded  `make test` with two CPU-bound processes running alongside
#                (started and always killed by the target; each bounded by
#                LOAD_MAX_SECONDS, default 1800): a test that fails only here is a
#                race or a wrong expectation, not "a slow machine"
#   make lint    go vet (native and js/wasm) and gofmt
#   make build-small  the size-optimised wasm variant (-tags jsws) into js/dist
#   make size    raw / gzip -9 / brotli -q 11 size of js/dist/qiscus-sdk-core.wasm
#   make clean   remove build outputs (js/dist, bin, bench/out)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO    ?= go
NODE  ?= node
NPM   ?= npm
ADDR  ?= 127.0.0.1:8080
DB    ?= ./data/qiscus.db

DIST          := js/dist
WASM          := $(DIST)/qiscus-sdk-core.wasm
DEVSERVER_BIN := $(CURDIR)/bin/devserver
CHROMIUM      := /usr/bin/chromium
GOWASM_EXEC   := $(NODE) $(CURDIR)/js/test/gowasm-exec.mjs
LOAD_MAX_SECONDS ?= 1800

# apt-get needs root; use sudo when we are not root and sudo exists.
SUDO := $(shell if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then echo sudo; fi)

.PHONY: all deps build build-small wasm js devserver run test test-loaded gotest wasmtest e2e typecheck lint size clean distclean

all: build

## deps: system packages, npm packages, Go modules
deps:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	command -v brotli >/dev/null 2>&1 || missing="$$missing brotli"; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing Debian packages:$$missing"; \
		$(SUDO) apt-get update; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi; \
	$(CHROMIUM) --version 2>/dev/null || true
	@if [ ! -d js/node_modules ] || [ ! -f js/node_modules/.package-lock.json ] || \
	    [ js/package-lock.json -nt js/node_modules/.package-lock.json ]; then \
		echo "deps: npm ci"; \
		cd js && $(NPM) ci --no-audit --no-fund; \
	fi
	$(GO) mod download

## build: the SDK bundle in js/dist and the dev server binary
build: wasm js devserver

wasm:
	@mkdir -p $(DIST)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $(WASM) ./wasm
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $(DIST)/wasm_exec.js

js: wasm
	$(NODE) js/build.mjs

devserver:
	@mkdir -p bin
	$(GO) build -o $(DEVSERVER_BIN) ./example/devserver

## run: the dev server with the example page on http://$(ADDR)/
run: build
	$(GO) run ./example/devserver -addr $(ADDR) -db $(DB) -sdk-dir $(DIST) -web-dir example/web

## test: everything CI runs
test: deps build lint
	$(MAKE) --no-print-directory gotest wasmtest e2e typecheck

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
	$(GO) test -race -count=1 ./...

# Go js/wasm test binaries run in headless Chromium; js-only tests get a real
# dev server through QISCUS_TEST_BASE_URL.
# The size-optimised variant (-tags jsws: the browser WebSocket through
# syscall/js instead of coder/websocket) runs the same tests.
wasmtest:
	GOOS=js GOARCH=wasm QISCUS_DEVSERVER_BIN=$(DEVSERVER_BIN) \
		$(GO) test -count=1 -exec "$(GOWASM_EXEC)" ./sdk/... ./wasm/...
	GOOS=js GOARCH=wasm QISCUS_DEVSERVER_BIN=$(DEVSERVER_BIN) \
		$(GO) test -tags jsws -count=1 -exec "$(GOWASM_EXEC)" ./sdk/... ./wasm/...

## build-small: the size-optimised wasm (-tags jsws) as js/dist/qiscus-sdk-core.wasm
build-small:
	@mkdir -p $(DIST)
	GOOS=js GOARCH=wasm $(GO) build -tags jsws -trimpath -ldflags='-s -w' -o $(WASM) ./wasm
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $(DIST)/wasm_exec.js
	$(NODE) js/build.mjs

# Browser end-to-end tests (ours <-> ours, official <-> ours, bad input).
e2e:
	cd js && QISCUS_DEVSERVER_BIN=$(DEVSERVER_BIN) $(NPM) test

typecheck:
	@if [ -f js/test/types/usage.ts ]; then \
		echo "typecheck: tsc --noEmit -p js/test/types"; \
		cd js && npx --no-install tsc --noEmit -p test/types; \
	else \
		echo "typecheck: js/test/types/usage.ts not present, skipped"; \
	fi

## lint: vet both builds and require gofmt-clean sources
lint:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./sdk/... ./wasm/...
	GOOS=js GOARCH=wasm $(GO) vet -tags jsws ./sdk/... ./wasm/...
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
	rm -rf $(DIST) bin bench/out

distclean: clean
	rm -rf js/node_modules

## bench: our client vs the official qiscus-sdk-core@2.16.9 (not part of test;
## BENCH_QUICK=1 for a small validation run). Writes bench/REPORT.md,
## bench/results.json and bench/chart.png and prints the table.
.PHONY: bench
bench: deps build
	bash bench/run.sh
