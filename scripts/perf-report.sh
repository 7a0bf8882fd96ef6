#!/usr/bin/env bash
# perf-report.sh: benchmark the reference endpoint, the floor server
# (bench/floor) and moto_server side by side with the same driver in one
# run, and write docs/perf.md (+ docs/perf.svg, raw data in docs/perf-data/).
#
# Every server listens on a free 127.0.0.1 port; nothing leaves loopback.
# Bounded: about 6 minutes on 2 cores. Knobs (environment):
#   REPS=5 DURATION=4s WARMUP=500ms  CONC=64  OUT=docs/perf.md
#   SKIP_MOTO=1 (no moto_server)  SKIP_WRK=1 (no wrk comparison)  SKIP_CORE=1
#   SOAK=300s: also run the reference at c=$CONC for that long (10 slices)
#          and report its RSS per slice (issue 5: RSS stays flat).
#   PIN=1: servers on CPU 0, driver and wrk on CPU 1 (taskset), so each
#          server's figure is its own one-core capacity, not a CPU share.
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${REPS:-5}
DURATION=${DURATION:-4s}
WARMUP=${WARMUP:-500ms}
CONC=${CONC:-64}
OUT=${OUT:-docs/perf.md}
DATA=$(dirname "$OUT")/perf-data
GO=${GO:-go}
srv_pin=() drv_pin=()
if [ -n "${PIN:-}" ]; then
	srv_pin=(taskset -c 0) drv_pin=(taskset -c 1)
fi

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

