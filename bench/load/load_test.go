package load

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/kmsmac/kmsmac/bench/floor"
	"github.com/kmsmac/kmsmac/reference"
)

// parse reads Go benchmark output and fails on anything benchfmt rejects.
func parse(t *testing.T, out []byte) []*benchfmt.Result {
	t.Helper()
	var rs []*benchfmt.Result
	rd := benchfmt.NewReader(bytes.NewReader(out), "out")
	for rd.Scan() {
		switch r := rd.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Fatalf("not benchmark format: %v\n%s", r, out)
		case *benchfmt.Result:
			rs = append(rs, r.Clone())
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	return rs
}

// value finds a measurement by the unit as written (benchfmt tidies
// units, e.g. p50-ns becomes p50-sec).
func value(r *benchfmt.Result, unit string) (float64, bool) {
	for _, v := range r.Values {
		if v.OrigUnit == unit {
			return v.OrigValue, true
		}
		if v.OrigUnit == "" && v.Unit == unit {
			return v.Value, true
		}
	}
	return 0, false
}

func TestRunOutputIsBenchmarkFormat(t *testing.T) {
	fl := floor.NewServer()
	defer fl.Close()
	ref := reference.NewServer(reference.Options{})
	defer ref.Close()
	cases := []struct {
		name, url, endpoint, client, op, wantBase string
	}{
		{"floor raw", fl.URL(), "floor", "raw", "GenerateMac", "GenerateMac"},
		{"floor sdk verify", fl.URL(), "floor", "sdk", "VerifyMac", "VerifyMac"},
		{"reference raw mix", ref.URL(), "reference", "raw", "mix", "Mix"},
		{"reference sdk", ref.URL(), "reference", "sdk", "GenerateMac", "GenerateMac"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			res, err := Run(context.Background(), Config{
				Endpoint: c.url, EndpointName: c.endpoint, Client: c.client, Op: c.op,
				Alg: "HMAC_SHA_384", Size: 100, Concurrency: 3, Requests: 60, Count: 2, CheckEvery: 1,
			}, &out, true)
			if err != nil {
				t.Fatal(err)
			}
			rs := parse(t, out.Bytes())
			if len(rs) != 2 || len(res) != 2 {
				t.Fatalf("want 2 results, got %d parsed, %d returned:\n%s", len(rs), len(res), out.String())
			}
			want := c.wantBase + "/endpoint=" + c.endpoint + "/alg=HMAC_SHA_384/size=100/c=3/client=" + c.client
			for _, r := range rs {
				if got := r.Name.String(); got != want {
					t.Errorf("name %q, want %q", got, want)
				}
				if r.Iters != 60 {
					t.Errorf("N = %d, want 60", r.Iters)
				}
				for _, unit := range []string{"req/s", "p50-ns", "p99-ns", "errors", "client-cpu-ns/op"} {
					if _, ok := value(r, unit); !ok {
						t.Errorf("no %s in %s", unit, out.String())
					}
				}
				if e, _ := value(r, "errors"); e != 0 {
					t.Errorf("%v errors against a healthy endpoint: %s", e, out.String())
				}
				if rps, _ := value(r, "req/s"); rps <= 0 {
					t.Errorf("req/s = %v", rps)
				}
			}
			if !strings.HasPrefix(out.String(), "goos: ") {
				t.Errorf("no goos header:\n%s", out.String())
			}
			for _, r := range res {
				if r.P50 <= 0 || r.P99 < r.P50 {
					t.Errorf("p50 %v, p99 %v", r.P50, r.P99)
				}
			}
		})
	}
}

// flaky wraps the floor: after the driver's setup it answers every second
// GenerateMac with a throttling error, or corrupts the MAC.
type flaky struct {
	h       http.Handler
	n       atomic.Int64
	corrupt bool
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "TrentService.GenerateMac" {
		f.h.ServeHTTP(w, r)
		return
	}
	n := f.n.Add(1)
	if n < 2 || n%2 == 1 { // the setup's first GenerateMac, and every odd one, pass
		f.h.ServeHTTP(w, r)
		return
	}
	if f.corrupt {
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, r)
		var out map[string]any
		json.Unmarshal(rec.Body.Bytes(), &out)
		out["Mac"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
		json.NewEncoder(w).Encode(out)
		return
	}
	w.Header().Set("X-Amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/")
	w.WriteHeader(http.StatusBadRequest)
	io.WriteString(w, `{"__type":"com.amazonaws.kms#ThrottlingException","message":"Rate exceeded"}`)
}

