// Package soak drives an endpoint at a fixed rate of mixed KMS operations
// for a long time and samples the server process as it goes: resident
// memory and open files from /proc/PID (Linux), goroutines from its
// /debug/pprof endpoint when given, and the latency of the requests of each
// interval. A leak shows as a figure that keeps growing while the offered
// load and the state held stay the same.
//
// It knows the wire (internal/awsraw), not the reference's internals.
package soak

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/kmsmac/kmsmac/internal/awsraw"
)

// Config is one soak run.
type Config struct {
	Endpoint, Region   string
	AccessKey, Secret  string        // SigV4 credentials; empty: unsigned
	Rate               int           // requests per second offered (open loop)
	Duration, Interval time.Duration // the run; one sample per Interval
	Workers            int           // requests in flight at most
	Keys               int           // HMAC keys the mix works on
	PID                int           // server process, for /proc figures; 0: none
	DebugURL           string        // server's http://host:port of /debug/pprof; "": none
	Progress           io.Writer     // one line per sample; nil: none
}

// Sample is the server and the load over one interval.
type Sample struct {
	At         time.Duration
	RSSKiB     int64 // -1: unknown
	FDs        int   // -1: unknown
	Goroutines int   // -1: unknown
	Requests   int   // answered in the interval
	Errors     int   // not the expected answer (transport error or unexpected status)
	Missed     int   // ticks dropped because every worker was busy
	P50, P99   time.Duration
}

// op is one kind of request of the mix, with its weight.
type op struct {
	name   string
	weight int
	do     func(d *driver, ctx context.Context, r *rand.Rand) error
}

// The mix: mostly MACs, with lifecycle and listing calls that touch the
// store. CreateKey is paired with ScheduleKeyDeletion, so state grows only
// by keys pending deletion (counted in the report as "keys created").
var mix = []op{
	{"GenerateMac", 40, (*driver).generateMac},
	{"VerifyMac", 30, (*driver).verifyMac},
	{"DescribeKey", 10, (*driver).describeKey},
	{"TagResource+UntagResource", 6, (*driver).tagUntag},
	{"DisableKey+EnableKey", 6, (*driver).toggle},
	{"ListAliases", 3, (*driver).listAliases},
	{"CreateAlias+DeleteAlias", 4, (*driver).alias},
	{"CreateKey+ScheduleKeyDeletion", 1, (*driver).createDelete},
}

type driver struct {
	c       *awsraw.Client
	toggled string // the key DisableKey/EnableKey flip; no MAC uses it
	keys    []string
	macs    [][]byte
	created atomic.Int64
	mu      sync.Mutex
	lat     []time.Duration
	errs    int
}

func (d *driver) call(ctx context.Context, op string, req any, want int) ([]byte, error) {
	body, _ := json.Marshal(req)
	t0 := time.Now()
	resp, err := d.c.Do(ctx, awsraw.Target(op), body)
	el := time.Since(t0)
	d.mu.Lock()
	d.lat = append(d.lat, el)
	if err != nil || resp.Status != want {
		d.errs++
	}
	d.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if resp.Status != want {
		return nil, fmt.Errorf("%s: HTTP %d %s", op, resp.Status, clip(resp.Body))
	}
	return resp.Body, nil
}

func clip(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}

var message = base64.StdEncoding.EncodeToString([]byte("kmsmac soak message"))

func (d *driver) key(r *rand.Rand) (int, string) {
	i := r.IntN(len(d.keys))
	return i, d.keys[i]
}

func (d *driver) generateMac(ctx context.Context, r *rand.Rand) error {
	_, k := d.key(r)
	_, err := d.call(ctx, "GenerateMac", map[string]any{"KeyId": k, "MacAlgorithm": "HMAC_SHA_256", "Message": message}, 200)
	return err
}

func (d *driver) verifyMac(ctx context.Context, r *rand.Rand) error {
	i, k := d.key(r)
	_, err := d.call(ctx, "VerifyMac", map[string]any{"KeyId": k, "MacAlgorithm": "HMAC_SHA_256", "Message": message, "Mac": d.macs[i]}, 200)
	return err
}

func (d *driver) describeKey(ctx context.Context, r *rand.Rand) error {
	_, k := d.key(r)
	_, err := d.call(ctx, "DescribeKey", map[string]any{"KeyId": k}, 200)
	return err
}

func (d *driver) tagUntag(ctx context.Context, r *rand.Rand) error {
	_, k := d.key(r)
	tag := "soak-" + strconv.Itoa(r.IntN(8))
	if _, err := d.call(ctx, "TagResource", map[string]any{"KeyId": k, "Tags": []map[string]string{{"TagKey": tag, "TagValue": "v"}}}, 200); err != nil {
		return err
	}
	_, err := d.call(ctx, "UntagResource", map[string]any{"KeyId": k, "TagKeys": []string{tag}}, 200)
	return err
}

// toggle flips a key of its own: disabling a key the MAC calls use would
// fail them. Concurrent flips interleave harmlessly (both are idempotent).
func (d *driver) toggle(ctx context.Context, _ *rand.Rand) error {
	k := d.toggled
	if _, err := d.call(ctx, "DisableKey", map[string]any{"KeyId": k}, 200); err != nil {
		return err
	}
	_, err := d.call(ctx, "EnableKey", map[string]any{"KeyId": k}, 200)
	return err
}

func (d *driver) listAliases(ctx context.Context, _ *rand.Rand) error {
	_, err := d.call(ctx, "ListAliases", map[string]any{"Limit": 50}, 200)
	return err
}

