package properties

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/leanovate/gopter"
)

// Config sets how much a check generates and from which seed.
type Config struct {
	// Seed of the generator; 0 picks one from the clock. Result.Seed always
	// holds the seed used, so a failure can be replayed.
	Seed int64
	// Tests is the number of generated cases (for Model: of command
	// sequences); 0 means the check's default.
	Tests int
	// MaxCommands bounds the length of a Model sequence (default 12).
	MaxCommands int
	// Fixture holds keys to reuse across checks; nil makes each check
	// create the keys it needs and schedule them for deletion at the end.
	Fixture *Fixture
	// Wait bounds the polling of state-dependent assertions for eventually
	// consistent endpoints (real KMS, rules.md EC-1); 0 asserts at once.
	Wait time.Duration
	// Log, if set, gets one line per check with the seed before it starts.
	Log io.Writer
	// Capabilities the endpoint lacks (DESIGN tags @import, @grants,
	// @aliases): Model then generates no such commands, and a Fixture made
	// by a check imports no material when NoImport is set.
	NoImport, NoGrants, NoAliases bool
	// Tags go on every key a check creates; nil means kmsmac=properties.
	// The conformance suite passes its run tag (kmsmac-run=<id>) so that
	// "kmsmac cleanup" finds the keys of an interrupted run.
	Tags map[string]string
	// KeyCreated, if set, is called with the ARN of every key a check
	// creates (the suite counts them for its summary).
	KeyCreated func(arn string)
}

func (c Config) seed() int64 {
	if c.Seed != 0 {
		return c.Seed
	}
	return time.Now().UnixNano()
}

func (c Config) tests(def int) int {
	if c.Tests > 0 {
		return c.Tests
	}
	return def
}

// Result is the verdict of one check.
type Result struct {
	Name      string
	Seed      int64
	Tests     int // cases requested
	Passed    bool
	Succeeded int // cases that passed before the verdict
	Discarded int
	// Counterexample is the shrunk failing input, one "label: value" per
	// argument; Original the input as first generated.
	Counterexample []string
	Original       []string
	Shrinks        int
	// Reasons say what the endpoint did wrong on the counterexample.
	Reasons  []string
	Err      error // setup failure or a panic inside the check
	Duration time.Duration
}

// String is a one-line verdict on success, and on failure a block with the
// seed to replay, the shrunk counterexample and the reasons.
func (r Result) String() string {
	if r.Passed {
		return fmt.Sprintf("%s: passed %d tests (seed %d, %s)", r.Name, r.Succeeded, r.Seed, r.Duration.Round(time.Millisecond))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: FAILED after %d passing tests (seed %d; replay with seed %d and %d tests)\n", r.Name, r.Succeeded, r.Seed, r.Seed, r.Tests)
	if r.Err != nil {
		fmt.Fprintf(&b, "  error: %v\n", r.Err)
	}
	if len(r.Counterexample) > 0 {
		fmt.Fprintf(&b, "  counterexample (shrunk %d times):\n", r.Shrinks)
		for _, c := range r.Counterexample {
			fmt.Fprintf(&b, "    %s\n", c)
		}
	}
	for _, why := range r.Reasons {
		fmt.Fprintf(&b, "  %s\n", why)
	}
	return strings.TrimRight(b.String(), "\n")
}

// check runs prop with cfg and turns gopter's result into a Result.
func check(name string, cfg Config, defTests int, prop gopter.Prop) Result {
	return checkSized(name, cfg, defTests, 0, prop)
}

// checkSized is check with gopter's MaxSize set (0: gopter's default); for
// command sequences it bounds their length.
func checkSized(name string, cfg Config, defTests, maxSize int, prop gopter.Prop) Result {
	seed := cfg.seed()
	params := gopter.DefaultTestParametersWithSeed(seed)
	params.MinSuccessfulTests = cfg.tests(defTests)
	params.MaxShrinkCount = 200
	if maxSize > 0 {
		params.MaxSize = maxSize
	}
	if cfg.Log != nil {
		fmt.Fprintf(cfg.Log, "property %s: seed %d, %d tests\n", name, seed, params.MinSuccessfulTests)
	}
	start := time.Now()
	tr := prop.Check(params)
	r := Result{
		Name: name, Seed: seed, Tests: params.MinSuccessfulTests,
		Passed: tr.Passed(), Succeeded: tr.Succeeded, Discarded: tr.Discarded,
		Err: tr.Error, Reasons: tr.Labels, Duration: time.Since(start),
	}
	for _, a := range tr.Args {
		label := a.Label
		if label == "" {
			label = "input"
		}
		r.Counterexample = append(r.Counterexample, label+": "+a.ArgFormatted)
		r.Original = append(r.Original, label+": "+a.OrigArgFormatted)
		r.Shrinks += a.Shrinks
	}
	if !r.Passed && r.Err == nil && len(r.Reasons) == 0 {
		r.Reasons = []string{"gopter status " + tr.Status.String()}
	}
	return r
}

// failed returns a Result for a check that could not start.
func failed(name string, cfg Config, err error) Result {
	return Result{Name: name, Seed: cfg.seed(), Tests: cfg.tests(0), Err: err}
}

// Check is the signature every generated check has, so callers (a godog
// step, kmsmac) can hold them in a table.
type Check func(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result
