package steps

import (
	"errors"
	"regexp"
	"strings"

	"github.com/cucumber/godog"

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

// Findings are what a scenario's steps found: the facts its verdict is
// made of (package runner judges them). Nothing in them is shared with the
// World after the call.
type Findings struct {
	Rules     []string            // the scenario's rule tags
	Checks    []Check             // every check, in order
	StepIDs   []string            // the scenario's steps, in order
	StepRules map[string][]string // rules each step is charged to, by step id (nil: all)
	FailedAt  int                 // index of the first failed step, -1 while none
	Skipped   string              // why a step skipped the scenario
	Partial   map[string]Blocked  // rules blocked while the scenario went on (BlockRules)
	Unreached map[string]string   // rules whose checks never ran (Unreached)
	Expected  []string            // assertions that held, for the report
	Soft      []string            // unverified deviations
	Cleanup   []string            // cleanup problems
	Last      *target.Outcome     // the scenario's last call
	Strict    bool                // deviations count as failures
}

// Check is one check charged to one rule.
type Check struct {
	Rule               string
	Status             results.Status // Passed, Failed or Deviation
	Expected, Observed string
}

// Blocked is a precondition a scenario could not get: blocked by Rule
// ("" when no catalogued rule covers it), with the Reason.
type Blocked struct{ Rule, Reason string }

// Findings is the scenario's record so far (call it after RunCleanup).
func (w *World) Findings() Findings {
	f := Findings{Rules: w.Rules, FailedAt: w.failedAt, Skipped: w.skipped, Unreached: w.unreached,
		Expected: w.expected, Soft: w.soft, Cleanup: w.cleaned, Last: w.last, Strict: w.Opts.Strict}
	for _, c := range w.checks {
		f.Checks = append(f.Checks, Check{Rule: c.rule, Status: c.status, Expected: c.expected, Observed: c.observed})
	}
	if w.steps != nil {
		f.StepIDs, f.StepRules = w.steps.ids, w.steps.rules
	}
	if len(w.partial) > 0 {
		f.Partial = map[string]Blocked{}
		for r, p := range w.partial {
			f.Partial[r] = Blocked{Rule: p.rule, Reason: p.reason}
		}
	}
	return f
}

// IsFailure reports whether err is a failed expectation (World.Failure)
// and its parts.
func IsFailure(err error) (expected, observed string, ok bool) {
	var f *failure
	if errors.As(err, &f) {
		return f.expected, f.observed, true
	}
	return "", "", false
}
