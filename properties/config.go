package properties

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
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
	Tests     int // passing cases requested, across the runs
	Passed    bool
	Succeeded int // cases of the first run that passed before its verdict
	Discarded int
	// Runs is how many gopter runs the check made: one more than the
	// rules it reported, unless the budget of passing cases or the bound
	// ran out first (run k uses Seed+k).
	Runs int
	// Violations are the rules found broken, in the order found, each once.
	Violations []Violation
	// Checked lists the rules judged at least once (sorted).
	Checked []string
	// Blocked is set when the endpoint lacks a precondition: the check
	// did not run, or (Model) ran without what is missing.
	Blocked *Block
	// Counterexample, Original, Shrinks and Reasons repeat the first
	// violation's, for callers that read one failure.
	Counterexample []string
	Original       []string
	Shrinks        int
	Reasons        []string
	Err            error // setup failure or a panic inside the check
	Duration       time.Duration
	// Cleanup says what the check could not undo: keys it could not
	// schedule for deletion, aliases it could not delete, each with the
	// endpoint's answer. On real KMS each is something left behind (the
	// run tag finds it: kmsmac cleanup). It is no rule, so it does not
	// change Passed; String shows it either way.
	Cleanup []string
}

// settle fills Passed and the first-violation fields.
func (r Result) settle() Result {
	r.Passed = len(r.Violations) == 0 && r.Err == nil && r.Blocked == nil
	if len(r.Violations) > 0 {
		v := r.Violations[0]
		r.Counterexample, r.Original, r.Shrinks, r.Reasons = v.Counterexample, v.Original, v.Shrinks, v.Reasons
	}
	return r
}

// Violated reports whether rule was found broken.
func (r Result) Violated(rule string) bool {
	for _, v := range r.Violations {
		if v.Rule == rule {
			return true
		}
	}
	return false
}

// String is a one-line verdict on success, and on failure a block with the
// seed to replay and, per violated rule, the shrunk counterexample and the
// reasons.
func (r Result) String() string {
	var b strings.Builder
	if r.Passed {
		fmt.Fprintf(&b, "%s: passed %d tests (seed %d, %s)", r.Name, r.Succeeded, r.Seed, r.Duration.Round(time.Millisecond))
		for _, c := range r.Cleanup {
			fmt.Fprintf(&b, "\n  cleanup: %s", c)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%s: FAILED after %d passing tests (seed %d; replay with seed %d and %d tests)\n", r.Name, r.Succeeded, r.Seed, r.Seed, r.Tests)
	if r.Blocked != nil {
		fmt.Fprintf(&b, "  blocked by %s: %s\n", r.Blocked.Rule, r.Blocked.Reason)
	}
	if r.Err != nil {
		fmt.Fprintf(&b, "  error: %v\n", r.Err)
	}
	for _, v := range r.Violations {
		b.WriteString(v.text("  "))
	}
	for _, c := range r.Cleanup {
		fmt.Fprintf(&b, "  cleanup: %s\n", c)
	}
	return strings.TrimRight(b.String(), "\n")
}

// text is one violation as an indented block.
func (v Violation) text(indent string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s violated (run seed %d):\n", indent, v.Rule, v.Seed)
	if len(v.Counterexample) > 0 {
		fmt.Fprintf(&b, "%s  counterexample (shrunk %d times):\n", indent, v.Shrinks)
		for _, c := range v.Counterexample {
			fmt.Fprintf(&b, "%s    %s\n", indent, c)
		}
	}
	for _, why := range v.Reasons {
		fmt.Fprintf(&b, "%s  %s\n", indent, why)
	}
	return b.String()
}

// String is the violation's block without indentation.
func (v Violation) String() string { return strings.TrimRight(v.text(""), "\n") }

// failed returns a Result for a check that could not start.
func failed(name string, cfg Config, err error) Result {
	return Result{Name: name, Seed: cfg.seed(), Tests: cfg.tests(0), Err: err}
}

// blocked returns a Result for a check the endpoint cannot take.
func blocked(name string, cfg Config, b Block) Result {
	return Result{Name: name, Seed: cfg.seed(), Tests: cfg.tests(0), Blocked: &b}
}

// Check is the signature every generated check has, so callers (a godog
// step, kmsmac) can hold them in a table.
type Check func(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result
