#!/usr/bin/env bash
# perf-report.sh: benchmark the reference endpoint against its two
# yardsticks (bench/wirefloor: the wire and the HMAC; bench/floor: a first
# net/http server) and its peers (local-kms, moto_server) with the same
# driver in one run, and write docs/perf.md (+ docs/perf.svg, raw data in
# docs/perf-data/).
#
# Every server listens on a free 127.0.0.1 port; nothing leaves loopback.
# Bounded: about 10 minutes on 2 cores. Knobs (environment):
#   REPS=5 DURATION=4s WARMUP=500ms  CONC=64  OUT=docs/perf.md  KEYS=100000
#   SKIP_MOTO=1 SKIP_LOCALKMS=1 SKIP_WRK=1 SKIP_CORE=1 SKIP_MEM=1
#   SOAK=1800s: also run the reference holding $KEYS keys at c=$CONC for
#          that long in 60 s slices, its RSS per slice into perf-data/soak.txt
#          (without SOAK an existing soak.txt is reported as it is, with its
#          own date).
#   PIN=1: servers on CPU 0, driver and wrk on CPU 1 (taskset), so each
#          server's figure is its own one-core capacity, not a CPU share.
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${REPS:-5}
DURATION=${DURATION:-4s}
WARMUP=${WARMUP:-500ms}
CONC=${CONC:-64}
KEYS=${KEYS:-100000}
OUT=${OUT:-docs/perf.md}
DATA=$(dirname "$OUT")/perf-data
GO=${GO:-go}
WRK_THREADS=1 # the one wrk recipe, here and in the notes below
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

# wait_url NAME URL PID: until URL answers, or fail if PID exits.
wait_url() {
	for _ in $(seq 150); do
		curl -s -o /dev/null --max-time 2 "$2/" && return 0
		kill -0 "$3" 2>/dev/null || break
		sleep 0.2
	done
	log "$1 did not start"
	cat "$work/$1.log" >&2
	exit 2
}

# start NAME [VAR]: runs "kmsmac bench --serve NAME" and waits for its URL,
# kept in $VAR_url and $VAR_pid (VAR defaults to NAME; a NAME with a '-'
# needs one).
start() {
	local serve=$1 name=${2:-$1}
	"${srv_pin[@]}" "$K" bench --serve "$serve" --addr 127.0.0.1:0 >"$work/$name.url" 2>"$work/$name.log" &
	pids+=($!)
	eval "${name}_pid=$!"
	for _ in $(seq 600); do
		[ -s "$work/$name.url" ] && break
		sleep 0.1
	done
	eval "${name}_url=$(head -1 "$work/$name.url")"
	[ -n "$(eval echo \$${name}_url)" ] || { log "$name did not start"; cat "$work/$name.log" >&2; exit 2; }
}
start reference
start reference-noauth noauth
start wirefloor
start floor
# noauth is the reference with signature checks off (kmsmac serve --auth
# off): the like-for-like comparison with the yardsticks, which check none.
endpoints=(reference noauth wirefloor floor)
peers=()

if [ -z "${SKIP_LOCALKMS:-}" ] && localkms=$(command -v local-kms || ls "$($GO env GOPATH | cut -d: -f1)/bin/local-kms" 2>/dev/null); then
	port=$(free_port)
	mkdir -p "$work/lk"
	"${srv_pin[@]}" env PORT="$port" KMS_REGION=us-east-1 KMS_ACCOUNT_ID=111122223333 \
		KMS_DATA_PATH="$work/lk/data" KMS_SEED_PATH=/nonexistent "$localkms" >"$work/localkms.log" 2>&1 &
	localkms_pid=$!
	pids+=($localkms_pid)
	localkms_url="http://127.0.0.1:$port"
	wait_url localkms "$localkms_url" "$localkms_pid"
	endpoints+=(localkms)
	peers+=("local-kms ($localkms)")
else
	log "local-kms not run (SKIP_LOCALKMS set or not installed: make conform-localkms installs it)"
fi
if [ -z "${SKIP_MOTO:-}" ] && command -v moto_server >/dev/null; then
	port=$(free_port)
	"${srv_pin[@]}" moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
	moto_pid=$!
	pids+=($moto_pid)
	moto_url="http://127.0.0.1:$port"
	wait_url moto "$moto_url" "$moto_pid"
	endpoints+=(moto)
	peers+=("moto_server $(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null || true)")
