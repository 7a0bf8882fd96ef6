package main

import (
	"fmt"
	"io"

	"github.com/kmsmac/kmsmac/bench/report"
)

func init() {
	register(command{
		name:    "compare",
		summary: "compare two benchmark outputs (benchstat statistics)",
		run:     runCompare,
	})
}

const compareUsage = `Usage: kmsmac compare OLD.txt NEW.txt

Compares two Go benchmark outputs (from kmsmac bench or go test -bench):
for each benchmark name in both and each unit, the median ± 95% confidence
interval of each and the change, or "~" when the difference is not
significant (Mann-Whitney U test, alpha 0.05, as benchstat does). Names
must match: compare runs of the same settings, or tell them apart with
kmsmac bench --label. To compare endpoints within one file, use
"go tool benchstat -col /endpoint FILE" or kmsmac report.

Exit status: 0 whether or not anything changed, 2 on unreadable input.
`

func runCompare(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("compare", compareUsage, stderr)
	if status, ok := parseFlags(fs, args); !ok {
		return status
	}
	switch fs.NArg() {
	case 0:
		fmt.Fprintln(stderr, "kmsmac compare: missing OLD.txt and NEW.txt, the two benchmark outputs to compare (run kmsmac compare -h)")
		return 2
	case 1:
		fmt.Fprintf(stderr, "kmsmac compare: missing NEW.txt: got only %s; compare needs the old and the new benchmark output (run kmsmac compare -h)\n", fs.Arg(0))
		return 2
	case 2:
	default:
		fmt.Fprintf(stderr, "kmsmac compare: %d files given, want two (OLD.txt NEW.txt); to compare more endpoints use kmsmac report\n", fs.NArg())
		return 2
	}
	old, err := report.ReadFiles(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "kmsmac compare: %v\n", err)
		return 2
	}
	new, err := report.ReadFiles(fs.Arg(1))
	if err != nil {
		fmt.Fprintf(stderr, "kmsmac compare: %v\n", err)
		return 2
	}
	if len(old) == 0 || len(new) == 0 {
		fmt.Fprintln(stderr, "kmsmac compare: no benchmark results in input")
		return 2
	}
	report.Compare(stdout, old, new)
	return 0
}
