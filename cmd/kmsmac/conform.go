package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/kmsmac/kmsmac/steps"
)

func init() {
	register(command{name: "conform", summary: "run the conformance suite against an endpoint (default: the embedded reference)", run: runConform})
}

func runConform(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o steps.Options
	var report string
	var failOn failPolicy
	fs.StringVar(&o.Endpoint, "endpoint", "", "endpoint URL to test (also AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL); none = the embedded reference")
	fs.BoolVar(&o.AWS, "aws", false, "test real AWS KMS with the SDK's default configuration chain (creates keys, costs money)")
	fs.StringVar(&o.Region, "region", "", "region (default AWS_REGION, then us-east-1)")
	fs.StringVar(&o.Tags, "tags", "", `godog tag expression selecting scenarios, e.g. "@GM-OK-1,@VM-OK-1 && ~@slow"`)
	fs.StringVar(&o.Format, "format", "progress", "godog formatters, comma-separated: pretty, progress, junit:FILE, cucumber:FILE")
	fs.StringVar(&report, "report", "", "write a Markdown conformance matrix to this file")
	fs.BoolVar(&o.Strict, "strict", false, "unverified deviations (rules with inferred evidence) fail the run")
	fs.Var(&failOn, "fail-on", "exit 1 on: failed (default) | unverified (also unverified deviations) | any (also skipped scenarios)")
	fs.StringVar(&o.VectorsDir, "vectors", "", "directory of Wycheproof hmac_sha*_test.json files")
	fs.BoolVar(&o.KeepKeys, "keep-keys", false, "do not schedule the keys the run created for deletion")
	fs.Int64Var(&o.Seed, "seed", 0, "seed for property tests (0 picks one and prints it)")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Minute, "give up on the whole run after this long")
	fs.DurationVar(&o.PollTimeout, "poll-timeout", 30*time.Second, "how long a state change may take to show")
	fs.IntVar(&o.Concurrency, "concurrency", 1, "scenarios at once (only with the progress formatter)")
	fs.StringVar(&o.Profile, "profile", "", "shared-config profile (with --aws)")
	fs.DurationVar(&o.RequestTimeout, "request-timeout", 30*time.Second, "give up on one request after this long")
	fs.IntVar(&o.Retries, "retries", 3, "extra attempts for throttling (any call) and 5xx answers (setup and cleanup calls only, never the call a scenario asserts on), with backoff; 0 = none")
	fs.StringVar(&o.KeysFile, "keys", "", "YAML file mapping roles to existing keys (bring your own keys)")
	fs.BoolVar(&o.NoCreate, "no-create", false, "never create or change keys; scenarios that must are skipped with that reason")
	fs.StringVar(&o.Golden, "golden", "", "also compare responses with this recording (kmsmac record)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: kmsmac conform [--endpoint URL | --aws] [flags]\n\nRuns every conformance scenario and prints a summary.\n\n"+failPolicyHelp+"\n\nCtrl-C (SIGINT) or SIGTERM stops the run: created keys are still scheduled for deletion, the partial summary is printed, and the exit status is 130.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kmsmac conform: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if o.AWS && o.Endpoint != "" {
		fmt.Fprintln(stderr, "kmsmac conform: --aws and --endpoint exclude each other")
		return 2
	}
	if err := checkFormats(o.Format); err != nil {
		fmt.Fprintln(stderr, "kmsmac conform:", err)
		return 2
	}
	if o.Retries == 0 {
		o.Retries = -1 // steps.Options: 0 is the default (3), negative is none
	}
	failOn = failOn.withStrict(o.Strict)
	o.Strict = failOn >= failOnUnverified
	if o.Seed == 0 {
		o.Seed = time.Now().UnixNano()
	}
	if o.Profile != "" && !o.AWS {
		fmt.Fprintln(stderr, "kmsmac conform: --profile needs --aws")
		return 2
	}
	if err := steps.ValidateTags(o.Tags); err != nil {
		fmt.Fprintln(stderr, "kmsmac conform: setup failed:", err)
		return 2
	}
	o.Output = stdout
	ctx, interrupted, stop := interruptContext(stderr)
	defer stop()
	t, err := steps.NewTarget(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "kmsmac conform: setup failed:", err)
		return 2
	}
	fmt.Fprint(stderr, t.Describe(ctx))
	res, err := steps.RunOn(ctx, t, o)
	t.Close(context.WithoutCancel(ctx))
	if err != nil {
		var se *steps.SetupError
		if errors.As(err, &se) {
			fmt.Fprintln(stderr, "kmsmac conform: setup failed:", err)
		} else {
			fmt.Fprintln(stderr, "kmsmac conform:", err)
		}
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
	if report != "" {
		if err := writeReport(report, res); err != nil {
			fmt.Fprintln(stderr, "kmsmac conform: writing the report:", err)
			return 2
		}
		fmt.Fprintln(stdout, "report written to", report)
	}
	return failOn.exitCode(res.Counts())
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

func writeReport(path string, res steps.Result) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := res.WriteMarkdown(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
