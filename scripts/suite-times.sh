#!/usr/bin/env bash
# How long a whole conformance run takes: the figures README.md and
# docs/ci.md quote. RUNS runs each against the embedded reference (eight
# scenarios at once, its default), a fresh moto_server and a fresh local-kms
# (four at once, the default), then one of each one at a time; every run's summary line goes to $OUT with
# the machine, date and commit. Run it on an otherwise idle machine.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
OUT=${OUT:-docs/perf-data/suite-times.txt}
GO=${GO:-go}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$GO build -o "$tmp/kmsmac" ./cmd/kmsmac

summary() { grep -m1 '^kmsmac conform against' || echo "(no summary line)"; }
emulator() { # emulator moto|localkms [flags]: one run against a fresh instance
	local name=$1
	shift
	REPORT="$tmp/$name.md" JUNIT="$tmp/$name.xml" EXPECT= bash "scripts/conform-$name.sh" "$@" 2>&1 | summary
}

{
	echo "# kmsmac conform wall times: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $(git rev-parse --short HEAD), --seed 1"
	echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	for i in $(seq "$RUNS"); do echo "reference, default (8 at once), run $i: $("$tmp/kmsmac" conform --seed 1 2>&1 | summary)"; done
	for i in $(seq "$RUNS"); do echo "moto, default (4 at once), run $i: $(emulator moto)"; done
	for i in $(seq "$RUNS"); do echo "local-kms, default (4 at once), run $i: $(emulator localkms)"; done
	echo "reference, --concurrency 1: $("$tmp/kmsmac" conform --seed 1 --concurrency 1 2>&1 | summary)"
	echo "moto, --concurrency 1: $(emulator moto --concurrency 1)"
	echo "local-kms, --concurrency 1: $(emulator localkms --concurrency 1)"
	echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT"
