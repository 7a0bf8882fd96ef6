#!/usr/bin/env bash
# Run the conformance suite against moto_server (a third-party KMS emulator)
# on a free loopback port. moto's deviations are expected: this script
# succeeds when the run COMPLETED and wrote its report, whatever the verdicts,
# and fails on a crash, a hang (TIMEOUT) or a missing report.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/conform-lib.sh
source scripts/conform-lib.sh
REPORT=${REPORT:-reports/moto.md}
JUNIT=${JUNIT:-reports/moto.xml}
TIMEOUT=${TIMEOUT:-900}
# The run is gated on the known deviations in this file (exit 1 only on a regression);
# EXPECT= runs without it. SEED fixes the property cases so the gate is repeatable.
EXPECT=${EXPECT-expectations/moto.yaml}
SEED=${SEED:-1}
GO=${GO:-go}

moto_pid= log= bindir=
cleanup() {
	if [[ -n $moto_pid ]]; then
		kill "$moto_pid" 2>/dev/null || true
		wait "$moto_pid" 2>/dev/null || true
	fi
	rm -rf "$log" "$bindir"
}
trap cleanup EXIT INT TERM

# Build first: "go run" turns every non-zero exit into 1, and a setup
# error (2) must not pass for a completed run with failures (1).
bindir=$(mktemp -d)
$GO build -o "$bindir/kmsmac" ./cmd/kmsmac

command -v moto_server >/dev/null || { echo "conform-moto: moto_server is not installed" >&2; exit 2; }
mkdir -p "$(dirname "$REPORT")" "$(dirname "$JUNIT")"
rm -f "$REPORT" "$JUNIT"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp)
moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!

# Wait (up to 30 s) until moto answers HTTP.
for _ in $(seq 1 150); do
	if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
		break
	fi
	if ! kill -0 "$moto_pid" 2>/dev/null; then
		echo "conform-moto: moto_server exited:" >&2
		cat "$log" >&2
		exit 2
	fi
	sleep 0.2
done
curl -s -o /dev/null "http://127.0.0.1:$port/" || { echo "conform-moto: moto_server did not answer on port $port" >&2; exit 2; }
echo "conform-moto: moto $(python3 -c "import moto; print(moto.__version__)" 2>/dev/null) on 127.0.0.1:$port"

conform_gated conform-moto "http://127.0.0.1:$port" "$@"
conform_reports conform-moto