log() { printf '%s perf-report: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

log "building kmsmac"
$GO build -o "$work/kmsmac" ./cmd/kmsmac
K="$work/kmsmac"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start NAME: runs "kmsmac bench --serve NAME" and waits for its URL.
start() {
	local name=$1
	"${srv_pin[@]}" "$K" bench --serve "$name" --addr 127.0.0.1:0 >"$work/$name.url" 2>"$work/$name.log" &
	pids+=($!)
	eval "${name}_pid=$!"
	for _ in $(seq 100); do
		[ -s "$work/$name.url" ] && break
		sleep 0.1
	done
	eval "${name}_url=$(head -1 "$work/$name.url")"
	[ -n "$(eval echo \$${name}_url)" ] || { log "$name did not start"; cat "$work/$name.log" >&2; exit 2; }
}
start reference
start floor
log "reference at $reference_url (pid $reference_pid), floor at $floor_url (pid $floor_pid)"

endpoints=(reference floor)
if [ -z "${SKIP_MOTO:-}" ] && command -v moto_server >/dev/null; then
	port=$(free_port)
	"${srv_pin[@]}" moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
	moto_pid=$!
	pids+=($moto_pid)
	moto_url="http://127.0.0.1:$port"
	for _ in $(seq 150); do
		curl -s -o /dev/null "$moto_url/" && break
		sleep 0.2
	done
	endpoints+=(moto)
	log "moto_server at $moto_url (pid $moto_pid)"
else
	log "moto_server not run (SKIP_MOTO set or not installed)"
fi

mkdir -p "$DATA"
raw="$DATA/endpoints.txt"
: >"$raw"
"$K" bench --help >/dev/null 2>&1 || true

# The settings: the headline (4 KiB GenerateMac at c=$CONC, raw client),
# VerifyMac, a low concurrency, and the SDK client users run.
settings=(
	"--op GenerateMac --concurrency $CONC --client raw"
	"--op VerifyMac --concurrency $CONC --client raw"
	"--op GenerateMac --concurrency 8 --client raw"
	"--op GenerateMac --concurrency $CONC --client sdk"
)
header=
# Repetitions interleave the endpoints, so drift on the machine hits all alike.
for s in "${settings[@]}"; do
	for rep in $(seq "$REPS"); do
		for e in "${endpoints[@]}"; do
			url=$(eval echo \$${e}_url)
			pid=$(eval echo \$${e}_pid)
			log "$e $s (repetition $rep/$REPS)"
			# shellcheck disable=SC2086
			"${drv_pin[@]}" "$K" bench --endpoint "$url" --endpoint-name "$e" --server-pid "$pid" \
				--alg HMAC_SHA_256 --size 4096 --duration "$DURATION" --warmup "$WARMUP" \
				--count 1 --quiet $header $s >>"$raw"
			header=--no-header
		done
	done
done

# wrk on the same endpoint and request as --client raw (headline setting),
# alternating with the raw client so both see the same machine.
wrk_note="wrk was not run (SKIP_WRK set or wrk not installed)."
if [ -z "${SKIP_WRK:-}" ] && command -v wrk >/dev/null; then
	log "wrk and --client raw against the reference, alternating"
	"$K" bench --endpoint "$reference_url" --print-wrk-lua --alg HMAC_SHA_256 --size 4096 >"$work/gen.lua"
	threads=$(nproc)
	[ -n "${PIN:-}" ] && threads=1
	for rep in $(seq "$REPS"); do
		"${drv_pin[@]}" "$K" bench --endpoint "$reference_url" --endpoint-name reference --server-pid "$reference_pid" \
			--alg HMAC_SHA_256 --size 4096 --duration "$DURATION" --warmup "$WARMUP" --concurrency "$CONC" \
			--label vs-wrk --quiet --no-header >>"$raw"
		"${drv_pin[@]}" wrk -t "$threads" -c "$CONC" -d "$DURATION" --latency -s "$work/gen.lua" "$reference_url/" >"$work/wrk.$rep.txt"
		"$K" bench --wrk-to-bench "$work/wrk.$rep.txt" --label vs-wrk \
			--endpoint-name reference --alg HMAC_SHA_256 --size 4096 --concurrency "$CONC" >>"$raw"
	done
	wrk_note="wrk: $threads threads, $CONC connections, $DURATION × $REPS, alternating with --client raw (label vs-wrk), same request body."
fi

if [ -n "${SOAK:-}" ]; then
	slice=$(( $(echo "$SOAK" | tr -dc 0-9) / 10 ))s
	log "soak: reference, 10 × $slice at c=$CONC"
	"${drv_pin[@]}" "$K" bench --endpoint "$reference_url" --endpoint-name reference --server-pid "$reference_pid" \
		--alg HMAC_SHA_256 --size 4096 --duration "$slice" --warmup 0 --count 10 --concurrency "$CONC" \
		--label soak --quiet --no-header >>"$raw"
fi

core="$DATA/core.txt"
: >"$core"
if [ -z "${SKIP_CORE:-}" ]; then
	log "core and handler benchmarks"
	$GO test -run '^$' -bench 'CoreRatio' -benchtime 300ms -count "$REPS" ./reference/mac >>"$core"
	$GO test -run '^$' -bench 'Core/alg=.*/size=4096/' -benchtime 100ms -count "$REPS" ./reference/mac | grep '^Benchmark' >>"$core"
	$GO test -run '^$' -bench '(Service|Handler)/endpoint=/op=GenerateMac/alg=HMAC_SHA_256/size=4096' -benchtime 2000x -count "$REPS" ./bench | grep '^Benchmark' >>"$core" || true
	$GO test -run '^$' -bench 'Keys100k' -benchtime 1x ./bench | grep '^Benchmark' >>"$core" || true
fi

notes="$DATA/notes.md" # kept, so the report can be re-rendered from the data
cat >"$notes" <<NOTES
Generated by \`make perf-report\` (scripts/perf-report.sh) on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores;
driver, reference, floor and moto_server all on this machine, on loopback.
Settings: HMAC_SHA_256, 4 KiB messages, $REPS repetitions of $DURATION per endpoint and setting,
interleaved (reference, floor, moto, reference, …), warm-up $WARMUP each; the raw client signs once.
$( [ -n "${PIN:-}" ] && echo "Pinned: servers on CPU 0, driver and wrk on CPU 1." || echo "Not pinned: driver and server share both cores, so req/s is the machine's, and client CPU per request counts." )
The floor is \`bench/floor\`: net/http + encoding/json + crypto/hmac, no validation.
$wrk_note
Raw data: \`$(basename "$DATA")/endpoints.txt\`, \`$(basename "$DATA")/core.txt\`
(compare endpoints with \`go tool benchstat -col /endpoint $(basename "$DATA")/endpoints.txt\`;
re-render with \`kmsmac report -o $OUT --notes $DATA/notes.md $DATA/endpoints.txt $DATA/core.txt\`).

Compare the raw client with wrk yourself (Debian: \`apt-get install wrk\`):

\`\`\`sh
kmsmac bench --serve reference --addr 127.0.0.1:4599 &           # or any endpoint
kmsmac bench --endpoint http://127.0.0.1:4599 --print-wrk-lua > gen.lua   # creates a key, prints a Lua script posting a fixed GenerateMac
wrk -t 1 -c 64 -d 10s --latency -s gen.lua http://127.0.0.1:4599/
kmsmac bench --endpoint http://127.0.0.1:4599 --concurrency 64 --duration 10s --client raw
\`\`\`

The target: \`--client raw\` reaches at least 0.8× wrk's requests/s on the same endpoint and request.
NOTES

log "writing $OUT"
"$K" report -o "$OUT" --title "kmsmac performance: reference vs floor vs moto_server" --notes "$notes" "$raw" "$core"
log "done"
