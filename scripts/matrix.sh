#!/usr/bin/env bash
# Run the conformance suite against the embedded reference, moto_server and
# local-kms (each emulator started on a free port and stopped afterwards),
# then put the three runs side by side in docs/conformance.{md,html}.
# Deviations are expected from the emulators: a run counts when it
# COMPLETED (kmsmac exit 0 or 1) and wrote its JSON report.
set -euo pipefail

cd "$(dirname "$0")/.."
KMSMAC=${KMSMAC:-bin/kmsmac}
REPORTS=${REPORTS:-reports}
DOCS=${DOCS:-docs}
TIMEOUT=${TIMEOUT:-900}
LOCAL_KMS=${LOCAL_KMS:-$(command -v local-kms || echo "$(go env GOPATH 2>/dev/null || echo ~/go)/bin/local-kms")}

server_pid= tmp=
stop_server() {
	if [[ -n $server_pid ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}
cleanup() {
	stop_server
	[[ -n $tmp ]] && rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

die() { echo "matrix: $*" >&2; exit 2; }

[[ -x $KMSMAC ]] || die "$KMSMAC is not built (make build)"
command -v moto_server >/dev/null || die "moto_server is not installed (pip install 'moto[server]')"
[[ -x $LOCAL_KMS ]] || die "local-kms is not installed at $LOCAL_KMS (go install github.com/nsmithuk/local-kms@latest, or set LOCAL_KMS)"
tmp=$(mktemp -d)
mkdir -p "$REPORTS" "$DOCS"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# wait_http NAME PORT LOG: up to 30 s until the started server answers HTTP.
wait_http() {
	for _ in $(seq 1 150); do
		curl -s -o /dev/null "http://127.0.0.1:$2/" && return 0
		if ! kill -0 "$server_pid" 2>/dev/null; then
			cat "$3" >&2
			die "$1 exited before answering"
		fi
		sleep 0.2
	done
	die "$1 did not answer on port $2"
}

# conform NAME [ARGS...]: one run into $REPORTS/NAME.json.
conform() {
	local name=$1 status
	shift
	rm -f "$REPORTS/$name.json"
	echo "matrix: conform against $name"
	set +e
	AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 timeout "$TIMEOUT" \
		"$KMSMAC" conform --format progress --seed "${SEED:-1}" --report "$REPORTS/$name.json" "$@"
	status=$?
	set -e
	case $status in
	0 | 1) ;; # completed, whatever the verdicts
	124) die "the run against $name hung (no result after ${TIMEOUT}s)" ;;
	*) die "the run against $name did not complete (exit $status)" ;;
	esac
	[[ -s $REPORTS/$name.json ]] || die "no report at $REPORTS/$name.json"
}

conform reference

port=$(free_port)
moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
server_pid=$!
wait_http moto_server "$port" "$tmp/moto.log"
conform moto --endpoint "http://127.0.0.1:$port"
stop_server

# local-kms has no bind-address setting: it listens on all interfaces
# (PORT is appended to ":"); it runs only for the length of this run.
port=$(free_port)
mkdir "$tmp/local-kms"
KMS_DATA_PATH="$tmp/local-kms" PORT=$port KMS_REGION=us-east-1 KMS_ACCOUNT_ID=111122223333 \
	"$LOCAL_KMS" >"$tmp/local-kms.log" 2>&1 &
server_pid=$!
wait_http local-kms "$port" "$tmp/local-kms.log"
conform local-kms --endpoint "http://127.0.0.1:$port"
stop_server

"$KMSMAC" matrix --md "$DOCS/conformance.md" --html "$DOCS/conformance.html" \
	reference="$REPORTS/reference.json" moto="$REPORTS/moto.json" local-kms="$REPORTS/local-kms.json"