else
	log "moto_server not run (SKIP_MOTO set or not installed)"
fi
for e in "${endpoints[@]}"; do log "$e at $(eval echo \$${e}_url) (pid $(eval echo \$${e}_pid))"; done

mkdir -p "$DATA"
raw="$DATA/endpoints.txt"
: >"$raw"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# The settings: the headline (4 KiB GenerateMac at c=$CONC, raw client),
# VerifyMac, a low concurrency, and the SDK client users run.
settings=(
	"--op GenerateMac --concurrency $CONC --client raw"
	"--op VerifyMac --concurrency $CONC --client raw"
	"--op GenerateMac --concurrency 8 --client raw"
	"--op GenerateMac --concurrency $CONC --client sdk"
)
header=
# Repetition i of every endpoint runs back to back (interleaved), so the
# report's ratios pair runs that saw the same machine.
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
	for rep in $(seq "$REPS"); do
		"${drv_pin[@]}" "$K" bench --endpoint "$reference_url" --endpoint-name reference --server-pid "$reference_pid" \
			--alg HMAC_SHA_256 --size 4096 --duration "$DURATION" --warmup "$WARMUP" --concurrency "$CONC" \
			--label vs-wrk --quiet --no-header >>"$raw"
		"${drv_pin[@]}" wrk -t "$WRK_THREADS" -c "$CONC" -d "$DURATION" --latency -s "$work/gen.lua" "$reference_url/" >"$work/wrk.$rep.txt"
		"$K" bench --wrk-to-bench "$work/wrk.$rep.txt" --label vs-wrk \
			--endpoint-name reference --alg HMAC_SHA_256 --size 4096 --concurrency "$CONC" >>"$raw"
	done
	wrk_note="wrk: $WRK_THREADS thread, $CONC connections, $DURATION × $REPS, alternating with --client raw (label vs-wrk), same request body."
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

core="$DATA/core.txt"
: >"$core"
mem_note=
if [ -z "${SKIP_MEM:-}" ]; then
	# A fresh reference holding $KEYS keys: heap and RSS after creation,
	# then RSS at c=$CONC (label keys$KEYS).
	log "memory: a reference with $KEYS keys"
	"${srv_pin[@]}" "$K" bench --serve reference --preload-keys "$KEYS" --addr 127.0.0.1:0 >"$work/mem.url" 2>"$work/mem.log" &
	mem_pid=$!
	pids+=($mem_pid)
	for _ in $(seq 1200); do [ -s "$work/mem.url" ] && break; sleep 0.1; done
	mem_url=$(head -1 "$work/mem.url")
	[ -n "$mem_url" ] || { log "the $KEYS-key reference did not start"; cat "$work/mem.log" >&2; exit 2; }
	# "kmsmac bench: N keys preloaded: heap in use H MiB, RSS R MiB" as a benchmark line.
	sed -n 's/^kmsmac bench: \([0-9]*\) keys preloaded: heap in use \([0-9.]*\) MiB, RSS \([0-9.]*\) MiB$/BenchmarkPreloadKeys\/keys=\1\/endpoint=reference\t1\t\2 heap-MiB\t\3 rss-MiB/p' "$work/mem.log" >>"$core"
	"${drv_pin[@]}" "$K" bench --endpoint "$mem_url" --endpoint-name reference --server-pid "$mem_pid" \
		--alg HMAC_SHA_256 --size 4096 --duration "$DURATION" --warmup "$WARMUP" --count "$REPS" --concurrency "$CONC" \
		--label "keys$KEYS" --quiet --no-header >>"$raw"
	if [ -n "${SOAK:-}" ]; then
		slices=$(( $(echo "$SOAK" | tr -dc 0-9) / 60 ))
		log "soak: the $KEYS-key reference, $slices × 60s at c=$CONC"
		soak="$DATA/soak.txt"
		: >"$soak"
		echo "soak started $(date -u +%Y-%m-%dT%H:%MZ); load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$DATA/soak-notes.txt"
		for i in $(seq "$slices"); do
			"${drv_pin[@]}" "$K" bench --endpoint "$mem_url" --endpoint-name reference --server-pid "$mem_pid" \
				--alg HMAC_SHA_256 --size 4096 --duration 60s --warmup 0 --concurrency "$CONC" \
				--label "soak-keys$KEYS" --quiet --no-header >>"$soak"
			echo "slice $i ended $(date -u +%H:%M:%S), load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$DATA/soak-notes.txt"
		done
	fi
	kill "$mem_pid" 2>/dev/null || true
	mem_note="Memory: a separate reference process created $KEYS HMAC_256 keys (\`kmsmac bench --serve reference --preload-keys $KEYS\`); PreloadKeys below is its Go heap in use after a GC and its RSS after creation; the rows labelled keys$KEYS are the same process under load (server RSS column)."