func TestRunCountsErrorsByCode(t *testing.T) {
	for _, c := range []struct {
		name    string
		corrupt bool
		client  string
		code    string
	}{
		{"throttled raw", false, "raw", "ThrottlingException"},
		{"throttled sdk", false, "sdk", "ThrottlingException"},
		{"wrong MAC", true, "raw", codeBadResponse},
		{"wrong MAC sdk", true, "sdk", codeBadResponse},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(&flaky{h: floor.NewHandler(), corrupt: c.corrupt})
			defer srv.Close()
			var out bytes.Buffer
			res, err := Run(context.Background(), Config{
				Endpoint: srv.URL, EndpointName: "flaky", Client: c.client, Concurrency: 4, Requests: 100, CheckEvery: 1,
			}, &out, false)
			if err != nil {
				t.Fatal(err)
			}
			r := res[0]
			// GenerateMacs 2..101 reach the server during the run: 50 are even.
			if r.N != 100 || r.Errors != 50 || r.ByCode[c.code] != 50 || len(r.ByCode) != 1 {
				t.Fatalf("N=%d errors=%d by code %v; want 100, 50 %s", r.N, r.Errors, r.ByCode, c.code)
			}
			rs := parse(t, out.Bytes())
			if e, _ := value(rs[0], "errors"); e != 50 {
				t.Errorf("errors unit = %v, want 50", e)
			}
		})
	}
}

func TestRunSetupFailure(t *testing.T) {
	// An endpoint that answers everything with an error: no key, exit early.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"AccessDeniedException","message":"no"}`)
	}))
	defer srv.Close()
	_, err := Run(context.Background(), Config{Endpoint: srv.URL, Requests: 1}, io.Discard, true)
	if err == nil || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Fatalf("err = %v, want AccessDeniedException at key creation", err)
	}
	// A given key that does not exist fails at the first GenerateMac.
	fl := floor.NewServer()
	defer fl.Close()
	_, err = Run(context.Background(), Config{Endpoint: fl.URL(), KeyID: "nope", Requests: 1}, io.Discard, true)
	if err == nil || !strings.Contains(err.Error(), "NotFoundException") {
		t.Fatalf("err = %v, want NotFoundException", err)
	}
}

func TestRunByDuration(t *testing.T) {
	fl := floor.NewServer()
	defer fl.Close()
	start := time.Now()
	var progress bytes.Buffer
	res, err := Run(context.Background(), Config{Endpoint: fl.URL(), Concurrency: 2, Duration: 1200 * time.Millisecond, Progress: &progress}, io.Discard, false)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second || res[0].N == 0 {
		t.Fatalf("ran %v with %d requests; want about 1.2s and some requests", el, res[0].N)
	}
	if !strings.Contains(progress.String(), "req/s") {
		t.Errorf("no progress line: %q", progress.String())
	}
}

func TestConfigErrors(t *testing.T) {
	ok := Config{Endpoint: "http://127.0.0.1:1"}
	for _, c := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"client", func(c *Config) { c.Client = "curl" }, "client"},
		{"sign", func(c *Config) { c.Sign = "twice" }, "sign"},
		{"op", func(c *Config) { c.Op = "Encrypt" }, "op"},
		{"alg", func(c *Config) { c.Alg = "HMAC_SHA_1" }, "alg"},
		{"size big", func(c *Config) { c.Size = 4097 }, "size"},
		{"size negative", func(c *Config) { c.Size = -1 }, "size"},
		{"concurrency", func(c *Config) { c.Concurrency = -3 }, "concurrency"},
		{"no endpoint", func(c *Config) { c.Endpoint = "" }, "no endpoint"},
		{"bad url", func(c *Config) { c.Endpoint = "127.0.0.1:80" }, "endpoint"},
		{"name with slash", func(c *Config) { c.EndpointName = "a/b" }, "name"},
		{"label with space", func(c *Config) { c.Label = "a b" }, "name"},
		{"negative count", func(c *Config) { c.Count = -1 }, "count"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := ok
			c.mod(&cfg)
			err := cfg.defaults()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, c.want)
			}
		})
	}
	cfg := ok
	if err := cfg.defaults(); err != nil {
		t.Fatal(err)
	}
	if got := cfg.Name("GenerateMac"); got != "BenchmarkGenerateMac/endpoint=127.0.0.1:1/alg=HMAC_SHA_256/size=4096/c=8/client=raw" {
		t.Errorf("default name %q", got)
	}
}

