package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kmsmac/kmsmac/bench/floor"
	"github.com/kmsmac/kmsmac/bench/load"
	"github.com/kmsmac/kmsmac/bench/wirefloor"
	"github.com/kmsmac/kmsmac/internal/memlimit"
	"github.com/kmsmac/kmsmac/reference"
)

func init() {
	register(command{
		name:    "bench",
		summary: "load-test an endpoint's GenerateMac/VerifyMac (Go benchmark format on stdout)",
		run:     runBench,
	})
}

const benchUsage = `Usage: kmsmac bench [--endpoint URL | --aws] [flags]

Sends GenerateMac and/or VerifyMac requests from --concurrency workers and
prints one Go benchmark line per repetition (ns/op, req/s, p50-ns, p99-ns,
errors, client-cpu-ns/op, and server-cpu-ns/op when the server's pid is
known), so "kmsmac compare" or "go tool benchstat" can compare runs.
--op, --alg, --size, --concurrency and --client take comma-separated lists;
every combination runs.

With neither --endpoint nor --aws it starts the embedded reference (or
--embedded floor) in a child process, so client and server CPU are measured
apart. "kmsmac bench --serve reference|floor [--addr 127.0.0.1:0]" only
serves: it prints the URL on stdout and runs until interrupted (used by
scripts/perf-report.sh).

Against --aws, requests cost money and count against KMS quotas.

Flags:
`

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("bench", benchUsage, stderr)
	var (
		cfg                          load.Config
		ops, algs, sizes, concs, cls string
		embedded, serve, addr        string
		preload                      int
		wrkFile, cpuProfile          string
		quiet, noHeader, wrkLua      bool
	)
	fs.StringVar(&cfg.Endpoint, "endpoint", "", "endpoint `URL` (http://host:port)")
	fs.BoolVar(&cfg.AWS, "aws", false, "use real AWS KMS through the standard AWS config chain")
	fs.StringVar(&cfg.EndpointName, "endpoint-name", "", "value of the endpoint= key (default: reference, floor, aws or the URL's host:port)")
	fs.StringVar(&cfg.Region, "region", "", "region (default us-east-1, or the AWS config's with --aws)")
	fs.StringVar(&cls, "client", "raw", "client: raw (pre-built requests, one keep-alive connection per worker) or sdk (aws-sdk-go-v2, retries off)")
	fs.StringVar(&cfg.Sign, "sign", "", "raw client SigV4: once (sign one request and reuse it; the default), each (the default with --aws), or none")
	fs.StringVar(&ops, "op", "GenerateMac", "operation: GenerateMac, VerifyMac or mix")
	fs.StringVar(&algs, "alg", "HMAC_SHA_256", "MAC algorithm: HMAC_SHA_224|256|384|512")
	fs.StringVar(&sizes, "size", "4096", "message size in bytes (1..4096)")
	fs.StringVar(&concs, "concurrency", "8", "concurrent workers")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "length of each repetition")
	fs.IntVar(&cfg.Requests, "requests", 0, "requests per repetition (overrides --duration)")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "warm-up before the first repetition of each setting")
	fs.IntVar(&cfg.Count, "count", 1, "repetitions of each setting")
	fs.StringVar(&cfg.Label, "label", "", "adds a label= key to the benchmark names")
	fs.StringVar(&cfg.KeyID, "key-id", "", "use this key (default: create one per algorithm and schedule its deletion)")
	fs.IntVar(&cfg.CheckEvery, "check-every", 64, "check one response in `N` for correctness")
	fs.IntVar(&cfg.ServerPID, "server-pid", 0, "server process `pid`, to report server-cpu-ns/op (Linux)")
	fs.StringVar(&embedded, "embedded", "reference", "without --endpoint/--aws: reference (SigV4 checked), reference-noauth (kmsmac serve --auth off), floor or wirefloor")
	fs.StringVar(&serve, "serve", "", "only serve: reference, reference-noauth, reference-nethttp, floor or wirefloor")
	fs.StringVar(&addr, "addr", "127.0.0.1:0", "with --serve: listen address")
	fs.IntVar(&preload, "preload-keys", 0, "with --serve reference: create `N` HMAC_256 keys before serving and report heap and RSS on stderr (memory per key)")
	fs.BoolVar(&wrkLua, "print-wrk-lua", false, "create a key on --endpoint and print a wrk Lua script posting the request --client raw sends, then exit")
	fs.StringVar(&wrkFile, "wrk-to-bench", "", "convert the output of wrk --latency in `FILE` to a benchmark line (client=wrk; settings from the flags), then exit")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write the driver's CPU profile to `FILE` (is the driver the limit?)")
	fs.BoolVar(&quiet, "quiet", false, "no progress on stderr")
	fs.BoolVar(&noHeader, "no-header", false, "omit the goos/goarch/cpu header")
	if status, ok := parseNoArgs(fs, args, stderr); !ok {
		return status
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if serve != "" {
		if preload < 0 || (preload > 0 && !strings.HasPrefix(serve, "reference")) {
			fmt.Fprintln(stderr, "kmsmac bench: --preload-keys wants a count >= 0 and --serve reference")
			return 2
		}
		return serveOnly(ctx, serve, addr, preload, stdout, stderr)
	}
	if wrkFile != "" {
		return wrkToBench(wrkFile, cfg, ops, algs, sizes, concs, stdout, stderr)
	}
	if cfg.Endpoint != "" && cfg.AWS {
		fmt.Fprintln(stderr, "kmsmac bench: --endpoint and --aws exclude each other")
		return 2
	}
	if !checkEndpoint(&cfg.Endpoint, "bench", stderr) {
		return 2
	}
	sizeList, err1 := intList(sizes)
	concList, err2 := intList(concs)
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintf(stderr, "kmsmac bench: %v\n", err)
		return 2
	}
	if !quiet {
		cfg.Progress = stderr
	}
	if cfg.Endpoint == "" && !cfg.AWS {
		if embedded != "reference" && embedded != "reference-noauth" && embedded != "floor" && embedded != "wirefloor" {
			fmt.Fprintf(stderr, "kmsmac bench: --embedded %q: want reference, reference-noauth, floor or wirefloor\n", embedded)
			return 2
		}
		url, pid, cleanup, err := startChild(embedded, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "kmsmac bench: starting the embedded %s: %v\n", embedded, err)
			return 2
		}
		defer cleanup()
		cfg.Endpoint = url
		if cfg.ServerPID == 0 {
			cfg.ServerPID = pid
		}
		if cfg.EndpointName == "" {
			cfg.EndpointName = embedded
		}
	}
	if wrkLua {
		if strings.Contains(ops+algs+sizes+concs, ",") {
			fmt.Fprintln(stderr, "kmsmac bench: --print-wrk-lua takes one setting, not lists")
			return 2
		}
		cfg.Op, cfg.Alg, cfg.Size = ops, algs, sizeList[0]
		script, err := load.WrkScript(ctx, cfg)
		if err != nil {
			fmt.Fprintf(stderr, "kmsmac bench: %v\n", err)
			return 2
		}
		io.WriteString(stdout, script)
		return 0
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "kmsmac bench: %v\n", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "kmsmac bench: %v\n", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	header := !noHeader
	for _, cl := range strings.Split(cls, ",") {
		for _, op := range strings.Split(ops, ",") {
			for _, alg := range strings.Split(algs, ",") {
				for _, size := range sizeList {
					for _, c := range concList {
						run := cfg
						run.Client, run.Op, run.Alg, run.Size, run.Concurrency = cl, op, alg, size, c
						if _, err := load.Run(ctx, run, stdout, header); err != nil {
							fmt.Fprintf(stderr, "kmsmac bench: %v\n", err)
							return 2
						}
						header = false
					}
				}
			}
		}
	}
	return 0
}

