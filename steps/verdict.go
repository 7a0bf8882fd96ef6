package steps

import (
	"encoding/json"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// Per-rule verdicts. Every check a step makes is charged to the rules that
// step checks: the rule ids written at the end of the step in brackets
// ("Then the response "KeyId" is "<key-arn:K>" [KID-4]"), or else every
// rule the scenario is tagged with. A scenario's result is then one
// outcome per rule tag: passed, failed, unverified deviation, not reached
// (an earlier step failed before any check of that rule ran), blocked (the
// scenario could not get its preconditions) or skipped.

// stepRulesRE is the trailing rule annotation of a step: " [KID-4]" or
// " [GM-OK-1, KID-4]".
var stepRulesRE = regexp.MustCompile(`\s+\[\s*([A-Z]+(?:-[A-Z]+)?-[0-9]+(?:\s*,\s*[A-Z]+(?:-[A-Z]+)?-[0-9]+)*)\s*\]\s*$`)

// SplitStepRules cuts a trailing rule annotation off a step's text and
// returns the text godog matches and the rule ids (nil when none).
func SplitStepRules(text string) (string, []string) {
	m := stepRulesRE.FindStringSubmatchIndex(text)
	if m == nil {
		return text, nil
	}
	var ids []string
	for _, id := range strings.Split(text[m[2]:m[3]], ",") {
		ids = append(ids, strings.TrimSpace(id))
	}
	return text[:m[0]], ids
}

// ruleCheck is one check charged to one rule.
type ruleCheck struct {
	rule               string
	status             results.Status // Passed, Failed or Deviation
	expected, observed string
}

// note records a check against rules.
func (w *World) note(rules []string, st results.Status, expected, observed string) {
	for _, r := range rules {
		w.checks = append(w.checks, ruleCheck{rule: r, status: st, expected: expected, observed: observed})
	}
}

// checking is the rules the current step's checks are charged to.
func (w *World) checking() []string {
	if w.stepRules != nil {
		return w.stepRules
	}
	return w.Rules
}

// CheckRules is Check charged to the given rules instead of the step's:
// for steps that know which rule each of their checks belongs to (the
// property and model checks, the vector runs).
func (w *World) CheckRules(rules []string, k Kind, ok bool, expected, observed string) error {
	saved := w.stepRules
	w.stepRules = rules
	defer func() { w.stepRules = saved }()
	return w.Check(k, ok, expected, observed)
}

// precondition is a scenario that could not get what it needs from the
// endpoint: it is blocked by rule (the rule the missing thing violates),
// and that rule fails on its own scenarios, not on this one.
type precondition struct {
	rule, reason string
}

func (p *precondition) Error() string {
	if p.rule == "" {
		return "blocked: " + p.reason
	}
	return "blocked by " + p.rule + ": " + p.reason
}

// Block ends the scenario as blocked by rule (may be "" when no catalogued
// rule covers what is missing) with the reason.
func (w *World) Block(rule, reason string) error { return &precondition{rule: rule, reason: reason} }

// BlockRules marks rules the scenario could not judge because the endpoint
// lacks a precondition, blocked by rule by, while the scenario goes on to
// judge its other rules (a model run without imported keys cannot judge
// IMP-8 but still judges the key states).
func (w *World) BlockRules(rules []string, by, reason string) {
	if w.partial == nil {
		w.partial = map[string]*precondition{}
	}
	for _, r := range rules {
		w.partial[r] = &precondition{rule: by, reason: reason}
	}
}

// Unreached marks rules the scenario carries but whose checks never ran
// (a generated check that happened not to exercise them).
func (w *World) Unreached(rules []string, reason string) {
	if w.unreached == nil {
		w.unreached = map[string]string{}
	}
	for _, r := range rules {
		w.unreached[r] = reason
	}
}

// IsBlocked reports whether err ended a scenario as blocked, and by which rule.
func IsBlocked(err error) (rule, reason string, ok bool) {
	var p *precondition
	if errors.As(err, &p) {
		return p.rule, p.reason, true
	}
	return "", "", false
}

// blockingRule is the catalogued rule that a setup call's failure shows
// the endpoint breaks: the HMAC lifecycle rule that promises the call works.
func blockingRule(o *target.Outcome) string {
	var req map[string]any
	_ = json.Unmarshal(o.Request, &req)
	str := func(k string) string { s, _ := req[k].(string); return s }
	switch o.Op {
	case "CreateKey":
		spec := str("KeySpec")
		if spec == "" {
			spec = str("CustomerMasterKeySpec")
		}
		switch {
		case !strings.HasPrefix(spec, "HMAC_"):
			return "" // a non-HMAC key: no HMAC rule promises it
		case str("Origin") == "EXTERNAL":
			return "CK-11"
		case req["MultiRegion"] == true:
			return "CK-10"
		}
		return "CK-1"
	case "GetParametersForImport", "ImportKeyMaterial":
		return "IMP-1"
	case "DeleteImportedKeyMaterial":
		return "IMP-8"
	case "CreateGrant":
		return "GR-1"
	case "CreateAlias":
		return "KID-1"
	case "UpdateAlias":
		return "KID-13"
	case "DisableKey", "EnableKey":
		return "STATE-10"
	case "ScheduleKeyDeletion":
		return "STATE-12"
	case "CancelKeyDeletion":
		return "STATE-11"
	case "DescribeKey":
		return "DK-5"
	case "GenerateMac":
		return "GM-OK-1"
	case "VerifyMac":
		return "VM-OK-1"
	}
	return ""
}

// scenarioSteps is what the scenario's hooks know of its steps: the rules
// each step is charged to (nil: all of the scenario's), by step id.
type scenarioSteps struct {
	ids   []string
	rules map[string][]string
	isSet map[string]bool // steps of type Context (Given)
}

// prepareSteps cuts the rule annotations off the scenario's steps (godog
// matches the step text after the before-step hooks run, so the cut text
// is what the step definitions see) and remembers them.
func prepareSteps(s *godog.Scenario) *scenarioSteps {
	ss := &scenarioSteps{rules: map[string][]string{}, isSet: map[string]bool{}}
	for _, st := range s.Steps {
		text, ids := SplitStepRules(st.Text)
		st.Text = text
		ss.ids = append(ss.ids, st.Id)
		ss.rules[st.Id] = ids
	}
	return ss
}

// ruleOutcomes turns the scenario's checks into one outcome per rule tag.
// failedAt is the index of the step that ended the scenario (-1: none),
// failure its error when it failed, blocked set when a precondition was
// missing. A failure no check was charged with (a step that could not
// read the answer it needed) is charged to the rules of the failing step.
func (w *World) ruleOutcomes(ss *scenarioSteps, failedAt int, failure error, blocked *precondition) []results.RuleOutcome {
	scenarioFailed := failure != nil && blocked == nil
	if scenarioFailed && !w.anyFailed() {
		rules := w.Rules
		if ss != nil && failedAt >= 0 && failedAt < len(ss.ids) && ss.rules[ss.ids[failedAt]] != nil {
			rules = ss.rules[ss.ids[failedAt]]
		}
		w.note(rules, results.Failed, "the step completes", textutil.FirstLine(failure.Error()))
	}
	var out []results.RuleOutcome
	rules := w.Rules
	tagged := map[string]bool{}
	for _, r := range rules {
		tagged[r] = true
	}
	for _, c := range w.checks { // a check of a rule the scenario is not tagged with still counts
		if !tagged[c.rule] && c.status != results.Passed {
			tagged[c.rule] = true
			rules = append(rules, c.rule)
		}
	}
	for _, r := range rules {
		ro := results.RuleOutcome{Rule: r, Status: results.Passed}
		for _, c := range w.checks {
			if c.rule != r {
				continue
			}
			if c.status == results.Failed {
				ro.Status, ro.Expected, ro.Observed = results.Failed, c.expected, c.observed
				break
			}
			if c.status == results.Deviation && ro.Status == results.Passed {
				ro.Status, ro.Expected, ro.Observed = results.Deviation, c.expected, c.observed
			}
		}
		switch {
		case ro.Status == results.Failed:
		case blocked != nil && blocked.rule == r:
			// the missing precondition is this rule's own promise
			ro.Status, ro.Expected, ro.Observed = results.Failed, "the call succeeds ("+r+")", blocked.reason
		case blocked != nil:
			ro.Status, ro.Reason = results.Blocked, blocked.Error()
		case w.partial[r] != nil && w.partial[r].rule == r:
			ro.Status, ro.Expected, ro.Observed = results.Failed, "the call succeeds ("+r+")", w.partial[r].reason
		case w.partial[r] != nil && !w.checked(r):
			ro.Status, ro.Reason = results.Blocked, w.partial[r].Error()
		case w.unreached[r] != "" && !w.checked(r):
			ro.Status, ro.Reason = results.NotReached, w.unreached[r]
		case scenarioFailed && ss != nil && !w.checked(r) && pendingFor(ss, failedAt, r):
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
	blockers := []*precondition{blocked}
	for _, r := range slices.Sorted(maps.Keys(w.partial)) {
		blockers = append(blockers, w.partial[r])
	}
	for _, p := range blockers {
		if p != nil && p.rule != "" && !charged[p.rule] {
			charged[p.rule] = true
			out = append(out, results.RuleOutcome{Rule: p.rule, Status: results.Failed, Expected: "the call this scenario needs succeeds (" + p.rule + ")", Observed: p.reason})
		}
	}
	return out
}

// pendingFor reports whether a step after failedAt would have checked r.
func pendingFor(ss *scenarioSteps, failedAt int, r string) bool {
	if failedAt < 0 {
		return false
	}
	for _, id := range ss.ids[failedAt+1:] {
		rules := ss.rules[id]
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
func (w *World) checked(r string) bool {
	for _, c := range w.checks {
		if c.rule == r {
			return true
		}
	}
	return false
}

// Judge fills r with the scenario's verdict once it has ended and cleaned
// up: status, reason, and one outcome per rule from the checks its steps
// made; err is the error godog ended the scenario with.
func (w *World) Judge(r *results.ScenarioResult, err error) {
	r.Expected, r.Soft, r.Cleanup = w.expected, w.soft, w.cleaned
	if w.last != nil {
		r.Observed, r.Request = w.last.Summary(), w.last.RequestLine()
	}
	var blocked *precondition
	failed := err != nil && !errors.Is(err, godog.ErrSkip)
	if failed && errors.As(err, &blocked) {
		r.BlockedBy = blocked.rule
	}
	switch {
	case w.skipped != "" && (err == nil || errors.Is(err, godog.ErrSkip)):
		r.Status, r.Reason = results.Skipped, w.skipped
		r.RuleOutcomes = w.allRules(results.Skipped, w.skipped)
	case blocked != nil:
		r.RuleOutcomes = w.ruleOutcomes(w.steps, w.failedAt, err, blocked)
		r.Status, r.Reason, r.Short = results.Blocked, blocked.Error(), textutil.FirstLine(blocked.Error())
		if slices.Contains(w.Rules, blocked.rule) {
			r.Status = results.Failed // blocked by one of its own rules: that rule failed here
		}
	case failed:
		r.RuleOutcomes = w.ruleOutcomes(w.steps, w.failedAt, err, nil)
		r.Status, r.Reason = results.Failed, strings.TrimSpace(err.Error())
		var f *failure
		if errors.As(err, &f) {
			r.Observed, r.Short = f.observed, "expected "+f.expected+"; observed "+f.observed
		} else {
			r.Observed, r.Short = r.Reason, textutil.FirstLine(r.Reason)
		}
	case len(w.soft) > 0:
		r.RuleOutcomes = w.ruleOutcomes(w.steps, -1, nil, nil)
		r.Status, r.Reason = results.Deviation, strings.Join(w.soft, "; ")
	default:
		r.RuleOutcomes = w.ruleOutcomes(w.steps, -1, nil, nil)
		r.Status, r.Reason = results.Passed, ""
	}
}

// SkippedOutcomes is every rule tag skipped with reason (a scenario the
// engine skips before it starts).
func (w *World) SkippedOutcomes(reason string) []results.RuleOutcome {
	return w.allRules(results.Skipped, reason)
}

// allRules gives every rule tag the same status (a skipped scenario).
func (w *World) allRules(st results.Status, reason string) []results.RuleOutcome {
	out := make([]results.RuleOutcome, 0, len(w.Rules))
	for _, r := range w.Rules {
		out = append(out, results.RuleOutcome{Rule: r, Status: st, Reason: reason})
	}
	return out
}

func (w *World) anyFailed() bool {
	for _, c := range w.checks {
		if c.status == results.Failed || (c.status == results.Deviation && w.Opts.Strict) {
			return true
		}
	}
	return false
}
