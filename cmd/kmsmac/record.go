package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kmsmac/kmsmac/steps"
)

func init() {
	register(command{name: "record", summary: "run the suite and store the target's normalised responses (for conform --golden)", run: runRecord})
}

func runRecord(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o steps.Options
	fs.StringVar(&o.RecordTo, "out", "", "write the recording to this file (required), e.g. golden.json")
	fs.StringVar(&o.Endpoint, "endpoint", "", "endpoint URL to record (also AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL); none = the embedded reference")
	fs.BoolVar(&o.AWS, "aws", false, "record real AWS KMS with the SDK's default configuration chain (creates keys, costs money)")
	fs.StringVar(&o.Region, "region", "", "region (default AWS_REGION, then us-east-1)")
	fs.StringVar(&o.Tags, "tags", "", `godog tag expression selecting scenarios, e.g. "~@slow"`)
	fs.StringVar(&o.Format, "format", "progress", "godog formatters, comma-separated: pretty, progress, junit:FILE, cucumber:FILE")
	fs.StringVar(&o.VectorsDir, "vectors", "", "directory of Wycheproof hmac_sha*_test.json files")
	fs.BoolVar(&o.KeepKeys, "keep-keys", false, "do not schedule the keys the run created for deletion")
	fs.Int64Var(&o.Seed, "seed", 0, "seed for property tests (0 picks one and prints it)")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Minute, "give up on the whole run after this long")
	fs.DurationVar(&o.PollTimeout, "poll-timeout", 30*time.Second, "how long a state change may take to show")
	fs.StringVar(&o.Profile, "profile", "", "shared-config profile (with --aws)")
	fs.DurationVar(&o.RequestTimeout, "request-timeout", 30*time.Second, "give up on one request after this long")
	fs.IntVar(&o.Retries, "retries", 3, "extra attempts for throttling (any call) and 5xx answers (setup and cleanup calls only), with backoff; 0 = none")
	fs.StringVar(&o.KeysFile, "keys", "", "YAML file mapping roles to existing keys (bring your own keys)")
	fs.BoolVar(&o.NoCreate, "no-create", false, "never create or change keys; scenarios that must are skipped with that reason")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: kmsmac record [--aws | --endpoint URL] --out golden.json [flags]

Runs the conformance suite and stores, per scenario, every response the
scenario checked, normalised: key ids, ARNs, aliases, account, region,
times, tokens and the MACs of generated keys become placeholders, so the
recording compares with any endpoint. Property and vector scenarios keep
their verdict only. Check an emulator against it with
  kmsmac conform --endpoint URL --golden golden.json

Exit status: 0 when the recording was written (whatever the scenarios'
verdicts: they are in the summary), 2 on a usage or setup error.

Flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "kmsmac record: unexpected arguments %q\n", fs.Args())
		return 2
	case o.RecordTo == "":
		fmt.Fprintln(stderr, "kmsmac record: --out FILE is required")
		return 2
	case o.AWS && o.Endpoint != "":
		fmt.Fprintln(stderr, "kmsmac record: --aws and --endpoint exclude each other")
		return 2
	}
	if o.Retries == 0 {
		o.Retries = -1 // steps.Options: 0 is the default (3), negative is none
	}
	if err := checkFormats(o.Format); err != nil {
		fmt.Fprintln(stderr, "kmsmac record:", err)
		return 2
	}
	if err := checkWritable(o.RecordTo); err != nil {
		fmt.Fprintln(stderr, "kmsmac record: --out:", err)
		return 2
	}
	if o.Seed == 0 {
		o.Seed = time.Now().UnixNano()
	}
	o.Output = stdout
	res, err := steps.Run(context.Background(), o)
	if err != nil {
		fmt.Fprintln(stderr, "kmsmac record: setup failed:", err)
		return 2
	}
	res.WriteSummary(stdout)
	if len(res.Scenarios) == 0 {
		fmt.Fprintln(stderr, "kmsmac record: no scenario matched --tags", o.Tags)
		return 2
	}
	fmt.Fprintf(stdout, "seed %d\n", o.Seed)
	if err := res.RecordingError(); err != nil {
		fmt.Fprintln(stderr, "kmsmac record: writing the recording:", err)
		return 2
	}
	// Read it back: what conform --golden will see.
	if _, err := steps.LoadGolden(o.RecordTo); err != nil {
		fmt.Fprintln(stderr, "kmsmac record:", err)
		return 2
	}
	return 0
}

// checkWritable fails early (before any key is created) when the
// recording could not be written.
func checkWritable(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a directory", path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".kmsmac-record-check-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}
