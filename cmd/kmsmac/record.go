package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kmsmac/kmsmac/golden"
	"github.com/kmsmac/kmsmac/runner"
	"github.com/spf13/pflag"
)

func init() {
	register(command{name: "record", summary: "run the suite and store the target's normalised responses (for conform --golden)", run: runRecord})
}

func runRecord(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("record", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	var o runner.Options
	fs.StringVar(&o.RecordTo, "out", "", "write the recording to this file (required), e.g. golden.json")
	suiteFlags(fs, &o, "record")
	fs.StringVar(&o.Tags, "tags", "", `godog tag expression selecting scenarios, e.g. "~@slow"`)
	fs.IntVar(&o.Retries, "retries", 3, "extra attempts for throttling (any call) and 5xx answers (setup and cleanup calls only), with backoff; 0 = none")
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
	if status, ok := parseNoArgs(fs, args, stderr); !ok {
		return status
	}
	if o.RecordTo == "" {
		fmt.Fprintln(stderr, "kmsmac record: --out FILE is required")
		return 2
	}
	if !checkSuite(&o, "record", stderr) {
		return 2
	}
	if err := checkWritable(o.RecordTo); err != nil {
		fmt.Fprintln(stderr, "kmsmac record: --out:", err)
		return 2
	}
	o.Output = stdout
	res, err := runner.Run(context.Background(), o)
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
	if err := runner.RecordingError(res); err != nil {
		fmt.Fprintln(stderr, "kmsmac record: writing the recording:", err)
		return 2
	}
	// Read it back: what conform --golden will see.
	if _, err := golden.Load(o.RecordTo); err != nil {
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
