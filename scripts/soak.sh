#!/usr/bin/env bash
# soak.sh: run kmsmac serve twice (in memory, then with --data) under a
# fixed rate of mixed operations for $SOAK each, and write the server's RSS,
# open files, goroutines and p99 latency over time to $OUT.
#
# Servers listen on free 127.0.0.1 ports; nothing leaves loopback.
# Knobs (environment): SOAK=2m RATE=200 WORKERS=16 KEYS=20 INTERVAL=
# (default SOAK/12) OUT=reports/soak.md MODES="memory data"
set -euo pipefail
cd "$(dirname "$0")/.."

SOAK=${SOAK:-2m}
RATE=${RATE:-200}
WORKERS=${WORKERS:-16}
KEYS=${KEYS:-20}
OUT=${OUT:-reports/soak.md}
MODES=${MODES:-memory data}
GO=${GO:-go}
secs=$(python3 -c "import re,sys;s='$SOAK';m={'s':1,'m':60,'h':3600};print(sum(int(n)*m[u] for n,u in re.findall(r'(\d+)([smh])',s)) or int(s))")
INTERVAL=${INTERVAL:-$(( secs / 12 > 5 ? secs / 12 : 5 ))s}

work=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

mkdir -p bin "$(dirname "$OUT")"
$GO build -o bin/kmsmac ./cmd/kmsmac
$GO build -o bin/kmsmac-soak ./cmd/kmsmac-soak

{
	echo "# Soak: kmsmac serve under a fixed mixed load"
	echo
	echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: other builds may run)."
	echo "Mix: GenerateMac 40%, VerifyMac 30%, DescribeKey 10%, Tag+Untag 6%, Disable+Enable 6%, CreateAlias+DeleteAlias 4%, ListAliases 3%, CreateKey+ScheduleKeyDeletion 1%."
	echo "RSS and open files from /proc/PID; goroutines from serve --debug-addr (/debug/pprof/goroutine)."
	echo
} >"$OUT"

for mode in $MODES; do
	args=(--addr 127.0.0.1:0 --debug-addr 127.0.0.1:0 --quiet)
	if [ "$mode" = data ]; then
		args+=(--data "$work/data")
	fi
	bin/kmsmac serve "${args[@]}" >"$work/serve.out" 2>"$work/serve.err" &
	pid=$!
	for _ in $(seq 100); do
		grep -q "listening on" "$work/serve.out" 2>/dev/null && grep -q "profiles on" "$work/serve.err" 2>/dev/null && break
		sleep 0.1
	done
	url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/serve.out")
	dbg=$(sed -n 's|.*profiles on \(http:[^ ]*\)/debug/pprof/.*|\1|p' "$work/serve.err")
	if [ -z "$url" ] || [ -z "$dbg" ]; then
		echo "soak: kmsmac serve did not start:" >&2
		cat "$work/serve.err" >&2
		exit 1
	fi
	echo "soak: $mode: $url (pid $pid) for $SOAK at $RATE req/s" >&2
	bin/kmsmac-soak --endpoint "$url" --pid "$pid" --debug-url "$dbg" --rate "$RATE" --workers "$WORKERS" \
		--keys "$KEYS" --duration "$SOAK" --interval "$INTERVAL" --title "kmsmac serve, $mode" --out "$OUT"
	kill "$pid"
	wait "$pid" || true
	pid=""
done
echo "soak: report in $OUT" >&2
