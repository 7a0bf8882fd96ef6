package runner

import (
	"io"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/keypool"
	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

// Options configure one conformance run. The zero value runs every
// scenario against the embedded reference, silently.
type Options struct {
	// Target: Endpoint is a URL (http://127.0.0.1:4566); AWS uses the SDK's
	// default configuration chain. Neither means the embedded reference.
	Endpoint string
	AWS      bool
	Region   string // default: AWS_REGION / AWS_DEFAULT_REGION, then us-east-1
	// Region2 is a second Region of the endpoint for the multi-Region
	// scenarios (blocked without one); the embedded reference picks its own.
	Region2 string

	Tags   string    // godog tag expression, e.g. "@GM-OK-1,@VM-OK-1 && ~@slow"
	Format string    // godog formatters, comma-separated: "progress", "junit:out.xml"
	Output io.Writer // where formatters without a file write; nil discards
	FS     fs.FS     // features; nil means the embedded features.FS

	Strict      bool          // unverified deviations fail the run
	KeepKeys    bool          // do not schedule created keys for deletion
	Timeout     time.Duration // whole run; 0 means none
	PollTimeout time.Duration // per state wait; default 30s
	Concurrency int           // scenarios at once; 1 with godog's own formatters (needsSequential)

	VectorsDir string // Wycheproof directory for the vector scenarios; "" = $KMSMAC_VECTORS, else the embedded set
	Seed       int64  // property-test seed; 0 picks one

	// Real KMS and CI (issue 6).
	Profile        string        // shared-config profile for AWS (with --aws)
	RequestTimeout time.Duration // one request; default 30s
	Retries        int           // extra attempts for throttling and 5xx (see target/retry.go); 0 means 3, negative none
	KeysFile       string        // YAML mapping roles to existing keys (bring your own keys)
	NoCreate       bool          // never create or change keys: scenarios that must are skipped with that reason
	Golden         string        // a recording (kmsmac record) to compare the target's responses with
	RecordTo       string        // write the normalised observed responses to this file (kmsmac record)

	TestingT *testing.T // run scenarios as subtests (go test)
}

// settings are o's share for the vocabulary, one value for the whole run.
func (o Options) settings(pool *keypool.Pool) *steps.Settings {
	return &steps.Settings{Strict: o.Strict, KeepKeys: o.KeepKeys, NoCreate: o.NoCreate, AWS: o.AWS || awsHost(o.Endpoint),
		VectorsDir: o.VectorsDir, Seed: o.Seed, Pool: pool}
}

// awsHost: endpoint is real KMS reached by URL (a FIPS or VPC endpoint,
// *.amazonaws.com), which is eventually consistent like --aws.
func awsHost(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return strings.HasSuffix(h, ".amazonaws.com") || strings.HasSuffix(h, ".amazonaws.com.cn") || strings.HasSuffix(h, ".api.aws")
}

// TargetOptions are o's endpoint settings, for target.New.
func (o Options) TargetOptions() target.Options {
	return target.Options{Endpoint: o.Endpoint, AWS: o.AWS, Region: o.Region, Region2: o.Region2, Profile: o.Profile,
		PollTimeout: o.PollTimeout, RequestTimeout: o.RequestTimeout, Retries: o.Retries}
}

// SplitFormats separates the junit:FILE entries of a --format value, which
// kmsmac writes itself from the Result (rule ids in the names, skips as
// <skipped/>, deviations noted), from the formatters godog runs. When only
// junit files are asked for, godog still needs a formatter: progress to
// the null device.
func SplitFormats(format string) (godogFormat string, junitFiles []string) {
	var rest []string
	for _, f := range strings.Split(format, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if name, file, ok := strings.Cut(f, ":"); ok && name == "junit" && file != "" {
			junitFiles = append(junitFiles, file)
			continue
		}
		rest = append(rest, f)
	}
	godogFormat = strings.Join(rest, ",")
	if godogFormat == "" && len(junitFiles) > 0 {
		godogFormat = "progress:" + os.DevNull
	}
	return godogFormat, junitFiles
}