func TestErrorCode(t *testing.T) {
	for _, c := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"__type":"NotFoundException","message":"x"}`, 400, "NotFoundException"},
		{`{"__type":"com.amazonaws.kms#DisabledException"}`, 400, "DisabledException"},
		{`{"__type":"ThrottlingException:http://internal.amazon.com/coral/"}`, 400, "ThrottlingException"},
		{`{"code":"ValidationException"}`, 400, "ValidationException"},
		{`<html>bad gateway</html>`, 502, "HTTP502"},
		{``, 500, "HTTP500"},
	} {
		if got := errorCode([]byte(c.body), c.status); got != c.want {
			t.Errorf("errorCode(%q) = %q, want %q", c.body, got, c.want)
		}
	}
}

func TestQuantile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	for _, c := range []struct {
		in   []time.Duration
		q    float64
		want time.Duration
	}{
		{d, 0.5, 50}, {d, 0.99, 99}, {d, 1, 100}, {d[:1], 0.99, 1}, {nil, 0.5, 0}, {d[:10], 0.99, 10},
	} {
		if got := quantile(c.in, c.q); got != c.want {
			t.Errorf("quantile(%d values, %v) = %v, want %v", len(c.in), c.q, got, c.want)
		}
	}
}

const wrkOut = `Running 10s test @ http://127.0.0.1:4599/
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.10ms    1.20ms  30.00ms   90.00%
  Latency Distribution
     50%    4.90ms
     75%    5.50ms
     90%    6.20ms
     99%   12.50ms
  125000 requests in 10.00s, 40.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:  12500.00
`

func TestWrkResult(t *testing.T) {
	r, err := WrkResult(strings.NewReader(wrkOut), Config{EndpointName: "reference", Op: "GenerateMac", Alg: "HMAC_SHA_256", Size: 4096, Concurrency: 64})
	if err != nil {
		t.Fatal(err)
	}
	if r.N != 125000 || r.Elapsed != 10*time.Second || r.P50 != 4900*time.Microsecond || r.P99 != 12500*time.Microsecond || r.Errors != 10 {
		t.Fatalf("got %+v", r)
	}
	rs := parse(t, []byte(r.Line()+"\n"))
	if rps, _ := value(rs[0], "req/s"); rps != 12500 {
		t.Errorf("req/s %v", rps)
	}
	if _, ok := value(rs[0], "client-cpu-ns/op"); ok {
		t.Error("wrk line claims a client CPU figure it cannot know")
	}
	if !strings.Contains(r.Name, "client=wrk") {
		t.Errorf("name %q", r.Name)
	}
	if _, err := WrkResult(strings.NewReader("hello\n"), Config{}); err == nil {
		t.Error("garbage accepted as wrk output")
	}
}

func TestWrkScript(t *testing.T) {
	fl := floor.NewServer()
	defer fl.Close()
	s, err := WrkScript(context.Background(), Config{Endpoint: fl.URL(), Op: "VerifyMac", Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`wrk.method = "POST"`, `wrk.headers["X-Amz-Target"] = "TrentService.VerifyMac"`, `wrk.body = "{\"KeyId\":`, `\"Mac\":`, `Authorization`} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %s:\n%s", want, s)
		}
	}
	if _, err := WrkScript(context.Background(), Config{Endpoint: fl.URL(), Op: "mix"}); err == nil {
		t.Error("mix accepted for a wrk script")
	}
}

func TestServerStatsFromProc(t *testing.T) {
	// This process stands in for a server: its CPU and RSS are readable.
	pid := os.Getpid()
	if serverCPU(pid) < 0 || serverRSS(pid) <= 0 {
		t.Skip("no /proc here")
	}
	if serverCPU(-1) != -1 || serverRSS(0) != -1 || serverRSS(1<<30) != -1 {
		t.Error("bad pids should give -1")
	}
	fl := floor.NewServer()
	defer fl.Close()
	var out bytes.Buffer
	if _, err := Run(context.Background(), Config{Endpoint: fl.URL(), Requests: 50, ServerPID: pid}, &out, false); err != nil {
		t.Fatal(err)
	}
	rs := parse(t, out.Bytes())
	if v, ok := value(rs[0], "server-rss-MiB"); !ok || v <= 0 {
		t.Errorf("server-rss-MiB %v %v in %s", v, ok, out.String())
	}
	if _, ok := value(rs[0], "server-cpu-ns/op"); !ok {
		t.Errorf("no server-cpu-ns/op in %s", out.String())
	}
}

