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
//
// The runs share one budget of passing cases: a run after a violation asks
// only for the cases still owed. A case that passed stays good evidence,
// since ignoring more rules later can only make it pass again; restarting
// the count made a deviating endpoint run about four times the cases, and
// against moto, whose every CreateKey takes 45 ms, that was the suite's
// longest scenario.

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
	replays int                 // shrink candidates replayed since the run found its target
	memo    map[string]memoStep // this run's command prefixes and what their last step answered
}

// memoStep is what a command sequence's last step answered (Run's result)
// and whether the sequence stopped there.
type memoStep struct {
	result  []string
	stopped bool
}

// remember records the answer to a command prefix executed in this run.
// Judging depends only on the run's target and ignored rules, fixed once
// the target is, and a step that passed before it was fixed passes after.
func (h *hunt) remember(prefix string, result []string, stopped bool) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.memo == nil {
		h.memo = map[string]memoStep{}
	}
	h.memo[prefix] = memoStep{result, stopped}
}

func (h *hunt) recall(prefix string) (memoStep, bool) {
	if h == nil {
		return memoStep{}, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	m, ok := h.memo[prefix]
	return m, ok
}

// shrinking: the run has found its target, so new sequences are gopter's
// shrink candidates.
func (h *hunt) shrinking() bool {
	if h == nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.target != ""
}

// maxReplays bounds the shrink candidates a run replays against the
// endpoint (those whose commands the run already executed are answered
// from its memo): each replay creates keys again, and against moto (45 ms
// a CreateKey) an unbounded shrink took seconds per rule. The
// counterexample is the smallest found within the bound.
const maxReplays = 8

// replay says whether one more shrink candidate may run against the
// endpoint. One that may not passes, so gopter keeps the smallest failing
// sequence it has.
func (h *hunt) replay() bool {
	if h == nil {
		return true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.replays++
	return h.replays <= maxReplays
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

// minRunTests is the fewest cases a run after a violation asks for.
const minRunTests = 5

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
	passed := 0 // cases passed by earlier runs
	for run := range maxRuns {
		params := gopter.DefaultTestParametersWithSeed(seed + int64(run))
		// At least minRunTests (or the whole budget if smaller): gopter
		// calls a run that asks for one or two cases exhausted after two
		// discarded ones.
		params.MinSuccessfulTests = max(r.Tests-passed, min(r.Tests, minRunTests))
		params.MaxShrinkCount = 200
		if maxSize > 0 {
			params.MaxSize = maxSize
		}
		// Sizes go on from where the last run stopped: a later run owes
		// the larger cases, not the small ones its start would give.
		params.MinSize = params.MaxSize * passed / r.Tests
		h.target, h.replays, h.memo = "", 0, nil
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
		if passed += tr.Succeeded; passed >= r.Tests {
			break // the budget is spent: every rule not reported held in r.Tests cases
		}
	}
	r.Duration = time.Since(start)
	for rule := range h.checked {
		r.Checked = append(r.Checked, rule)
	}
	sort.Strings(r.Checked)
	return r.settle()
}
