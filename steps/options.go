package steps

import (
	"io"
	"io/fs"
	"testing"
	"time"

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

// TargetOptions are o's endpoint settings, for target.New.
func (o Options) TargetOptions() target.Options {
	return target.Options{Endpoint: o.Endpoint, AWS: o.AWS, Region: o.Region, Profile: o.Profile,
		PollTimeout: o.PollTimeout, RequestTimeout: o.RequestTimeout, Retries: o.Retries}
}

// Status of one scenario.
type Status string

const (
	Passed    Status = "passed"
	Failed    Status = "failed"
	Deviation Status = "unverified deviation"
	Skipped   Status = "skipped"
)

// ScenarioResult is one scenario's verdict with its evidence.
type ScenarioResult struct {
	Feature  string // feature file
	Name     string
	Rules    []string // rule ids from its tags
	Status   Status
	Reason   string   // why skipped, or the failure text
	Short    string   // the failure in one line: expected and observed
	Expected []string // what the scenario asserted
	Observed string   // the last outcome
	Request  string   // the last request, elided
	Soft     []string // unverified deviations
	// RuleOutcomes is the verdict per rule tag: a failure is charged only
	// to the rules whose checks failed (verdict.go).
	RuleOutcomes []RuleOutcome
	BlockedBy    string   // the rule a blocked scenario's missing precondition breaks ("" if none)
	Cleanup      []string // cleanup problems (never change Status)
	Golden       []string // differences from the recording given with --golden
	Duration     time.Duration
}

// Result of a run.
type Result struct {
	Target    string
	Scenarios []ScenarioResult
	Wall      time.Duration
	Strict    bool
	Seed      int64
	Note      string // e.g. the run hit --timeout
	RunID     string // value of the kmsmac-run tag on every key the run created
	// KeysCreated counts the keys the run created (Target.KeysCreated at the end).
	KeysCreated int64
	KeepKeys    bool // --keep-keys: created keys were left in place
	// Lost is "endpoint lost at scenario N (<error>)" when the endpoint
	// stopped answering mid-run (target/lost.go): the result is partial, no verdict.
	Lost string
	// KeysLeft are keys cleanup could not schedule for deletion.
	KeysLeft []string
}

// Counts tallies scenarios by status.
func (r Result) Counts() map[Status]int {
	c := map[Status]int{}
	for _, s := range r.Scenarios {
		c[s.Status]++
	}
	return c
}

// OK reports whether the run passes: nothing failed, and with Strict no
// unverified deviation either.
func (r Result) OK() bool {
	c := r.Counts()
	return c[Failed] == 0 && len(r.RuleIDs(Failed)) == 0 && (!r.Strict || c[Deviation] == 0)
}
