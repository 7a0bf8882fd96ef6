# Shared by conform-moto.sh and conform-localkms.sh (sourced, not run):
# one conformance run against an emulator already listening, gated on its
# expectations file, and the checks that the run completed.
#
# conform_gated NAME URL [conform flags...]: runs bin at $bindir/kmsmac with
# $REPORT (Markdown, and .json beside it), $JUNIT, $SEED, $TIMEOUT and, when
# $EXPECT is set, --expectations "$EXPECT". Exits the script on a hang, a
# run that did not complete, or a regression; sets $status otherwise.
conform_gated() {
	local name=$1 url=$2
	shift 2
	local gate=()
	if [[ -n $EXPECT ]]; then
		gate=(--expectations "$EXPECT")
	fi
	set +e
	AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test timeout "$TIMEOUT" \
		"$bindir/kmsmac" conform --endpoint "$url" \
		--report "$REPORT" --format "junit:$JUNIT,progress" \
		--seed "$SEED" --report "${REPORT%.md}.json" "${gate[@]}" "$@"
	status=$?
	set -e
	case $status in
	0) ;; # completed, and no rule did worse than the expectations file says
	1)
		if [[ -n $EXPECT ]]; then
			echo "$name: a regression against $EXPECT (see REGRESSION above); if the endpoint changed on purpose, rewrite the file with --write-expectations" >&2
			exit 1
		fi
		;; # completed without a gate: some scenarios failed (expected for an emulator)
	124)
		echo "$name: the run hung (no result after ${TIMEOUT}s)" >&2
		exit 1
		;;
	*)
		echo "$name: the run did not complete (exit $status)" >&2
		exit 1
		;;
	esac
}

# conform_reports NAME: the run wrote its Markdown and JUnit reports.
conform_reports() {
	local name=$1
	if [[ ! -s $REPORT ]]; then
		echo "$name: no report at $REPORT" >&2
		exit 1
	fi
	if [[ ! -s $JUNIT ]]; then
		echo "$name: no JUnit file at $JUNIT" >&2
		exit 1
	fi
	echo "$name: run completed (kmsmac exit $status); report $REPORT, JUnit $JUNIT"
}
