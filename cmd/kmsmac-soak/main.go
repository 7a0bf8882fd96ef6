// Command kmsmac-soak drives a KMS endpoint at a fixed rate of mixed
// operations and appends a Markdown report of the server's RSS, open
// files, goroutines and latency over time (package bench/soak). It is
// what scripts/soak.sh (make soak) runs against kmsmac serve.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/kmsmac/kmsmac/bench/soak"
)

func main() {
	var c soak.Config
	fs := pflag.NewFlagSet("kmsmac-soak", pflag.ContinueOnError)
	fs.StringVar(&c.Endpoint, "endpoint", "", "endpoint `URL` (required)")
	fs.StringVar(&c.Region, "region", "us-east-1", "SigV4 region")
	fs.StringVar(&c.AccessKey, "access-key", "test", "SigV4 access key id (empty: unsigned)")
	fs.StringVar(&c.Secret, "secret", "test", "SigV4 secret access key")
	fs.IntVar(&c.Rate, "rate", 200, "requests per second offered")
	fs.DurationVar(&c.Duration, "duration", 2*time.Minute, "length of the run")
	fs.DurationVar(&c.Interval, "interval", 10*time.Second, "one sample per interval")
	fs.IntVar(&c.Workers, "workers", 16, "requests in flight at most")
	fs.IntVar(&c.Keys, "keys", 20, "HMAC keys the mix works on")
	fs.IntVar(&c.PID, "pid", 0, "server `pid`, for RSS and open files from /proc")
	fs.StringVar(&c.DebugURL, "debug-url", "", "server's pprof base `URL` (kmsmac serve --debug-addr), for goroutines")
	title := fs.String("title", "soak", "report section title")
	out := fs.String("out", "", "append the Markdown report to `FILE` (default: stdout)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if c.Endpoint == "" {
		fmt.Fprintln(os.Stderr, "kmsmac-soak: --endpoint is required")
		os.Exit(2)
	}
	c.Progress = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	samples, created, err := soak.Run(ctx, c)
	if err != nil && samples == nil {
		fmt.Fprintln(os.Stderr, "kmsmac-soak:", err)
		os.Exit(1)
	}
	w := os.Stdout
	if *out != "" {
		f, ferr := os.OpenFile(*out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if ferr != nil {
			fmt.Fprintln(os.Stderr, "kmsmac-soak:", ferr)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	soak.WriteMarkdown(w, *title, c, samples, created)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kmsmac-soak: interrupted:", err)
	}
}
