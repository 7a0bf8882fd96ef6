package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/runner"
	"github.com/kmsmac/kmsmac/target"
	flag "github.com/spf13/pflag" // drop-in for the standard flag package
)

func init() {
	register(command{name: "conform", summary: "run the conformance suite against an endpoint (default: the embedded reference)", run: runConform})
}

func runConform(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o runner.Options
	var reports multiFlag
	var expectFile, writeExpect string
	var failOn failPolicy
	suiteFlags(fs, &o, "test")
	fs.StringVar(&o.Tags, "tags", "", `godog tag expression selecting scenarios, e.g. "@GM-OK-1,@VM-OK-1 && ~@slow"`)
	fs.Var(&reports, "report", "write the conformance report to this file: FILE.json machine-readable, any other name Markdown (repeatable)")
	fs.StringVar(&expectFile, "expectations", "", "gate on this expectations file: exit 1 only when a rule does worse than it says (regressions); improvements are listed")
	fs.StringVar(&writeExpect, "write-expectations", "", "write every rule's status from this run to this expectations file (YAML)")
	fs.BoolVar(&o.Strict, "strict", false, "unverified deviations (rules with inferred evidence) fail the run")
	fs.Var(&failOn, "fail-on", "exit 1 on: failed | unverified (also unverified deviations) | any (also blocked and skipped scenarios)")
	fs.IntVar(&o.Concurrency, "concurrency", 0, "scenarios at once (1 = one at a time; default 4, 8 against the embedded reference, which waits more than it computes); results, reports and verdicts are the same as one at a time, in feature order (godog's own formatters pretty, cucumber, junit without a file and events, and --golden, run one at a time)")
	fs.IntVar(&o.Retries, "retries", 3, "extra attempts for throttling (any call) and 5xx answers (setup and cleanup calls only, never the call a scenario asserts on), with backoff; 0 = none")
	fs.StringVar(&o.Golden, "golden", "", "also compare responses with this recording (kmsmac record)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: kmsmac conform [--endpoint URL | --aws] [flags]\n\nRuns every conformance scenario and prints a summary.\n\n"+failPolicyHelp+"\n\nCtrl-C (SIGINT) or SIGTERM stops the run: created keys are still scheduled for deletion (within a bounded time), the partial summary is printed, and the exit status is 130. An endpoint that stops answering mid-run ends it within about one request timeout: the partial summary, endpoint lost at scenario N, exit status 2.\n\nFlags:")
		fs.PrintDefaults()
	}
	if status, ok := parseNoArgs(fs, args, stderr); !ok {
		return status
	}
	if !checkSuite(&o, "conform", stderr) {
		return 2
	}
	switch {
	case fs.Changed("concurrency") && o.Concurrency < 1:
		fmt.Fprintf(stderr, "kmsmac conform: --concurrency %d: give 1 or more scenarios at once\n", o.Concurrency)
		return 2
	case o.Concurrency == 0 && o.TargetOptions().Embedded():
		o.Concurrency = 8
	case o.Concurrency == 0:
		o.Concurrency = 4
	}
	failOn = failOn.withStrict(o.Strict)
	o.Strict = failOn >= failOnUnverified
	if o.Profile != "" && !o.AWS {
		fmt.Fprintln(stderr, "kmsmac conform: --profile needs --aws")
		return 2
	}
	if err := runner.ValidateTags(o.Tags); err != nil {
		fmt.Fprintln(stderr, "kmsmac conform: setup failed:", err)
		return 2
	}
	var expectations *results.Expectations
	if expectFile != "" {
		e, err := results.ReadExpectations(expectFile)
		if err != nil {
			fmt.Fprintln(stderr, "kmsmac conform:", err)
			return 2
		}
		expectations = &e
	}
	o.Output = stdout
	ctx, interrupted, stop := interruptContext(stderr)
	defer stop()
	t, err := target.New(ctx, o.TargetOptions())
	if err != nil {
		fmt.Fprintln(stderr, "kmsmac conform: setup failed:", err)
		return 2
	}
	fmt.Fprint(stderr, t.Describe(ctx))
	res, err := runner.RunOn(ctx, t, o)
	t.Close(context.WithoutCancel(ctx))
	if err != nil {
		var se *target.SetupError
		if errors.As(err, &se) {
			fmt.Fprintln(stderr, "kmsmac conform: setup failed:", err)
		} else {
			fmt.Fprintln(stderr, "kmsmac conform:", err)
		}
		return 2
	}
	if res.Lost != "" {
		// A dead endpoint is no verdict: the partial summary, then why (exit 2).
		res.WriteSummary(stdout)
		fmt.Fprintf(stdout, "ENDPOINT LOST: %s; a partial run, not a verdict (exit status 2)\n", res.Lost)
		return 2
	}
	if interrupted() {
		res.WriteSummary(stdout)
		fmt.Fprintf(stdout, "INTERRUPTED: a partial run, not a verdict (exit status %d)\n", exitInterrupted)
		return exitInterrupted
	}
	res.WriteSummary(stdout)
	if len(res.Scenarios) == 0 {
		fmt.Fprintln(stderr, "kmsmac conform: no scenario matched --tags", o.Tags)
		return 2
	}
	fmt.Fprintf(stdout, "seed %d\n", o.Seed)
	for _, report := range reports {
		if err := writeReport(report, res); err != nil {
			fmt.Fprintln(stderr, "kmsmac conform: writing the report:", err)
			return 2
		}
		fmt.Fprintln(stdout, "report written to", report)
	}
	if writeExpect != "" {
		if err := writeFile(writeExpect, res.WriteExpectations); err != nil {
			fmt.Fprintln(stderr, "kmsmac conform: writing the expectations:", err)
			return 2
		}
		fmt.Fprintln(stdout, "expectations written to", writeExpect)
	}
	if expectations != nil {
		cmp := res.Compare(*expectations)
		cmp.Write(stdout, expectFile)
		if len(cmp.Regressions) > 0 {
			return 1
		}
		return 0
	}
	return failOn.exitCode(res.Counts(), len(res.RuleIDs(results.Failed)))
}

