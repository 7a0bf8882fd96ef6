package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/kmsmac/kmsmac/cleanup"
	"github.com/kmsmac/kmsmac/target"
	"github.com/spf13/pflag"
)

func init() {
	register(command{name: "cleanup", summary: "schedule deletion of keys left behind by kmsmac runs (found by their run tag)", run: runCleanup})
}

func runCleanup(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("cleanup", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	var t cleanup.Target
	o := cleanup.Options{TagKey: target.RunTagKey}
	var yes bool
	fs.StringVar(&t.Endpoint, "endpoint", "", "endpoint URL to clean (default AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL)")
	fs.BoolVar(&t.AWS, "aws", false, "clean real AWS KMS, with the SDK's default configuration chain")
	fs.StringVar(&t.Region, "region", "", "region (default AWS_REGION, then us-east-1 for endpoints)")
	fs.StringVar(&o.RunID, "run-id", "", "remove the keys of this run (the value of the "+target.RunTagKey+" tag, printed by conform)")
	fs.DurationVar(&o.OlderThan, "older-than", 0, "remove the keys of any run created longer ago than this, e.g. 24h")
	fs.StringVar(&o.TagKey, "tag-key", target.RunTagKey, "the tag key that marks a run's keys")
	fs.BoolVar(&o.DryRun, "dry-run", false, "list what would be removed; change nothing")
	fs.BoolVar(&yes, "yes", false, "confirm changes in a real AWS account (required with --aws unless --dry-run)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: kmsmac cleanup [--endpoint URL | --aws] [--region R] (--run-id ID | --older-than 24h) [--dry-run] [--yes]

Finds the keys tagged %s by kmsmac runs, deletes their aliases and schedules
them for deletion in %d days (KMS's shortest window; CancelKeyDeletion
undoes it). Keys already pending deletion are skipped.

Exit status: 0 done (or nothing to do), 1 some keys could not be removed,
2 usage or setup error (bad flags, endpoint unreachable, listing failed).

Flags:
`, target.RunTagKey, cleanup.PendingWindowDays)
		fs.PrintDefaults()
	}
	if status, ok := parseNoArgs(fs, args, stderr); !ok {
		return status
	}
	usageErr := func(msg string) int {
		fmt.Fprintln(stderr, "kmsmac cleanup:", msg)
		return 2
	}
	switch {
	case t.AWS && t.Endpoint != "":
		return usageErr("--aws and --endpoint exclude each other")
	case (o.RunID == "") == (o.OlderThan == 0):
		return usageErr("give exactly one of --run-id ID and --older-than DURATION")
	case o.OlderThan < 0:
		return usageErr("--older-than must be positive")
	case o.TagKey == "":
		return usageErr("--tag-key must not be empty")
	case t.AWS && !o.DryRun && !yes:
		return usageErr("refusing to schedule deletions in a real AWS account without --yes (try --dry-run first)")
	}
	if !checkEndpoint(&t.Endpoint, "cleanup", stderr) {
		return 2
	}
	if !t.AWS && t.Endpoint == "" {
		t.Endpoint = firstEnvOf("AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL")
		if t.Endpoint == "" {
			return usageErr("no target: pass --endpoint URL or --aws (the embedded reference forgets its keys when a run ends)")
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	client, name, err := cleanup.NewClient(ctx, t)
	if err != nil {
		return usageErr(err.Error())
	}
	fmt.Fprintln(stdout, "cleaning", name)
	o.Log = stdout
	rep, err := cleanup.Run(ctx, client, o)
	if err != nil {
		fmt.Fprintln(stdout, rep.Summary())
		return usageErr(err.Error())
	}
	fmt.Fprintln(stdout, rep.Summary())
	if rep.Count(cleanup.Failed) > 0 {
		return 1
	}
	return 0
}

func firstEnvOf(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}
