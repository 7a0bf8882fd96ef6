package load

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/kmsmac/kmsmac/kmsspec"
)

// Config is one benchmark: where, what and how hard.
type Config struct {
	Endpoint     string // base URL; empty with AWS true means real KMS
	AWS          bool   // use the standard AWS config chain (region, credentials)
	EndpointName string // the endpoint= key; default: the URL's host:port, or "aws"
	Region       string // default us-east-1 (or the AWS config's region)

	Client string // "raw" (default) or "sdk"
	Sign   string // raw client: "once" (default; "each" with AWS), "each" or "none"

	Op          string // "GenerateMac" (default), "VerifyMac" or "mix" (half each)
	Alg         string // MAC algorithm, default HMAC_SHA_256
	Size        int    // message bytes, 1..4096, default 4096
	Concurrency int    // workers, default 8

	Duration time.Duration // per repetition, used when Requests is 0
	Requests int           // per repetition; overrides Duration
	Warmup   time.Duration // once, before the first repetition
	Count    int           // repetitions, default 1

	Label string // optional label= key, to tell runs apart in benchstat
	KeyID string // an existing key; empty: create one and schedule its deletion

	// CheckEvery checks one response in CheckEvery (default 64; 1 checks all).
	CheckEvery int
	// ServerPID, when set (Linux), adds server-cpu-ns/op from /proc/PID/stat.
	ServerPID int
	// Progress receives a status line per second and warnings that do not
	// stop the run (an undeleted key, an odd answer in setup); nil is silent.
	Progress io.Writer
}

func (c *Config) defaults() error {
	if c.Client == "" {
		c.Client = "raw"
	}
	if c.Sign == "" {
		c.Sign = "once"
		if c.AWS {
			// A signature is good for 15 minutes: real KMS gets fresh ones.
			c.Sign = "each"
		}
	}
	if c.Op == "" {
		c.Op = "GenerateMac"
	}
	if c.Alg == "" {
		c.Alg = "HMAC_SHA_256"
	}
	if c.Size == 0 {
		c.Size = 4096
	}
	if c.Concurrency == 0 {
		c.Concurrency = 8
	}
	if c.Count == 0 {
		c.Count = 1
	}
	if c.Duration == 0 && c.Requests == 0 {
		c.Duration = 10 * time.Second
	}
	if c.CheckEvery <= 0 {
		c.CheckEvery = 64
	}
	if c.Region == "" && !c.AWS {
		c.Region = "us-east-1"
	}
	var errs []error
	switch c.Client {
	case "raw", "sdk":
	default:
		errs = append(errs, fmt.Errorf("client %q: want raw or sdk", c.Client))
	}
	switch c.Sign {
	case "once", "each", "none":
	default:
		errs = append(errs, fmt.Errorf("sign %q: want once, each or none", c.Sign))
	}
	switch c.Op {
	case "GenerateMac", "VerifyMac", "mix":
	default:
		errs = append(errs, fmt.Errorf("op %q: want GenerateMac, VerifyMac or mix", c.Op))
	}
	if _, ok := kmsspec.ByAlgorithm(c.Alg); !ok {
		errs = append(errs, fmt.Errorf("alg %q: want one of %s", c.Alg, strings.Join(kmsspec.Algorithms(), ", ")))
	}
	if c.Size < 1 || c.Size > 4096 {
		errs = append(errs, fmt.Errorf("size %d: KMS messages are 1 to 4096 bytes", c.Size))
	}
	if c.Concurrency < 1 || c.Concurrency > 10000 {
		errs = append(errs, fmt.Errorf("concurrency %d: want 1 to 10000", c.Concurrency))
	}
	if c.Count < 1 || c.Requests < 0 || c.Duration < 0 || c.Warmup < 0 {
		errs = append(errs, errors.New("count must be at least 1; requests, duration and warmup not negative"))
	}
	if c.Endpoint == "" && !c.AWS {
		errs = append(errs, errors.New("no endpoint: give a URL or AWS"))
	}
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("endpoint %q: want http(s)://host:port", c.Endpoint))
		} else if c.EndpointName == "" {
			c.EndpointName = u.Host
		}
	}
	if c.EndpointName == "" {
		c.EndpointName = "aws"
	}
	for _, s := range []string{c.EndpointName, c.Label} {
		if strings.ContainsAny(s, "/= \t\n") {
			errs = append(errs, fmt.Errorf("name %q: no '/', '=' or spaces (it becomes a benchmark key)", s))
		}
	}
	return errors.Join(errs...)
}

// Name is the benchmark name for op (GenerateMac or VerifyMac), with every
// setting as a key so benchstat can put any of them in columns.
func (c *Config) Name(op string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Benchmark%s/endpoint=%s/alg=%s/size=%d/c=%d/client=%s", op, c.EndpointName, c.Alg, c.Size, c.Concurrency, c.Client)
	if c.Label != "" {
		b.WriteString("/label=" + c.Label)
	}
	return b.String()
}