func intList(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// serveOnly runs the reference or the floor until ctx ends, printing its
// URL first so a script can read it.
func serveOnly(ctx context.Context, which, addr string, preload int, stdout, stderr io.Writer) int {
	var url string
	var closeFn func() error
	switch which {
	case "reference", "reference-noauth", "reference-nethttp":
		o := reference.Options{AuthOff: which == "reference-noauth"}
		if which == "reference-nethttp" {
			o.Transport = reference.TransportNetHTTP // the transport before h1, for comparison
		}
		// As kmsmac serve: RSS near the live heap.
		stopLimit, _ := memlimit.Start()
		defer stopLimit()
		s, err := reference.Start(addr, o)
		if err != nil {
			fmt.Fprintf(stderr, "kmsmac bench: %v\n", err)
			return 2
		}
		if preload > 0 {
			if err := preloadKeys(ctx, s.Service(), preload, stderr); err != nil {
				s.Close()
				fmt.Fprintf(stderr, "kmsmac bench: %v\n", err)
				return 2
			}
		}
		url, closeFn = s.URL(), s.Close
	case "floor":
		s, err := floor.Start(addr)
		if err != nil {
			fmt.Fprintf(stderr, "kmsmac bench: %v\n", err)
			return 2
		}
		url, closeFn = s.URL(), s.Close
	case "wirefloor":
		s, err := wirefloor.Start(addr)
		if err != nil {
			fmt.Fprintf(stderr, "kmsmac bench: %v\n", err)
			return 2
		}
		url, closeFn = s.URL(), s.Close
	default:
		fmt.Fprintf(stderr, "kmsmac bench: --serve %q: want reference, reference-noauth, reference-nethttp, floor or wirefloor\n", which)
		return 2
	}
	fmt.Fprintln(stdout, url)
	if f, ok := stdout.(*os.File); ok {
		f.Sync()
	}
	<-ctx.Done()
	closeFn()
	return 0
}

// startChild runs "kmsmac bench --serve which" as a child process, so the
// server's CPU is not charged to the driver, and returns its URL and pid.
func startChild(which string, stderr io.Writer) (string, int, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return "", 0, nil, err
	}
	cmd := exec.Command(exe, "bench", "--serve", which, "--addr", "127.0.0.1:0")
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", 0, nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", 0, nil, err
	}
	cleanup := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		io.Copy(io.Discard, out)
	}()
	select {
	case url, ok := <-line:
		if !ok || !strings.HasPrefix(url, "http://") {
			cleanup()
			return "", 0, nil, fmt.Errorf("child printed %q, not a URL", url)
		}
		return url, cmd.Process.Pid, cleanup, nil
	case <-time.After(10 * time.Second):
		cleanup()
		return "", 0, nil, errors.New("child did not start within 10s")
	}
}

