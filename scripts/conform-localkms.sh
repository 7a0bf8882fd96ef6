#!/usr/bin/env bash
# Run the conformance suite against nsmithuk/local-kms (a third-party KMS
# emulator written in Go) on a free port, sending traffic to 127.0.0.1 only.
# local-kms's deviations are expected: this script succeeds when the run
# COMPLETED and wrote its report, whatever the verdicts, and fails on a crash,
# a hang (TIMEOUT) or a missing report.
#
# local-kms is installed (when missing) with
#   GOFLAGS=-mod=mod go install github.com/nsmithuk/local-kms@$LOCALKMS_VERSION
# and looked up on PATH, then in $(go env GOPATH)/bin.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/conform-lib.sh
source scripts/conform-lib.sh
REPORT=${REPORT:-reports/local-kms.md}
JUNIT=${JUNIT:-reports/local-kms.xml}
TIMEOUT=${TIMEOUT:-900}
# The run is gated on the known deviations in this file (exit 1 only on a regression);
# EXPECT= runs without it. SEED fixes the property cases so the gate is repeatable.
EXPECT=${EXPECT-expectations/local-kms.yaml}
SEED=${SEED:-1}
GO=${GO:-go}
LOCALKMS_VERSION=${LOCALKMS_VERSION:-v0.0.0-20260228092603-2a5e92d09ab6}

kms_pid= log= bindir= datadir=
cleanup() {
	if [[ -n $kms_pid ]]; then
		kill "$kms_pid" 2>/dev/null || true
		wait "$kms_pid" 2>/dev/null || true
	fi
	rm -rf "$log" "$bindir" "$datadir"
}
trap cleanup EXIT INT TERM

# Build first: "go run" turns every non-zero exit into 1, and a setup
# error (2) must not pass for a completed run with failures (1).
bindir=$(mktemp -d)
$GO build -o "$bindir/kmsmac" ./cmd/kmsmac

find_localkms() {
	local gobin
	command -v local-kms 2>/dev/null && return 0
	gobin=$($GO env GOBIN)
	[[ -n $gobin && -x $gobin/local-kms ]] && { echo "$gobin/local-kms"; return 0; }
	gobin="$($GO env GOPATH | cut -d: -f1)/bin"
	[[ -x $gobin/local-kms ]] && { echo "$gobin/local-kms"; return 0; }
	return 1
}
if ! localkms=$(find_localkms); then
	echo "conform-localkms: local-kms not found; installing github.com/nsmithuk/local-kms@$LOCALKMS_VERSION" >&2
	if ! GOFLAGS=-mod=mod $GO install "github.com/nsmithuk/local-kms@$LOCALKMS_VERSION"; then
		echo "conform-localkms: go install of local-kms failed (see above)" >&2
		exit 2
	fi
	localkms=$(find_localkms) || { echo "conform-localkms: local-kms installed but not found on PATH or in \$(go env GOPATH)/bin" >&2; exit 2; }
fi

mkdir -p "$(dirname "$REPORT")" "$(dirname "$JUNIT")"
rm -f "$REPORT" "$JUNIT"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp)
datadir=$(mktemp -d)
# NOTE: local-kms cannot be told which address to bind: src/server.go does
# net.Listen("tcp", ":"+PORT), i.e. it listens on ALL interfaces (its log says
# "started on 0.0.0.0:PORT"). This script and kmsmac only ever talk to it on
# 127.0.0.1, and it runs only for the length of the run. KMS_SEED_PATH points
# into the empty temp dir so a stray /init/seed.yaml (the default) is never
# loaded; KMS_DATA_PATH keeps its LevelDB out of the default /tmp/local-kms.
PORT=$port KMS_REGION=us-east-1 KMS_ACCOUNT_ID=111122223333 \
	KMS_DATA_PATH="$datadir/data" KMS_SEED_PATH="$datadir/no-seed.yaml" \
	"$localkms" >"$log" 2>&1 &
kms_pid=$!

# local-kms answers 405 to GET /, which is enough to know it is up.
answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; }
# Wait (up to 30 s) until local-kms answers HTTP.
for _ in $(seq 1 150); do
	if answers; then
		break
	fi
	if ! kill -0 "$kms_pid" 2>/dev/null; then
		echo "conform-localkms: local-kms exited:" >&2
		cat "$log" >&2
		exit 2
	fi
	sleep 0.2
done
answers || { echo "conform-localkms: local-kms did not answer on 127.0.0.1:$port" >&2; cat "$log" >&2; exit 2; }
version=$($GO version -m "$localkms" 2>/dev/null | awk '$1 == "mod" { print $3 }')
echo "conform-localkms: local-kms ${version:-(version unknown)} ($localkms) on 127.0.0.1:$port"

conform_gated conform-localkms "http://127.0.0.1:$port" "$@"
if ! kill -0 "$kms_pid" 2>/dev/null; then
	echo "conform-localkms: local-kms died during the run:" >&2
	tail -n 50 "$log" >&2
	exit 1
fi
conform_reports conform-localkms
