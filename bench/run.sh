#!/usr/bin/env bash
# make bench: compare our client with the official qiscus-sdk-core@2.16.9 in
# the same headless Chromium against the same local server, then write
# bench/results.json, bench/REPORT.md and bench/chart.png and print the table.
#
#   BENCH_QUICK=1          a small validation run (few messages, 1-2 repeats)
#   BENCH_LAT_SECONDS=30   duration of each latency run
#   BENCH_PHASES=size,cold,tp,lat,mem,server   run only some phases
#
# Missed targets never fail this script; a phase that errors does (after the
# report of the others is written). Loopback only; every step has a timeout.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
missing=""
[ -x /usr/sbin/mosquitto ] || [ -x /usr/bin/mosquitto ] || missing="$missing mosquitto"
command -v brotli >/dev/null 2>&1 || missing="$missing brotli"
command -v wasm-objdump >/dev/null 2>&1 || missing="$missing wabt"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
if [ -n "$missing" ]; then
  echo "bench: installing Debian packages:$missing"
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing || exit 1
fi

phases="${BENCH_PHASES:-size,cold,tp,lat,mem,server}"
has() { [[ ",$phases," == *",$1,"* ]]; }
lat_s="${BENCH_LAT_SECONDS:-30}"
if [ -n "${BENCH_QUICK:-}" ]; then
  browser_flags=(--cold-runs 2 --tp-n 2000 --tp-official-b-n 300 --tp-runs 1 --tp-limit-s 30
    --lat-seconds "${BENCH_LAT_SECONDS:-5}" --lat-runs 1 --mem-n 2000 --mem-runs 1)
  server_flags=(-runs 1 -duration 2s)
else
  browser_flags=(--cold-runs 5 --tp-n 20000 --tp-official-b-n 2000 --tp-runs 3 --tp-limit-s 60
    --lat-seconds "$lat_s" --lat-runs 3 --mem-n 10000 --mem-rooms 20 --mem-runs 5)
  server_flags=(-runs 5 -duration 3s)
fi

mkdir -p bench/out/bin
rm -f bench/out/{env,size,cold,throughput,latency,memory,server}.json
failed=0
started=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)
step() { # step NAME TIMEOUT_S CMD...
  local name=$1 limit=$2; shift 2
  local t0=$(date +%s)
  echo "== bench: $name"
  if ! timeout --kill-after=10 "$limit" "$@"; then
    echo "bench: $name FAILED (or timed out after ${limit}s)"
    failed=1
  fi
  echo "== bench: $name took $(( $(date +%s) - t0 )) s"
}

step "build bench programs" 300 go -C bench build -o out/bin/ ./cmd/benchsrv ./cmd/wasmsize ./cmd/serverload ./cmd/report # bench is its own module
has size && step "download weight" 600 bench/out/bin/wasmsize -out bench/out/size.json
browser_phases=""
for p in cold tp lat mem; do has $p && browser_phases="$browser_phases,$p"; done
if [ -n "$browser_phases" ]; then
  step "browser benchmarks" 1200 node bench/js/run.mjs --phases "${browser_phases#,}" "${browser_flags[@]}"
fi
has server && step "server load" 300 bench/out/bin/serverload -bin bin/devserver -out bench/out/server.json "${server_flags[@]}"
took=$(( $(date +%s) - started ))
printf '{"loadavg_start": "%s", "loadavg_end": "%s", "suite_seconds": %d, "quick": %s}\n' \
  "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)" "$took" \
  "$([ -n "${BENCH_QUICK:-}" ] && echo true || echo false)" > bench/out/env.json
echo "== bench: report (all steps took $took s)"
bench/out/bin/report -in bench/out -dir bench || failed=1
exit $failed