// exitInterrupted is the status of a run stopped by SIGINT or SIGTERM
// (128+SIGINT, as shells report it): neither a pass nor a verdict.
const exitInterrupted = 130

// interruptContext is cancelled by the first SIGINT or SIGTERM; the run
// then stops, cleans up and prints its partial summary. A second signal
// gets the default behaviour (the process dies at once).
func interruptContext(stderr io.Writer) (ctx context.Context, interrupted func() bool, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	var hit atomic.Bool
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sig:
			hit.Store(true)
			signal.Stop(sig) // a second Ctrl-C kills
			fmt.Fprintf(stderr, "\nkmsmac conform: %v: stopping; cleaning up created keys (again to quit now)\n", s)
			cancel()
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, hit.Load, func() {
		once.Do(func() { close(done); signal.Stop(sig); cancel() })
	}
}

// checkFormats rejects unknown formatter names before any key is created.
func checkFormats(spec string) error {
	for _, f := range strings.Split(spec, ",") {
		name, file, hasFile := strings.Cut(f, ":")
		switch name {
		case "pretty", "progress":
			if hasFile && file == "" {
				return fmt.Errorf("--format %s: empty file name", f)
			}
		case "junit", "cucumber":
			if !hasFile || file == "" {
				return fmt.Errorf("--format %s needs a file: %s:FILE", name, name)
			}
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				return err
			}
		default:
			return fmt.Errorf("--format: unknown formatter %q (pretty, progress, junit:FILE, cucumber:FILE)", name)
		}
	}
	return nil
}

// writeReport writes JSON for a .json name, else the Markdown matrix.
func writeReport(path string, res results.Result) error {
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		return writeFile(path, res.WriteJSON)
	}
	return writeFile(path, res.WriteMarkdown)
}

// writeFile creates path (and its directory) and writes it with write.
func writeFile(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// multiFlag is a flag that may be given more than once.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
