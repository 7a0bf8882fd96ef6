package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kmsmac/kmsmac/bench/report"
	"github.com/spf13/pflag"
)

func init() {
	register(command{
		name:    "report",
		summary: "turn benchmark outputs into a Markdown report with an SVG chart",
		run:     runReport,
	})
}

const reportUsage = `Usage: kmsmac report FILE... [-o report.md] [flags]

Reads Go benchmark outputs (kmsmac bench, go test -bench ./bench) and writes
a Markdown report: throughput ratios of --subject to every other endpoint
in the same setting, a table per endpoint and setting (req/s, p50, p99,
errors, client and server CPU per request), the HMAC core table, and any
other benchmarks. With -o, the chart is written next to the report as
NAME.svg and linked from it; without -o, Markdown goes to stdout and no
chart is drawn unless --svg is given.

Flags:
`

func runReport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report", reportUsage, stderr)
	var out, svgPath, notesFile string
	var o report.Options
	fs.StringVarP(&out, "output", "o", "", "write the report to `FILE` (and its chart to FILE's name with .svg)")
	fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "o" {
			name = "output" // "--o FILE" worked before -o had a long form
		}
		return pflag.NormalizedName(name)
	})
	fs.StringVar(&svgPath, "svg", "", "write the chart to `FILE` (default: next to -o)")
	fs.StringVar(&o.Title, "title", "", "report title")
	fs.StringVar(&o.Subject, "subject", "reference", "endpoint(s) whose throughput ratios are stated, comma-separated: one table each (e.g. reference,noauth)")
	fs.StringVar(&notesFile, "notes", "", "Markdown `FILE` inserted after the summary (how the data was made)")
	if status, ok := parseFlags(fs, args); !ok {
		return status
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "kmsmac report: missing FILE: give one or more benchmark outputs (run kmsmac report -h)")
		return 2
	}
	benches, err := report.ReadFiles(fs.Args()...)
	if err != nil {
		fmt.Fprintf(stderr, "kmsmac report: %v\n", err)
		return 2
	}
	if len(benches) == 0 {
		fmt.Fprintln(stderr, "kmsmac report: no benchmark results in input")
		return 2
	}
	if notesFile != "" {
		b, err := os.ReadFile(notesFile)
		if err != nil {
			fmt.Fprintf(stderr, "kmsmac report: %v\n", err)
			return 2
		}
		o.Notes = string(b)
	}
	for _, f := range fs.Args() {
		o.Sources = append(o.Sources, filepath.Base(f))
	}
	if svgPath == "" && out != "" {
		svgPath = strings.TrimSuffix(out, filepath.Ext(out)) + ".svg"
	}
	if svgPath != "" {
		// Link relative to the report, so the pair can move together.
		o.SVG = filepath.Base(svgPath)
		if out != "" {
			if rel, err := filepath.Rel(filepath.Dir(out), svgPath); err == nil {
				o.SVG = filepath.ToSlash(rel)
			}
		}
	}
	md, svg := report.Markdown(benches, o)
	if svg == "" {
		o.SVG = ""
		md, _ = report.Markdown(benches, o)
	} else if svgPath != "" {
		if err := os.WriteFile(svgPath, []byte(svg), 0o644); err != nil {
			fmt.Fprintf(stderr, "kmsmac report: %v\n", err)
			return 2
		}
	}
	if out == "" {
		io.WriteString(stdout, md)
		return 0
	}
	if err := os.WriteFile(out, []byte(md), 0o644); err != nil {
		fmt.Fprintf(stderr, "kmsmac report: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "kmsmac report: wrote %s", out)
	if svg != "" && svgPath != "" {
		fmt.Fprintf(stderr, " and %s", svgPath)
	}
	fmt.Fprintln(stderr)
	return 0
}
