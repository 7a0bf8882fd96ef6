package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"syscall"

	"github.com/kmsmac/kmsmac/reference"
)

func init() {
	register(command{
		name:    "serve",
		summary: "run the reference KMS endpoint (HMAC keys) until interrupted",
		run: func(args []string, stdout, stderr io.Writer) int {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serve(ctx, args, stdout, stderr)
		},
	})
}

var (
	regionRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
)

// serve runs the endpoint until ctx is done (SIGINT/SIGTERM in the command).
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout) // asked-for help is output, not an error
		}
	}
	addr := fs.String("addr", "127.0.0.1:4599", "listen address `host:port`; port 0 picks a free port")
	region := fs.String("region", "us-east-1", "AWS `region` the endpoint pretends to be (appears in key ARNs)")
	account := fs.String("account", "111122223333", "12-digit AWS `account` id that owns every key")
	quiet := fs.Bool("quiet", false, "do not log one line per request on stderr")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: kmsmac serve [flags]

Runs the reference KMS endpoint (awsJson1_1 over plain HTTP, no signature
checks, keys in memory) until SIGINT or SIGTERM. Point any AWS client at the
printed URL, e.g. aws --endpoint-url URL kms create-key --key-spec HMAC_256
--key-usage GENERATE_VERIFY_MAC, with any credentials.

Flags:`)
		fs.PrintDefaults()
	}
	if status, ok := parseFlags(fs, args); !ok {
		return status
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "kmsmac serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	case !regionRE.MatchString(*region):
		fmt.Fprintf(stderr, "kmsmac serve: invalid --region %q: want e.g. us-east-1\n", *region)
		return 2
	case !accountRE.MatchString(*account):
		fmt.Fprintf(stderr, "kmsmac serve: invalid --account %q: want 12 digits\n", *account)
		return 2
	}

	opts := reference.Options{Region: *region, Account: *account}
	if !*quiet {
		opts.Log = stderr
	}
	srv, err := reference.Start(*addr, opts)
	if err != nil {
		fmt.Fprintf(stderr, "kmsmac serve: cannot listen on %s: %v\n", *addr, err)
		return 2
	}
	fmt.Fprintf(stdout, "kmsmac reference endpoint listening on %s (region %s, account %s)\n", srv.URL(), *region, *account)

	<-ctx.Done()
	fmt.Fprintln(stdout, "kmsmac reference endpoint shutting down")
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "kmsmac serve: shutdown: %v\n", err)
		return 1
	}
	return 0
}
