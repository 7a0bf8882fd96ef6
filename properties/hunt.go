package properties

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leanovate/gopter"
)

// A check reports each rule it finds violated once. It runs gopter, and
// when a run fails on some rule, records that rule's shrunk counterexample
// and runs again (seed+1, seed+2, ...) with that rule's checks ignored, so
// the other rules still get judged. Within one run, the first failing case
// fixes the rule the run hunts: while gopter shrinks, a candidate fails
// only if it still violates that rule, so shrinking keeps to one cause.

// Violation is one rule a check found broken, with the case that shows it.
type Violation struct {
	Rule    string
	Reasons []string
	// Counterexample is the shrunk input, one "label: value" per argument;
	// Original the input as first generated.
	Counterexample []string
	Original       []string
	Shrinks        int
	Seed           int64 // seed of the run that found it
	// Text: only the wording of an error message is wrong (VAL-FMT-1).
	Text bool
}

// Block is a precondition the endpoint lacks, and the rule that promises
// it: the check could not judge (all of) its rules.
type Block struct{ Rule, Reason string }

// hunt is what a check's runs share: the rules already reported, the rule
// the current run is after, and the rules checked at least once.
type hunt struct {
	mu      sync.Mutex
	ignore  map[string]bool
	target  string
	checked map[string]bool
}

func newHunt() *hunt { return &hunt{ignore: map[string]bool{}, checked: map[string]bool{}} }

// judge records fs and returns the rule the case fails for ("" if none in
// this run's hunt) with its reasons, and whether some other divergence
// means the rest of a sequence cannot be judged fairly (halt).
func (h *hunt) judge(fs []finding) (rule string, why []string, halt bool) {
	if h == nil {
		return "", nil, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, f := range fs {
		h.checked[f.rule] = true
	}
	if h.target == "" {
		for _, f := range fs {
			if !f.ok && !h.ignore[f.rule] {
				h.target = f.rule
				break
			}
		}
	}
	for _, f := range fs {
		switch {
		case f.ok:
		case h.target != "" && f.rule == h.target:
			why = append(why, f.reason)
		case f.halt:
			halt = true
		}
	}
	if len(why) == 0 {
		return "", nil, halt
	}
	return h.target, why, halt
}

// maxRuns bounds the runs of one check: one per rule it can report, plus
// the run that passes.
const maxRuns = 16

// check runs prop with cfg (see hunted).
func check(name string, cfg Config, defTests int, prop func(h *hunt) gopter.Prop) Result {
	return hunted(name, cfg, defTests, 0, prop)
}

// hunted runs prop until a run passes or maxRuns, each failing run adding
// one Violation. maxSize sets gopter's MaxSize (0: its default); for
// command sequences it bounds their length.
func hunted(name string, cfg Config, defTests, maxSize int, prop func(h *hunt) gopter.Prop) Result {
	seed := cfg.seed()
	h := newHunt()
	p := prop(h)
	r := Result{Name: name, Seed: seed, Tests: cfg.tests(defTests)}
	if cfg.Log != nil {
		fmt.Fprintf(cfg.Log, "property %s: seed %d, %d tests\n", name, seed, r.Tests)
	}
	start := time.Now()
	for run := range maxRuns {
		params := gopter.DefaultTestParametersWithSeed(seed + int64(run))
		params.MinSuccessfulTests = r.Tests
		params.MaxShrinkCount = 200
		if maxSize > 0 {
			params.MaxSize = maxSize
		}
		h.target = ""
		tr := p.Check(params)
		r.Runs++
		if run == 0 {
			r.Succeeded, r.Discarded = tr.Succeeded, tr.Discarded
		}
		if tr.Passed() {
			break
		}
		if tr.Error != nil || h.target == "" {
			r.Err = tr.Error
			if r.Err == nil {
				r.Err = fmt.Errorf("gopter status %s: %s", tr.Status, strings.Join(tr.Labels, "; "))
			}
			break
		}
		v := Violation{Rule: h.target, Reasons: tr.Labels, Seed: seed + int64(run), Text: h.target == "VAL-FMT-1"}
		for _, a := range tr.Args {
			label := a.Label
			if label == "" {
				label = "input"
			}
			v.Counterexample = append(v.Counterexample, label+": "+a.ArgFormatted)
			v.Original = append(v.Original, label+": "+a.OrigArgFormatted)
			v.Shrinks += a.Shrinks
		}
		r.Violations = append(r.Violations, v)
		h.ignore[h.target] = true
	}
	r.Duration = time.Since(start)
	for rule := range h.checked {
		r.Checked = append(r.Checked, rule)
	}
	sort.Strings(r.Checked)
	return r.settle()
}