func TestRunSigning(t *testing.T) {
	for _, c := range []struct {
		sign     string
		wantAuth bool
	}{{"once", true}, {"each", true}, {"none", false}} {
		t.Run(c.sign, func(t *testing.T) {
			var withAuth, without atomic.Int64
			h := floor.NewHandler()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=test/") {
					withAuth.Add(1)
				} else {
					without.Add(1)
				}
				h.ServeHTTP(w, r)
			}))
			defer srv.Close()
			res, err := Run(context.Background(), Config{Endpoint: srv.URL, Sign: c.sign, Requests: 20, Concurrency: 2}, io.Discard, false)
			if err != nil {
				t.Fatal(err)
			}
			if res[0].Errors != 0 {
				t.Fatalf("errors %v", res[0].ByCode)
			}
			if c.wantAuth && without.Load() != 0 || !c.wantAuth && withAuth.Load() != 0 {
				t.Errorf("signed %d, unsigned %d requests", withAuth.Load(), without.Load())
			}
		})
	}
}

// An endpoint that answers a wrong MAC with MacValid false instead of
// KMSInvalidMacException can still be load tested, with a warning.
func TestRunWarnsOfOddSetupAnswer(t *testing.T) {
	h := floor.NewHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "TrentService.VerifyMac" {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code == http.StatusOK {
			w.Write(rec.Body.Bytes())
			return
		}
		io.WriteString(w, `{"MacValid":false}`)
	}))
	defer srv.Close()
	var progress bytes.Buffer
	if _, err := Run(context.Background(), Config{Endpoint: srv.URL, Requests: 1, Progress: &progress}, io.Discard, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "VerifyMac of a wrong MAC answered MacValid false and no error") {
		t.Errorf("no warning: %q", progress.String())
	}

	fl := floor.NewServer()
	defer fl.Close()
	progress.Reset()
	if _, err := Run(context.Background(), Config{Endpoint: fl.URL(), Requests: 1, Progress: &progress}, io.Discard, false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(progress.String(), "wrong MAC") {
		t.Errorf("warning on the floor endpoint: %q", progress.String())
	}
}

// TestServerPIDChecked: a pid that is no live process, or one whose CPU
// does not move while the endpoint answers, is an error, not a 0.
func TestServerPIDChecked(t *testing.T) {
	if serverCPU(os.Getpid()) < 0 {
		t.Skip("no /proc here")
	}
	fl := floor.NewServer()
	defer fl.Close()
	var out bytes.Buffer
	_, err := Run(context.Background(), Config{Endpoint: fl.URL(), Requests: 10, ServerPID: 1 << 30}, &out, false)
	if err == nil || !strings.Contains(err.Error(), "not a live process") {
		t.Errorf("dead pid: %v", err)
	}
	// A sleeping child stands in for a wrong pid: alive, but never busy.
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep:", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	_, err = Run(context.Background(), Config{Endpoint: fl.URL(), Duration: 1200 * time.Millisecond, Concurrency: 2, ServerPID: cmd.Process.Pid}, &out, false)
	if err == nil || !strings.Contains(err.Error(), "used no CPU") {
		t.Errorf("idle pid: %v", err)
	}
	if c := checkServerCPU(&Config{ServerPID: 5}, Result{ServerCPU: -1}); c == nil {
		t.Error("a pid gone during the run passed")
	}
	if c := checkServerCPU(&Config{ServerPID: 5}, Result{ServerCPU: 0, Elapsed: 100 * time.Millisecond, N: 10}); c != nil {
		t.Errorf("a short run with 0 ticks failed: %v", c)
	}
}

// TestRawSignOnceResigns: "signed once" requests are signed again before a
// signature could expire (5 minutes), or a long soak run would turn into
// InvalidSignatureException answers.
func TestRawSignOnceResigns(t *testing.T) {
	defer func(d time.Duration) { resignEvery = d }(resignEvery)
	resignEvery = 300 * time.Millisecond
	fl := floor.NewServer()
	defer fl.Close()
	u, _ := url.Parse(fl.URL())
	proxy := httputil.NewSingleHostReverseProxy(u)
	var mu sync.Mutex
	dates := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "TrentService.GenerateMac" {
			mu.Lock()
			dates[r.Header.Get("X-Amz-Date")+" "+r.Header.Get("Authorization")] = true
			mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	if _, err := Run(context.Background(), Config{Endpoint: srv.URL, Concurrency: 1, Duration: 2500 * time.Millisecond}, io.Discard, false); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	// The worker's request plus the check call before the run: at least two
	// more signatures come from re-signing over 2.5 s (X-Amz-Date has 1 s steps).
	if len(dates) < 3 {
		t.Errorf("%d distinct signatures over 2.5 s with re-signing every 300 ms, want at least 3: %v", len(dates), dates)
	}
}
