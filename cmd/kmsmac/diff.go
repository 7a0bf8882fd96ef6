package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/kmsmac/kmsmac/diff"
)

func init() {
	register(command{name: "diff", summary: "send the same generated requests to two endpoints and report where they differ", run: runDiff})
}

const diffUsage = `Usage: kmsmac diff [--endpoint A] [--against B] [flags]

Sends the same generated GenerateMac, VerifyMac and DescribeKey requests to
two endpoints and reports every difference in HTTP status, error code,
message, MAC bytes and response fields, each with the smallest request that
still shows it. A and B are "reference" (the embedded reference endpoint,
also the default for an omitted flag), "aws" (real AWS KMS through the
standard AWS configuration chain; creates keys and costs money) or a URL.

Keys are imported from the same material on both sides when both can
import HMAC material, so MACs compare byte for byte; otherwise each side
generates its own keys and only MAC lengths compare (one line says why).
Divergences are grouped by cause: operation, what differs, each side's
code and message with key names, numbers and quoted values left out.
Key ids, ARNs, aliases and the account are shown as placeholders such as
<key-arn:k1>. The keys are scheduled for deletion (7 days) at the end
unless --keep-keys.

Exit status: 0 no divergence, 1 divergences, 2 usage or setup error.

Flags:
`

func runDiff(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("diff", diffUsage, stderr)
	var (
		cfg      diff.Config
		jsonFile string
		ignore   string
		timeout  time.Duration
		quiet    bool
	)
	fs.StringVar(&cfg.A, "endpoint", diff.ReferenceName, `endpoint A: "reference", "aws" or a URL`)
	fs.StringVar(&cfg.B, "against", diff.ReferenceName, `endpoint B: "reference", "aws" or a URL`)
	fs.StringVar(&cfg.Region, "region", "", "region (default us-east-1, or the AWS config's for aws)")
	fs.Int64Var(&cfg.Seed, "seed", 0, "seed of the generated requests and key material (0 picks one; it is printed)")
	fs.IntVar(&cfg.Requests, "requests", 300, "number of generated requests")
	fs.IntVar(&cfg.Concurrency, "concurrency", 4, "requests in flight")
	fs.StringVar(&ignore, "ignore", "", `comma-separated difference kinds to leave out (prefixes), e.g. "message,field:KeyMetadata"`)
	fs.IntVar(&cfg.ShrinkBudget, "shrink", 60, "request pairs spent shrinking each distinct divergence")
	fs.DurationVar(&cfg.PollTimeout, "poll-timeout", 30*time.Second, "how long a key may take to reach a state")
	fs.BoolVar(&cfg.KeepKeys, "keep-keys", false, "do not delete the aliases or schedule the keys for deletion")
	fs.BoolVar(&cfg.NoImport, "no-import", false, "use generated keys even when both sides can import key material")
	fs.StringVar(&jsonFile, "json", "", "also write the full report as JSON to `FILE`")
	fs.DurationVar(&timeout, "timeout", 30*time.Minute, "give up on the whole run after this long")
	fs.BoolVar(&quiet, "quiet", false, "no progress lines on stderr")
	if status, ok := parseNoArgs(fs, args, stderr); !ok {
		return status
	}
	if cfg.Requests < 1 || cfg.Concurrency < 1 || cfg.ShrinkBudget < 1 {
		fmt.Fprintln(stderr, "kmsmac diff: --requests, --concurrency and --shrink must be at least 1")
		return 2
	}
	for _, k := range strings.Split(ignore, ",") {
		if k = strings.TrimSpace(k); k != "" {
			cfg.Ignore = append(cfg.Ignore, k)
		}
	}
	if cfg.Seed == 0 {
		cfg.Seed = time.Now().UnixNano()
	}
	if !quiet {
		cfg.Progress = stderr
	}
	if jsonFile != "" {
		// Fail on an unwritable path before any key is created.
		if err := os.MkdirAll(filepath.Dir(jsonFile), 0o755); err != nil {
			fmt.Fprintln(stderr, "kmsmac diff:", err)
			return 2
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	fmt.Fprintf(stdout, "kmsmac diff: seed %d\n", cfg.Seed)
	rep, err := diff.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "kmsmac diff:", err)
		return 2
	}
	rep.WriteText(stdout)
	if jsonFile != "" {
		f, err := os.Create(jsonFile)
		if err == nil {
			err = rep.WriteJSON(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(stderr, "kmsmac diff: writing the JSON report:", err)
			return 2
		}
		fmt.Fprintln(stdout, "JSON report written to", jsonFile)
	}
	if !rep.OK() {
		return 1
	}
	return 0
}