// wrkToBench turns one wrk --latency output into a benchmark line, so wrk
// and the driver can share a report.
func wrkToBench(file string, cfg load.Config, op, alg, sizes, concs string, stdout, stderr io.Writer) int {
	size, err1 := strconv.Atoi(sizes)
	conc, err2 := strconv.Atoi(concs)
	if err1 != nil || err2 != nil || strings.Contains(op+alg, ",") {
		fmt.Fprintln(stderr, "kmsmac bench: --wrk-to-bench takes one --op, --alg, --size and --concurrency")
		return 2
	}
	if cfg.EndpointName == "" {
		cfg.EndpointName = "endpoint"
	}
	cfg.Op, cfg.Alg, cfg.Size, cfg.Concurrency = op, alg, size, conc
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "kmsmac bench: %v\n", err)
		return 2
	}
	defer f.Close()
	r, err := load.WrkResult(f, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "kmsmac bench: %s: %v\n", file, err)
		return 2
	}
	fmt.Fprintln(stdout, r.Line())
	return 0
}

// preloadKeys creates n HMAC_256 keys through the service, as CreateKey
// calls would, and reports the memory they hold: the Go heap after a GC
// and the process's RSS, which is what the machine pays.
func preloadKeys(ctx context.Context, svc *reference.Service, n int, stderr io.Writer) error {
	body := []byte(`{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`)
	for i := range n {
		if _, err := svc.Call(ctx, "CreateKey", body); err != nil {
			return fmt.Errorf("preloading key %d: %v", i+1, err)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(stderr, "kmsmac bench: %d keys preloaded: heap in use %.1f MiB, RSS %.1f MiB\n",
		n, float64(ms.HeapInuse)/(1<<20), float64(load.SelfRSS())/(1<<20))
	return nil
}