func (d *driver) alias(ctx context.Context, r *rand.Rand) error {
	_, k := d.key(r)
	name := fmt.Sprintf("alias/soak-%d-%d", time.Now().UnixNano(), r.IntN(1<<30))
	if _, err := d.call(ctx, "CreateAlias", map[string]any{"AliasName": name, "TargetKeyId": k}, 200); err != nil {
		return err
	}
	_, err := d.call(ctx, "DeleteAlias", map[string]any{"AliasName": name}, 200)
	return err
}

func (d *driver) createDelete(ctx context.Context, _ *rand.Rand) error {
	b, err := d.call(ctx, "CreateKey", map[string]any{"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC", "Description": "kmsmac soak"}, 200)
	if err != nil {
		return err
	}
	var out struct{ KeyMetadata struct{ KeyId string } }
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	d.created.Add(1)
	_, err = d.call(ctx, "ScheduleKeyDeletion", map[string]any{"KeyId": out.KeyMetadata.KeyId, "PendingWindowInDays": 7}, 200)
	return err
}

// Run sets up the keys, drives the mix for cfg.Duration and returns one
// sample per interval (the first taken before any load) and the keys it
// created and scheduled for deletion.
func Run(ctx context.Context, cfg Config) ([]Sample, int64, error) {
	if cfg.Rate <= 0 || cfg.Workers <= 0 || cfg.Keys < 2 || cfg.Interval <= 0 || cfg.Duration < cfg.Interval {
		return nil, 0, fmt.Errorf("soak: want rate, workers > 0, keys >= 2, interval > 0 and duration >= interval")
	}
	c := &awsraw.Client{URL: cfg.Endpoint, Region: cfg.Region, HTTP: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Workers, MaxConnsPerHost: cfg.Workers}}}
	if cfg.AccessKey != "" {
		c.Credentials = credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.Secret, "")
	}
	d := &driver{c: c}
	for i := 0; i < cfg.Keys; i++ {
		b, err := d.call(ctx, "CreateKey", map[string]any{"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC", "Description": "kmsmac soak"}, 200)
		if err != nil {
			return nil, 0, fmt.Errorf("soak: setup: %w", err)
		}
		var out struct{ KeyMetadata struct{ KeyId string } }
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, 0, err
		}
		d.keys = append(d.keys, out.KeyMetadata.KeyId)
	}
	for _, k := range d.keys {
		b, err := d.call(ctx, "GenerateMac", map[string]any{"KeyId": k, "MacAlgorithm": "HMAC_SHA_256", "Message": message}, 200)
		if err != nil {
			return nil, 0, fmt.Errorf("soak: setup: %w", err)
		}
		var out struct{ Mac []byte }
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, 0, err
		}
		d.macs = append(d.macs, out.Mac)
	}
	d.toggled, d.keys, d.macs = d.keys[0], d.keys[1:], d.macs[1:]
	defer func() {
		// Leave nothing behind on a shared endpoint.
		for _, k := range append(d.keys, d.toggled) {
			d.call(context.Background(), "ScheduleKeyDeletion", map[string]any{"KeyId": k, "PendingWindowInDays": 7}, 200)
		}
	}()
	total := 0
	for _, o := range mix {
		total += o.weight
	}

	d.lat, d.errs = nil, 0
	samples := []Sample{sample(ctx, cfg, d, 0, 0)}
	ticks := make(chan struct{}, cfg.Workers)
	var wg sync.WaitGroup
	for w := 0; w < cfg.Workers; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, 42))
			for range ticks {
				n := r.IntN(total)
				for _, o := range mix {
					if n -= o.weight; n < 0 {
						_ = o.do(d, ctx, r) // failures are counted in call
						break
					}
				}
			}
		}(uint64(w))
	}
	start := time.Now()
	tick := time.NewTicker(time.Second / time.Duration(cfg.Rate))
	defer tick.Stop()
	next := start.Add(cfg.Interval)
	missed := 0
	for ctx.Err() == nil {
		now := <-tick.C
		if now.After(next) || now.Sub(start) >= cfg.Duration {
			samples = append(samples, sample(ctx, cfg, d, now.Sub(start), missed))
			missed = 0
			next = next.Add(cfg.Interval)
			if now.Sub(start) >= cfg.Duration {
				break
			}
		}
		select {
		case ticks <- struct{}{}:
		default:
			missed++
		}
	}
	close(ticks)
	wg.Wait()
	return samples, d.created.Load(), ctx.Err()
}

// sample reads the server and takes the interval's latencies.
func sample(ctx context.Context, cfg Config, d *driver, at time.Duration, missed int) Sample {
	d.mu.Lock()
	lat, errs := d.lat, d.errs
	d.lat, d.errs = nil, 0
	d.mu.Unlock()
	s := Sample{At: at, RSSKiB: -1, FDs: -1, Goroutines: -1, Requests: len(lat), Errors: errs, Missed: missed}
	if len(lat) > 0 {
		slices.Sort(lat)
		s.P50 = lat[len(lat)*50/100]
		s.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	if cfg.PID > 0 {
		s.RSSKiB = rss(cfg.PID)
		if fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", cfg.PID)); err == nil {
			s.FDs = len(fds)
		}
	}
	if cfg.DebugURL != "" {
		s.Goroutines = goroutines(ctx, cfg.DebugURL)
	}
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, "soak: %s rss=%dKiB fds=%d goroutines=%d requests=%d errors=%d missed=%d p50=%s p99=%s\n",
			at.Round(time.Second), s.RSSKiB, s.FDs, s.Goroutines, s.Requests, s.Errors, s.Missed, s.P50, s.P99)
	}
	return s
}

func rss(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return -1
}

var totalRE = regexp.MustCompile(`goroutine profile: total (\d+)`)

func goroutines(ctx context.Context, base string) int {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/debug/pprof/goroutine?debug=1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	m := totalRE.FindSubmatch(b)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
