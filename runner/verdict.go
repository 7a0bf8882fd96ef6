package runner

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/steps"
)

// Per-rule verdicts. Every check a step makes is charged to the rules that
// step checks (steps.World.Check): the rule ids written at the end of the
// step in brackets, or else every rule the scenario is tagged with. A
// scenario's result is then one outcome per rule tag: passed, failed,
// unverified deviation, not reached (an earlier step failed before any
// check of that rule ran), blocked (the scenario could not get its
// preconditions) or skipped.

// judge fills r with the scenario's verdict once it has ended and cleaned
// up: status, reason, and one outcome per rule from what its steps found;
// err is the error godog ended the scenario with.
func judge(f steps.Findings, r *results.ScenarioResult, err error) {
	r.Expected, r.Soft, r.Cleanup = f.Expected, f.Soft, f.Cleanup
	if f.Last != nil {
		r.Observed, r.Request = f.Last.Summary(), f.Last.RequestLine()
	}
	failed := err != nil && !errors.Is(err, godog.ErrSkip)
	var blocked *steps.Blocked
	if rule, reason, ok := steps.IsBlocked(err); failed && ok {
		blocked = &steps.Blocked{Rule: rule, Reason: reason}
		r.BlockedBy = rule
	}
	switch {
	case f.Skipped != "" && (err == nil || errors.Is(err, godog.ErrSkip)):
		r.Status, r.Reason = results.Skipped, f.Skipped
		r.RuleOutcomes = allRules(f.Rules, results.Skipped, f.Skipped)
	case blocked != nil:
		text := blockedText(*blocked)
		r.RuleOutcomes = ruleOutcomes(f, f.FailedAt, err, blocked)
		r.Status, r.Reason, r.Short = results.Blocked, text, textutil.FirstLine(text)
		if slices.Contains(f.Rules, blocked.Rule) {
			r.Status = results.Failed // blocked by one of its own rules: that rule failed here
		}
	case failed:
		r.RuleOutcomes = ruleOutcomes(f, f.FailedAt, err, nil)
		r.Status, r.Reason = results.Failed, strings.TrimSpace(err.Error())
		if expected, observed, ok := steps.IsFailure(err); ok {
			r.Observed, r.Short = observed, "expected "+expected+"; observed "+observed
		} else {
			r.Observed, r.Short = r.Reason, textutil.FirstLine(r.Reason)
		}
	case len(f.Soft) > 0:
		r.RuleOutcomes = ruleOutcomes(f, -1, nil, nil)
		r.Status, r.Reason = results.Deviation, strings.Join(f.Soft, "; ")
	default:
		r.RuleOutcomes = ruleOutcomes(f, -1, nil, nil)
		r.Status, r.Reason = results.Passed, ""
	}
}

// blockedText is how a blocked scenario reads (as steps' precondition error).
func blockedText(b steps.Blocked) string {
	if b.Rule == "" {
		return "blocked: " + b.Reason
	}
	return "blocked by " + b.Rule + ": " + b.Reason
}

