package load

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kmsmac/kmsmac/kmsspec"
)

// WrkScript creates a key (or uses cfg.KeyID), checks it, and returns a wrk
// Lua script that posts the same GenerateMac (or VerifyMac) request the raw
// client sends, so `wrk -s` and `--client raw` can be compared on one
// endpoint. The key is left in place for wrk to use.
func WrkScript(ctx context.Context, cfg Config) (string, error) {
	cfg.Client = "raw"
	if err := cfg.defaults(); err != nil {
		return "", err
	}
	if cfg.Op == "mix" {
		return "", fmt.Errorf("wrk script: give --op GenerateMac or VerifyMac")
	}
	spec, _ := kmsspec.ByAlgorithm(cfg.Alg)
	hc := &http.Client{Transport: newTransport(1), Timeout: 30 * time.Second}
	defer hc.CloseIdleConnections()
	cl, err := newClient(ctx, &cfg, hc)
	if err != nil {
		return "", err
	}
	j := &job{keyID: cfg.KeyID, alg: cfg.Alg, size: spec.Size, message: message(cfg.Size)}
	if j.keyID == "" {
		if j.keyID, err = cl.createKey(ctx, spec.KeySpec); err != nil {
			return "", fmt.Errorf("creating a %s key: %w", spec.KeySpec, err)
		}
	}
	if err := setup(ctx, cl, j, cfg.Progress); err != nil {
		return "", err
	}
	rc := cl.(*rawClient)
	var tag []byte
	if cfg.Op == "VerifyMac" {
		tag = j.expected
	}
	p, err := rc.prepare(ctx, cfg.Op, macBody(j, tag))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-- wrk script from kmsmac bench: %s with key %s, %d-byte message, %s\n", cfg.Op, j.keyID, cfg.Size, cfg.Alg)
	b.WriteString("wrk.method = \"POST\"\nwrk.path = \"/\"\n")
	for k, vs := range p.tmpl.Header {
		fmt.Fprintf(&b, "wrk.headers[%s] = %s\n", luaString(k), luaString(vs[0]))
	}
	fmt.Fprintf(&b, "wrk.body = %s\n", luaString(string(p.body)))
	return b.String(), nil
}

// luaString quotes s for Lua; the bodies are ASCII JSON.
func luaString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

var (
	wrkTotal   = regexp.MustCompile(`(\d+) requests in ([0-9.]+)(us|ms|s|m)`)
	wrkPct     = regexp.MustCompile(`^\s*(50|99)(?:\.000)?%\s+([0-9.]+)(us|ms|s|m)\s*$`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSockErr = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// WrkResult reads the output of `wrk --latency` and returns it as a Result
// named like the driver's, with client=wrk, so both land in one table.
// wrk's client CPU is not known (client-cpu-ns/op is 0).
func WrkResult(r io.Reader, cfg Config) (Result, error) {
	cfg.Client = "wrk"
	if cfg.EndpointName == "" {
		cfg.EndpointName = "endpoint"
	}
	res := Result{ClientCPU: -1, ServerCPU: -1, ServerRSS: -1, ByCode: map[string]int{}}
	var haveTotal, have50, have99 bool
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if m := wrkTotal.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			res.N = n
			res.Elapsed = wrkDuration(m[2], m[3])
			haveTotal = true
		}
		if m := wrkPct.FindStringSubmatch(line); m != nil {
			d := wrkDuration(m[2], m[3])
			if m[1] == "50" {
				res.P50, have50 = d, true
			} else {
				res.P99, have99 = d, true
			}
		}
		if m := wrkNon2xx.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			res.ByCode["Non2xx"] += n
			res.Errors += n
		}
		if m := wrkSockErr.FindStringSubmatch(line); m != nil {
			for _, s := range m[1:] {
				n, _ := strconv.Atoi(s)
				res.ByCode["Socket"] += n
				res.Errors += n
			}
		}
	}
	if err := sc.Err(); err != nil {
		return res, err
	}
	if !haveTotal || !have50 || !have99 || res.Elapsed <= 0 {
		return res, fmt.Errorf("not wrk --latency output (need the request total and the 50%% and 99%% latencies)")
	}
	res.Name = cfg.Name(cfg.Op)
	if cfg.Op == "" {
		res.Name = cfg.Name("GenerateMac")
	}
	return res, nil
}

func wrkDuration(num, unit string) time.Duration {
	f, _ := strconv.ParseFloat(num, 64)
	switch unit {
	case "us":
		return time.Duration(f * float64(time.Microsecond))
	case "ms":
		return time.Duration(f * float64(time.Millisecond))
	case "m":
		return time.Duration(f * float64(time.Minute))
	}
	return time.Duration(f * float64(time.Second))
}
