package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kmsmac/kmsmac/internal/memlimit"
	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/auth"
	"github.com/kmsmac/kmsmac/reference/limits"
	"github.com/kmsmac/kmsmac/reference/store/boltstore"
	"github.com/spf13/pflag"
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
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:4599", "listen address `host:port`; port 0 picks a free port")
	region := fs.String("region", "us-east-1", "AWS `region` the endpoint pretends to be (appears in key ARNs)")
	regions := fs.StringSlice("regions", nil, "every `region` served, comma-separated, each with its own keys (chosen by the request's SigV4 scope; unsigned: --region); default: --region only")
	account := fs.String("account", "111122223333", "12-digit AWS `account` id of the default principals (test/test and the AWS docs' example keys) and of unsigned callers under --auth off")
	principals := fs.String("principals", "", "YAML `file` of principals (arn, access_key_id, secret_access_key, controller, policy); default: test/test and AKIAIOSFODNN7EXAMPLE in --account")
	authMode := fs.String("auth", "on", "on: check SigV4 signatures and key policies; off: accept any request, signed or not, as --account")
	controls := fs.Bool("controls", false, "answer the KmsmacReference.* controls (SetKeyState, ExpireKeyMaterial, AdvanceClock, SetQuota) to signed requests of principals marked controller")
	logMode := fs.String("log", "errors", "what to log on stderr: errors (requests answered 4xx/5xx, with the error code) or requests (one line per request)")
	quiet := fs.Bool("quiet", false, "log nothing, not even errors")
	data := fs.String("data", "", "keep keys, aliases, grants, tags and states in `DIR`/kmsmac.db across restarts (each change on disk before its answer); default: memory only")
	var lim limits.Limits
	fs.IntVar(&lim.KeysPerRegion, "max-keys", 0, "keys the endpoint holds before CreateKey answers LimitExceededException (0: no limit)")
	fs.IntVar(&lim.GrantsPerKey, "max-grants-per-key", 0, "grants on one key before CreateGrant answers LimitExceededException (0: no limit)")
	fs.IntVar(&lim.AliasesPerAccount, "max-aliases", 0, "aliases before CreateAlias answers LimitExceededException (0: no limit)")
	fs.IntVar(&lim.MaxConnections, "max-connections", 0, "open connections at once; more are answered 503 and closed (0: no limit)")
	fs.Int64Var(&lim.MaxBodyBytes, "max-body", 0, "largest request body in `bytes`; larger ones are answered 413 (0: 1 MiB)")
	quotas := quotaFlags(fs)
	debugAddr := fs.String("debug-addr", "", "serve Go's /debug/pprof (goroutines, heap) on this loopback `host:port`; default: none")
	public := fs.Bool("public", false, "allow an --addr that is not loopback (e.g. 0.0.0.0:4599): anyone who reaches the port can call it (and, with the default principals, knows test/test)")
	fs.Usage = func() {
		// Asked-for help (the only time pflag calls Usage) is output, not an error.
		fmt.Fprintln(stdout, `Usage: kmsmac serve [flags]

Runs the reference KMS endpoint (awsJson1_1 over plain HTTP, keys in memory,
or in --data DIR) until SIGINT or SIGTERM. Requests must be signed (SigV4)
with a known access key: by default AWS_ACCESS_KEY_ID=test
AWS_SECRET_ACCESS_KEY=test, or the AWS docs' AKIAIOSFODNN7EXAMPLE pair; --auth
off accepts anything. Point any AWS client at the printed URL, e.g. aws
--endpoint-url URL kms create-key --key-spec HMAC_256 --key-usage
GENERATE_VERIFY_MAC.

Logs one line per request answered with an error on stderr, e.g.
  2025-01-02T15:04:05.000Z <request id> 400 ValidationException GenerateMac 0.213ms
and with --log requests one per request ("200 -" for a success).

Flags:`)
		fmt.Fprint(stdout, fs.FlagUsages())
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
	case slices.ContainsFunc(*regions, func(r string) bool { return !regionRE.MatchString(r) }):
		fmt.Fprintf(stderr, "kmsmac serve: invalid --regions %q: want Region names, e.g. us-east-1,eu-west-1\n", strings.Join(*regions, ","))
		return 2
	case !accountRE.MatchString(*account):
		fmt.Fprintf(stderr, "kmsmac serve: invalid --account %q: want 12 digits\n", *account)
		return 2
	case *logMode != "errors" && *logMode != "requests":
		fmt.Fprintf(stderr, "kmsmac serve: invalid --log %q: want errors or requests\n", *logMode)
		return 2
	case lim.Validate() != nil:
		fmt.Fprintf(stderr, "kmsmac serve: %v\n", lim.Validate())
		return 2
	case quotaErr(quotas) != nil:
		fmt.Fprintf(stderr, "kmsmac serve: %v\n", quotaErr(quotas))
		return 2
	case *quiet && fs.Changed("log"):
		fmt.Fprintln(stderr, "kmsmac serve: --quiet and --log exclude each other")
		return 2
	case *authMode != "on" && *authMode != "off":
		fmt.Fprintf(stderr, "kmsmac serve: invalid --auth %q: want on or off\n", *authMode)
		return 2
	case *controls && *authMode == "off":
		fmt.Fprintln(stderr, "kmsmac serve: --controls needs --auth on: the controls answer only signed requests of a controller principal")
		return 2
	case *principals != "" && *authMode == "off":
		fmt.Fprintln(stderr, "kmsmac serve: --principals needs --auth on")
		return 2
	}
	var cfg *auth.Config
	if *principals != "" {
		var err error
		if cfg, err = auth.Load(*principals); err != nil {
			fmt.Fprintf(stderr, "kmsmac serve: --principals: %v\n", err)
			return 2
		}
	}

	if host, ok := nonLoopback(ctx, *addr); ok && !*public {
		fmt.Fprintf(stderr, "kmsmac serve: --addr %s would listen on %s, beyond this machine; the reference has no authentication beyond well-known test keys, so this needs --public (or use 127.0.0.1:PORT)\n", *addr, host)
		return 2
	}

	// Errors only by default: a long-running server's log stays readable.
	opts := reference.Options{Region: *region, Regions: *regions, Account: *account, LogErrorsOnly: *logMode == "errors",
		Principals: cfg, AuthOff: *authMode == "off", Controls: *controls, DataDir: *data, Limits: lim}
	opts.Quota, _ = quotas()
	debugURL, stopDebug, err := startDebug(ctx, *debugAddr)
	if err != nil {
		fmt.Fprintf(stderr, "kmsmac serve: %v\n", err)
		return 2
	} else if debugURL != "" {
		fmt.Fprintf(stderr, "kmsmac serve: profiles on %s/debug/pprof/\n", debugURL)
	}
	defer stopDebug()
	if !*quiet {
		opts.Log = stderr
	}
	// A server that runs for long keeps RSS near its live heap (issue 14).
	stopLimit, _ := memlimit.Start()
	defer stopLimit()
	srv, err := reference.Start(*addr, opts)
	if err != nil {
		if *data != "" && !isListenErr(err) {
			fmt.Fprintf(stderr, "kmsmac serve: %v\n", err)
		} else {
			fmt.Fprintf(stderr, "kmsmac serve: cannot listen on %s: %v\n", *addr, err)
		}
		return 2
	}
	if a, _ := srv.Addr().(*net.TCPAddr); a != nil && !a.IP.IsLoopback() {
		// The real address, not the loopback URL: this one is reachable from elsewhere.
		host := a.IP.String()
		if h, _, _ := net.SplitHostPort(*addr); h != "" && a.IP.IsUnspecified() {
			host = h // Go reports 0.0.0.0 as [::] (dual stack); say what was asked
		}
		fmt.Fprintf(stdout, "kmsmac reference endpoint listening on http://%s (region %s, account %s)\n", net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(a.Port)), *region, *account)
		fmt.Fprintf(stderr, "kmsmac serve: --public: listening on %s with no authentication beyond well-known test keys; from this machine use %s\n", describeListen(a), srv.URL())
	} else {
		fmt.Fprintf(stdout, "kmsmac reference endpoint listening on %s (region %s, account %s)\n", srv.URL(), *region, *account)
	}

	if *data != "" {
		fmt.Fprintf(stderr, "kmsmac serve: state in %s (%d keys); every change is saved before its answer\n",
			filepath.Join(*data, boltstore.FileName), srv.Service().Store().KeyCount())
	}

	<-ctx.Done()
	fmt.Fprintln(stdout, "kmsmac reference endpoint shutting down")
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "kmsmac serve: shutdown: %v\n", err)
		return 1
	}
	return 0
}

// isListenErr tells a listener's error from one opening the data file.
func isListenErr(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

// nonLoopback tells whether addr (host:port) would listen beyond loopback:
// an empty or unspecified host (every interface), a non-loopback IP, or a
// name that resolves to one. It returns what it would listen on. An
// address that does not parse is left to the listener to report.
func nonLoopback(ctx context.Context, addr string) (string, bool) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", false
	}
	if host == "" {
		return "every interface", true
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsUnspecified() {
			return "every interface (" + host + ")", true
		}
		return host, !ip.IsLoopback()
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return "", false // the listener reports the unknown name
	}
	for _, ip := range ips {
		if !ip.IP.IsLoopback() {
			return host + " (" + ip.IP.String() + ")", true
		}
	}
	return "", false
}

// describeListen says where a non-loopback listener is reachable.
func describeListen(a *net.TCPAddr) string {
	if a.IP.IsUnspecified() {
		return "every interface, port " + strconv.Itoa(a.Port)
	}
	return a.String()
}