// ruleOutcomes turns the scenario's checks into one outcome per rule tag.
// failedAt is the index of the step that ended the scenario (-1: none),
// failure its error when it failed, blocked set when a precondition was
// missing. A failure no check was charged with (a step that could not
// read the answer it needed) is charged to the rules of the failing step.
func ruleOutcomes(f steps.Findings, failedAt int, failure error, blocked *steps.Blocked) []results.RuleOutcome {
	scenarioFailed := failure != nil && blocked == nil
	if scenarioFailed && !anyFailed(f) {
		rules := f.Rules
		if failedAt >= 0 && failedAt < len(f.StepIDs) && f.StepRules[f.StepIDs[failedAt]] != nil {
			rules = f.StepRules[f.StepIDs[failedAt]]
		}
		for _, r := range rules {
			f.Checks = append(f.Checks, steps.Check{Rule: r, Status: results.Failed, Expected: "the step completes", Observed: textutil.FirstLine(failure.Error())})
		}
	}
	var out []results.RuleOutcome
	rules := f.Rules
	tagged := map[string]bool{}
	for _, r := range rules {
		tagged[r] = true
	}
	for _, c := range f.Checks { // a check of a rule the scenario is not tagged with still counts
		if !tagged[c.Rule] && c.Status != results.Passed {
			tagged[c.Rule] = true
			rules = append(rules, c.Rule)
		}
	}
	for _, r := range rules {
		ro := results.RuleOutcome{Rule: r, Status: results.Passed}
		for _, c := range f.Checks {
			if c.Rule != r {
				continue
			}
			if c.Status == results.Failed {
				ro.Status, ro.Expected, ro.Observed = results.Failed, c.Expected, c.Observed
				break
			}
			if c.Status == results.Deviation && ro.Status == results.Passed {
				ro.Status, ro.Expected, ro.Observed = results.Deviation, c.Expected, c.Observed
			}
		}
		switch {
		case ro.Status == results.Failed:
		case blocked != nil && blocked.Rule == r:
			// the missing precondition is this rule's own promise
			ro.Status, ro.Expected, ro.Observed = results.Failed, "the call succeeds ("+r+")", blocked.Reason
		case blocked != nil:
			ro.Status, ro.Reason = results.Blocked, blockedText(*blocked)
		case hasPartial(f, r) && f.Partial[r].Rule == r:
			ro.Status, ro.Expected, ro.Observed = results.Failed, "the call succeeds ("+r+")", f.Partial[r].Reason
		case hasPartial(f, r) && !checked(f, r):
			ro.Status, ro.Reason = results.Blocked, blockedText(f.Partial[r])
		case f.Unreached[r] != "" && !checked(f, r):
			ro.Status, ro.Reason = results.NotReached, f.Unreached[r]
		case scenarioFailed && f.StepIDs != nil && !checked(f, r) && pendingFor(f, failedAt, r):
			ro.Status, ro.Reason = results.NotReached, "an earlier step failed before any check of this rule ran"
		}
		out = append(out, ro)
	}
	// The refused setup call is a failed check of the rule that promises
	// it: charged to that rule here too, so a run that only ever needed the
	// thing (a --tags selection without the rule's own scenarios) still
	// reports the rule failed.
	charged := map[string]bool{}
	for _, ro := range out {
		charged[ro.Rule] = ro.Status == results.Failed
	}
	var blockers []steps.Blocked
	if blocked != nil {
		blockers = append(blockers, *blocked)
	}
	for _, r := range slices.Sorted(maps.Keys(f.Partial)) {
		blockers = append(blockers, f.Partial[r])
	}
	for _, p := range blockers {
		if p.Rule != "" && !charged[p.Rule] {
			charged[p.Rule] = true
			out = append(out, results.RuleOutcome{Rule: p.Rule, Status: results.Failed, Expected: "the call this scenario needs succeeds (" + p.Rule + ")", Observed: p.Reason})
		}
	}
	return out
}

// pendingFor reports whether a step after failedAt would have checked r.
func pendingFor(f steps.Findings, failedAt int, r string) bool {
	if failedAt < 0 || failedAt >= len(f.StepIDs) {
		return false
	}
	for _, id := range f.StepIDs[failedAt+1:] {
		rules := f.StepRules[id]
		if rules == nil {
			return true
		}
		for _, x := range rules {
			if x == r {
				return true
			}
		}
	}
	return false
}

// checked reports whether any check of rule r ran.
func checked(f steps.Findings, r string) bool {
	for _, c := range f.Checks {
		if c.Rule == r {
			return true
		}
	}
	return false
}

// allRules gives every rule tag the same status (a skipped scenario).
func allRules(rules []string, st results.Status, reason string) []results.RuleOutcome {
	out := make([]results.RuleOutcome, 0, len(rules))
	for _, r := range rules {
		out = append(out, results.RuleOutcome{Rule: r, Status: st, Reason: reason})
	}
	return out
}

func anyFailed(f steps.Findings) bool {
	for _, c := range f.Checks {
		if c.Status == results.Failed || (c.Status == results.Deviation && f.Strict) {
			return true
		}
	}
	return false
}

func hasPartial(f steps.Findings, r string) bool {
	_, ok := f.Partial[r]
	return ok
}
