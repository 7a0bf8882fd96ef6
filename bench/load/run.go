package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kmsmac/kmsmac/kmsspec"
)

// Result is one repetition.
type Result struct {
	Name      string
	N         int           // requests completed, errors included
	Elapsed   time.Duration // wall time of the repetition
	P50, P99  time.Duration
	Errors    int
	ByCode    map[string]int // error code → count
	ClientCPU time.Duration  // this process's user+system CPU; -1 if unknown
	ServerCPU time.Duration  // the server's CPU, when ServerPID is set; else -1
	ServerRSS int64          // the server's resident set at the end, in bytes; else -1
}

// NsPerOp is wall time per request.
func (r *Result) NsPerOp() float64 { return float64(r.Elapsed.Nanoseconds()) / float64(max(r.N, 1)) }

// ReqPerSec is throughput.
func (r *Result) ReqPerSec() float64 { return float64(r.N) / max(r.Elapsed.Seconds(), 1e-9) }

// Line is the Go benchmark format line.
func (r *Result) Line() string {
	n := float64(max(r.N, 1))
	s := fmt.Sprintf("%s\t%d\t%.0f ns/op\t%.1f req/s\t%d p50-ns\t%d p99-ns\t%d errors",
		r.Name, r.N, r.NsPerOp(), r.ReqPerSec(), r.P50.Nanoseconds(), r.P99.Nanoseconds(), r.Errors)
	if r.ClientCPU >= 0 {
		s += fmt.Sprintf("\t%.0f client-cpu-ns/op", float64(r.ClientCPU.Nanoseconds())/n)
	}
	if r.ServerCPU >= 0 {
		s += fmt.Sprintf("\t%.0f server-cpu-ns/op", float64(r.ServerCPU.Nanoseconds())/n)
	}
	if r.ServerRSS >= 0 {
		s += fmt.Sprintf("\t%.1f server-rss-MiB", float64(r.ServerRSS)/(1<<20))
	}
	return s
}

// Run runs cfg.Count repetitions against the endpoint, writing the header
// (unless header is false) and one line per repetition to out as they finish.
// It returns an error only for a setup failure (bad config, no key); errors
// during the run are counted, not returned.
func Run(ctx context.Context, cfg Config, out io.Writer, header bool) ([]Result, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	// A wrong pid used to read as 0 server CPU and a 2 MiB server.
	if cfg.ServerPID != 0 && serverCPU(cfg.ServerPID) < 0 {
		return nil, fmt.Errorf("--server-pid %d is not a live process whose CPU can be read (/proc/%d/stat)", cfg.ServerPID, cfg.ServerPID)
	}
	spec, _ := kmsspec.ByAlgorithm(cfg.Alg)
	hc := &http.Client{Transport: newTransport(cfg.Concurrency), Timeout: 30 * time.Second}
	defer hc.CloseIdleConnections()
	cl, err := newClient(ctx, &cfg, hc)
	if err != nil {
		return nil, err
	}
	if rc, ok := cl.(*rawClient); ok {
		defer rc.conns.closeAll()
	}
	j := &job{keyID: cfg.KeyID, alg: cfg.Alg, size: spec.Size, message: message(cfg.Size)}
	if j.keyID == "" {
		id, err := cl.createKey(ctx, spec.KeySpec)
		if err != nil {
			return nil, fmt.Errorf("creating a %s key: %w", spec.KeySpec, err)
		}
		j.keyID = id
		defer func() {
			// A fresh context: the run's may be cancelled by now.
			dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := cl.scheduleDeletion(dctx, id); err != nil && cfg.Progress != nil {
				fmt.Fprintf(cfg.Progress, "kmsmac bench: scheduling deletion of key %s: %v\n", id, err)
			}
		}()
	}
	if err := setup(ctx, cl, j, cfg.Progress); err != nil {
		return nil, err
	}

	ops := []int{opGenerate}
	name := cfg.Name(cfg.Op)
	switch cfg.Op {
	case "VerifyMac":
		ops = []int{opVerify}
	case "mix":
		ops = []int{opGenerate, opVerify}
		name = cfg.Name("Mix")
	}
	workers := make([]func(int, bool) string, cfg.Concurrency)
	for i := range workers {
		if workers[i], err = cl.worker(ctx, j); err != nil {
			return nil, err
		}
	}
	if header {
		writeHeader(out)
	}
	if cfg.Warmup > 0 {
		wc := cfg
		wc.Duration, wc.Requests = cfg.Warmup, 0
		r := runOnce(ctx, &wc, workers, ops, "warm-up")
		if r.Errors == r.N && r.N > 0 {
			return nil, fmt.Errorf("warm-up: every request failed (%s)", codes(r.ByCode))
		}
	}
	var results []Result
	for rep := 1; rep <= cfg.Count && ctx.Err() == nil; rep++ {
		r := runOnce(ctx, &cfg, workers, ops, fmt.Sprintf("%d/%d", rep, cfg.Count))
		r.Name = name
		if err := checkServerCPU(&cfg, r); err != nil {
			return results, err
		}
		fmt.Fprintln(out, r.Line())
		if r.Errors > 0 && cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "kmsmac bench: %s: %d errors: %s\n", name, r.Errors, codes(r.ByCode))
		}
		results = append(results, r)
	}
	return results, ctx.Err()
}

