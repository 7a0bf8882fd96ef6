package results

import (
	"time"
)

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
	// to the rules whose checks failed (steps/verdict.go).
	RuleOutcomes []RuleOutcome
	BlockedBy    string   // the rule a blocked scenario's missing precondition breaks ("" if none)
	Cleanup      []string // cleanup problems (never change Status)
	Golden       []string // differences from the recording given with --golden
	Duration     time.Duration
}

// RunTagKey is the tag key that marks the keys of one run, for the
// summary; it must equal target.RunTagKey (TestRunTagKeysAgree).
const RunTagKey = "kmsmac-run"

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
	// GoldenSummary is the summary's account of --golden and --record
	// (written by the engine at the end of the run; "" without them).
	GoldenSummary string
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

// Rule-level statuses beside the scenario statuses.
const (
	Blocked    Status = "blocked"
	NotReached Status = "not reached"
)

// RuleOutcome is one rule's verdict in one scenario: the first check of
// that rule that failed (or deviated), or why it was not judged.
type RuleOutcome struct {
	Rule     string `json:"rule"`
	Status   Status `json:"status"`
	Expected string `json:"expected,omitempty"`
	Observed string `json:"observed,omitempty"`
	Reason   string `json:"reason,omitempty"`
}
