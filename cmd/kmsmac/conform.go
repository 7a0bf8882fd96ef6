package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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
	fs.IntVar(&o.Retries, "retries", 3, "extra attempts for throttling and 5xx answers, with backoff (never for assertions)")
	fs.StringVar(&o.KeysFile, "keys", "", "YAML file mapping roles to existing keys (bring your own keys)")
	fs.BoolVar(&o.NoCreate, "no-create", false, "never create or change keys; scenarios that must are skipped with that reason")
	fs.StringVar(&o.Golden, "golden", "", "also compare responses with this recording (kmsmac record)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: kmsmac conform [--endpoint URL | --aws] [flags]\n\nRuns every conformance scenario and prints a summary.\n\n"+failPolicyHelp+"\n\nFlags:")
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
	failOn = failOn.withStrict(o.Strict)
	o.Strict = failOn >= failOnUnverified
	if o.Seed == 0 {
		o.Seed = time.Now().UnixNano()
	}
	o.Output = stdout
	res, err := steps.Run(context.Background(), o)
	if err != nil {
		var se *steps.SetupError
		if errors.As(err, &se) {
			fmt.Fprintln(stderr, "kmsmac conform: setup failed:", err)
		} else {
			fmt.Fprintln(stderr, "kmsmac conform:", err)
		}
		return 2
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