// checkServerCPU fails a repetition whose server pid was gone at the end,
// or used no CPU although it answered for a second or more: the pid is not
// the server's, and its figures would be made up. (CPU is counted in 10 ms
// ticks, so a short run may honestly read 0.)
func checkServerCPU(cfg *Config, r Result) error {
	switch {
	case cfg.ServerPID == 0:
		return nil
	case r.ServerCPU < 0:
		return fmt.Errorf("--server-pid %d: the process ended during the run", cfg.ServerPID)
	case r.ServerCPU == 0 && r.Elapsed >= time.Second && r.N > r.Errors:
		return fmt.Errorf("--server-pid %d used no CPU while %d requests were answered in %v: it is not the server's pid", cfg.ServerPID, r.N-r.Errors, r.Elapsed.Round(time.Millisecond))
	}
	return nil
}

// setup learns the expected MAC and checks the endpoint answers sanely, so
// the run's checks have something to compare with. Oddities that do not
// stop a load test are reported to warn (nil is silent).
func setup(ctx context.Context, cl client, j *job, warn io.Writer) error {
	tag, err := cl.generate(ctx, j)
	if err != nil {
		return fmt.Errorf("GenerateMac with key %s: %w", j.keyID, err)
	}
	if len(tag) != j.size {
		return fmt.Errorf("GenerateMac returned a %d-byte MAC; %s needs %d", len(tag), j.alg, j.size)
	}
	j.expected = tag
	if ok, err := cl.verify(ctx, j, tag); err != nil || !ok {
		return fmt.Errorf("VerifyMac of the MAC just generated: valid=%v, %v", ok, err)
	}
	bad := bytes.Clone(tag)
	bad[0] ^= 1
	if ok, err := cl.verify(ctx, j, bad); ok {
		return errors.New("VerifyMac accepted a wrong MAC")
	} else if warn != nil && (err == nil || errCode(err) != "KMSInvalidMacException") {
		// Not fatal for a load test, but worth knowing: KMS answers
		// KMSInvalidMacException here (rules.md).
		got := "MacValid false and no error"
		if err != nil {
			got = err.Error()
		}
		fmt.Fprintf(warn, "kmsmac bench: VerifyMac of a wrong MAC answered %s; AWS KMS answers KMSInvalidMacException\n", got)
	}
	return nil
}

func message(n int) []byte {
	m := make([]byte, n)
	for i := range m {
		m[i] = byte('a' + i%26)
	}
	return m
}

func codes(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return strings.Join(parts, " ")
}

type workerStats struct {
	lats   []time.Duration
	errors map[string]int
}

// runOnce runs one repetition: every worker loops until the request budget
// or the duration is spent; requests in flight at the end are completed and
// counted, never cancelled.
func runOnce(ctx context.Context, cfg *Config, workers []func(int, bool) string, ops []int, tag string) Result {
	var (
		stop   atomic.Bool
		issued atomic.Int64 // requests started, for the request budget
		done   atomic.Int64 // for progress
		wg     sync.WaitGroup
	)
	stats := make([]workerStats, len(workers))
	expect := cfg.Requests/len(workers) + 1
	if cfg.Requests == 0 {
		expect = 1024
	}
	cpu0 := processCPU()
	srv0 := serverCPU(cfg.ServerPID)
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			st := &stats[w]
			st.lats = make([]time.Duration, 0, expect)
			call := workers[w]
			for i := w; ; i++ {
				if cfg.Requests > 0 {
					if issued.Add(1) > int64(cfg.Requests) {
						return
					}
				} else if stop.Load() || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				code := call(ops[i%len(ops)], i%cfg.CheckEvery == 0)
				st.lats = append(st.lats, time.Since(t0))
				if code != "" {
					if st.errors == nil {
						st.errors = map[string]int{}
					}
					st.errors[code]++
				}
				done.Add(1)
			}
		}(w)
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	progress(cfg, tag, start, &done, &stop, finished)
	elapsed := time.Since(start)
	r := Result{Elapsed: elapsed, ClientCPU: processCPU() - cpu0, ServerCPU: -1, ServerRSS: serverRSS(cfg.ServerPID), ByCode: map[string]int{}}
	if srv0 >= 0 {
		if srv1 := serverCPU(cfg.ServerPID); srv1 >= 0 {
			r.ServerCPU = srv1 - srv0
		}
	}
	var all []time.Duration
	for _, st := range stats {
		all = append(all, st.lats...)
		for k, v := range st.errors {
			r.ByCode[k] += v
			r.Errors += v
		}
	}
	slices.Sort(all)
	r.N = len(all)
	r.P50, r.P99 = quantile(all, 0.50), quantile(all, 0.99)
	return r
}

// quantile is the nearest-rank quantile of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// progress waits for the workers, stopping them when the duration is up,
// and prints a status line about once a second.
func progress(cfg *Config, tag string, start time.Time, done *atomic.Int64, stop *atomic.Bool, finished <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var timeout <-chan time.Time
	if cfg.Requests == 0 {
		t := time.NewTimer(cfg.Duration)
		defer t.Stop()
		timeout = t.C
	}
	for {
		select {
		case <-finished:
			if cfg.Progress != nil {
				fmt.Fprintf(cfg.Progress, "\r%-70s\r", "")
			}
			return
		case <-timeout:
			stop.Store(true)
		case <-tick.C:
			if cfg.Progress != nil {
				n, s := done.Load(), time.Since(start).Seconds()
				fmt.Fprintf(cfg.Progress, "\rkmsmac bench %s %s: %d requests, %.0f req/s   ", cfg.EndpointName, tag, n, float64(n)/s)
			}
		}
	}
}