fi

if [ -z "${SKIP_CORE:-}" ]; then
	log "core and handler benchmarks"
	$GO test -run '^$' -bench 'CoreRatio' -benchtime 300ms -count "$REPS" ./reference/mac >>"$core"
	$GO test -run '^$' -bench 'Core/alg=.*/size=4096/' -benchtime 100ms -count "$REPS" ./reference/mac | grep '^Benchmark' >>"$core"
	$GO test -run '^$' -bench '(Service|Handler)/endpoint=/op=GenerateMac/alg=HMAC_SHA_256/size=4096' -benchtime 2000x -count "$REPS" ./bench | grep '^Benchmark' >>"$core" || true
	$GO test -run '^$' -bench 'Keys100k' -benchtime 1x ./bench | grep '^Benchmark' >>"$core" || true
fi

inputs=("$raw" "$core")
soak_note=
if [ -s "$DATA/soak.txt" ]; then
	inputs+=("$DATA/soak.txt")
	soak_note="Soak (\`perf-data/soak.txt\`, made with SOAK=1800s; $(head -1 "$DATA/soak-notes.txt" 2>/dev/null || echo "date unknown")): the machine was shared with other builds, see \`perf-data/soak-notes.txt\` for the load average per slice."
fi

notes="$DATA/notes.md" # kept, so the report can be re-rendered from the data
cat >"$notes" <<NOTES
Generated by \`make perf-report\` (scripts/perf-report.sh) on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -sr);
load average $load_before before the endpoint runs and $load_after after (other work on the machine shows here).
Driver and every server on this machine, on loopback. Absolute req/s, latency and CPU figures are this machine's
and will differ elsewhere; the paired ratios move much less, and the server-CPU ratios least.
Settings: HMAC_SHA_256, 4 KiB messages, $REPS repetitions of $DURATION per endpoint and setting,
interleaved (${endpoints[*]}, then again), warm-up $WARMUP each; the raw client signs once.
$( [ -n "${PIN:-}" ] && echo "Pinned: servers on CPU 0, driver and wrk on CPU 1." || echo "Not pinned: driver and server share both cores, so req/s is the whole machine's (the driver's CPU counts) and server CPU per request is the figure that belongs to the server alone." )
The reference: \`reference\` checks every request's SigV4 signature (the default); \`noauth\` is the same server with \`--auth off\`, the like-for-like comparison with the yardsticks, which check none.
Yardsticks: \`bench/wirefloor\` is the wire's cost plus the HMAC (a hand-held HTTP/1.1 loop, 16 KiB reads, crypto/hmac, no validation);
\`bench/floor\` is a first net/http + encoding/json + crypto/hmac server, no validation.
Peers: $(IFS=,; echo "${peers[*]:-none}" | sed "s/,/, /g").
$wrk_note
$mem_note
$soak_note
Raw data: \`$(basename "$DATA")/endpoints.txt\`, \`$(basename "$DATA")/core.txt\`
(compare endpoints with \`go tool benchstat -col /endpoint $(basename "$DATA")/endpoints.txt\`;
re-render with \`kmsmac report -o $OUT --subject reference,noauth --notes $DATA/notes.md ${inputs[*]}\`).

Compare the raw client with wrk yourself (Debian: \`apt-get install wrk\`):

\`\`\`sh
kmsmac bench --serve reference --addr 127.0.0.1:4599 &           # or any endpoint
kmsmac bench --endpoint http://127.0.0.1:4599 --print-wrk-lua > gen.lua   # creates a key, prints a Lua script posting a fixed GenerateMac
wrk -t $WRK_THREADS -c $CONC -d 10s --latency -s gen.lua http://127.0.0.1:4599/
kmsmac bench --endpoint http://127.0.0.1:4599 --concurrency $CONC --duration 10s --client raw
\`\`\`
NOTES

log "writing $OUT"
"$K" report -o "$OUT" --subject reference,noauth --title "kmsmac performance: reference vs wire floor, floor, local-kms and moto_server" --notes "$notes" "${inputs[@]}"
log "done"
