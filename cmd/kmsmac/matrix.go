package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/kmsmac/kmsmac/matrix"
)

func init() {
	register(command{name: "matrix", summary: "put conform --report JSON runs of several endpoints side by side (Markdown, HTML)", run: runMatrix})
}

const matrixUsage = `Usage: kmsmac matrix [--md OUT.md] [--html OUT.html] [NAME=]REPORT.json...

Reads the JSON reports of "kmsmac conform --report FILE.json", one per
endpoint, and writes one table: rules down (grouped by catalogue section,
the id prefix: WIRE, MAC-REQ, MAC-SIZE, ...), endpoints across, a status
per cell and a per-section score (passed / judged). A column is labelled
NAME, or else the run's target. A rule missing from a report is "not run".

--html writes a self-contained page (no external assets): filter by status
and section, expand a rule to see each endpoint's expected and observed
values, and a chart of the totals. Without --md or --html the Markdown goes
to stdout.

Exit status: 0 written, 2 usage error or unreadable report.

Flags:
`

func runMatrix(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("matrix", matrixUsage, stderr)
	mdFile := fs.String("md", "", "write the Markdown table to `FILE`")
	htmlFile := fs.String("html", "", "write the self-contained HTML page to `FILE`")
	if status, ok := parseFlags(fs, args); !ok {
		return status
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "kmsmac matrix: no reports given (kmsmac matrix [--md OUT.md] [--html OUT.html] [NAME=]REPORT.json...)")
		return 2
	}
	var inputs []matrix.Input
	for _, arg := range fs.Args() {
		in, err := matrix.Load(arg)
		if err != nil {
			fmt.Fprintf(stderr, "kmsmac matrix: %v\n", err)
			return 2
		}
		inputs = append(inputs, in)
	}
	m, err := matrix.Build(inputs)
	if err != nil {
		fmt.Fprintf(stderr, "kmsmac matrix: %v\n", err)
		return 2
	}
	if *mdFile == "" && *htmlFile == "" {
		if err := m.WriteMarkdown(stdout); err != nil {
			fmt.Fprintf(stderr, "kmsmac matrix: %v\n", err)
			return 2
		}
		return 0
	}
	for _, out := range []struct {
		file  string
		write func(io.Writer) error
	}{{*mdFile, m.WriteMarkdown}, {*htmlFile, m.WriteHTML}} {
		if out.file == "" {
			continue
		}
		var buf bytes.Buffer // render fully first: no half-written file on error
		if err := out.write(&buf); err != nil {
			fmt.Fprintf(stderr, "kmsmac matrix: %v\n", err)
			return 2
		}
		if err := os.WriteFile(out.file, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintf(stderr, "kmsmac matrix: %v\n", err)
			return 2
		}
		fmt.Fprintf(stderr, "matrix: %d rules × %d endpoints written to %s\n", m.Rules(), len(m.Endpoints), out.file)
	}
	return 0
}
