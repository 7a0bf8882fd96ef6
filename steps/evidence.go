package steps

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// Kind is what an assertion compares; the evidence level decides, per
// kind, whether a difference fails the scenario.
type Kind int

const (
	KindCode   Kind = iota // error code or success
	KindStatus             // HTTP status
	KindText               // message text and other details
)

func (k Kind) String() string { return [...]string{"code", "status", "text"}[k] }

// RecordedPart is the tag of a scenario that asserts only the recorded part
// of its split-level rules; without it (or @unverified) such a scenario is
// soft, since it may be checking the inferred part.
const RecordedPart = "@recorded-part"

// evidence is how hard a scenario may assert, from its weakest rule.
// split lists its rules whose level has an inferred part.
type evidence struct {
	codeHard, textHard bool
	split              []string
	desc               string
}

func scenarioEvidence(rules []string, unverified bool) evidence {
	code, text := 2, 2
	var descs, split []string
	lv := results.Levels()
	for _, r := range rules {
		l, ok := lv[r]
		if !ok {
			continue
		}
		descs = append(descs, r+" ("+l.Raw+")")
		if l.Inferred != "" {
			split = append(split, r)
		}
		if l.Code >= 0 && l.Code < code {
			code = l.Code
		}
		if l.Text >= 0 && l.Text < text {
			text = l.Text
		}
	}
	e := evidence{codeHard: code >= 1 && !unverified, textHard: text >= 2 && !unverified, split: split}
	sort.Strings(descs)
	e.desc = strings.Join(descs, ", ")
	if unverified {
		e.desc += " @unverified"
	}
	return e
}

// hardFor is whether a check of rule's recorded part asserts hard: its
// level without the inferred part, unless the scenario is @unverified.
func (evidence) hardFor(lv map[string]results.Level, rule string, k Kind, unverified bool) bool {
	l := lv[rule]
	if unverified {
		return false
	}
	if k == KindText {
		return l.Text >= 2
	}
	return l.Code >= 1
}

func (e evidence) hard(k Kind) bool {
	if k == KindText {
		return e.textHard
	}
	return e.codeHard
}

// hard is the scenario's evidence for k, with split-level rules counted as
// inferred unless the scenario declares @recorded-part.
func (w *World) hard(k Kind) bool {
	ev := w.ev
	if w.stepRules != nil { // an annotated step asserts as hard as its own rules allow
		ev = scenarioEvidence(w.stepRules, w.Tags["@unverified"])
	}
	return ev.hard(k) && (len(ev.split) == 0 || w.Tags[RecordedPart])
}

// Check is the one assertion primitive. When ok it notes expected for the
// report. Otherwise a hard difference is a failure; a soft one becomes an
// unverified deviation, which fails the scenario only with --strict.
func (w *World) Check(k Kind, ok bool, expected, observed string) error {
	return w.check(w.hard(k), k, ok, expected, observed)
}

// Unverified is Check for an expectation whose evidence is inferred
// whatever the scenario's tags say (an inferred part of a split rule inside
// a hard scenario): a difference is always an unverified deviation.
func (w *World) Unverified(k Kind, ok bool, expected, observed string) error {
	return w.check(false, k, ok, expected, observed)
}

// CheckAtRuleLevel is a check of one rule, as hard as that rule's own
// level without its inferred part (STATE-10 "D; I for MACs made before
// ...": a generated check judges the recorded part), unless the scenario
// is @unverified: for checks that know their rule whatever the scenario's
// other tags (generated checks). A rule not in the catalogue is CheckRules.
func (w *World) CheckAtRuleLevel(rule string, k Kind, ok bool, expected, observed string) error {
	if _, known := results.Levels()[rule]; !known {
		return w.CheckRules([]string{rule}, k, ok, expected, observed)
	}
	saved := w.stepRules
	w.stepRules = []string{rule}
	defer func() { w.stepRules = saved }()
	return w.check(w.ev.hardFor(results.Levels(), rule, k, w.Tags["@unverified"]), k, ok, expected, observed)
}

func (w *World) check(hard bool, k Kind, ok bool, expected, observed string) error {
	w.Expect(expected)
	rules := w.checking()
	if ok {
		w.note(rules, results.Passed, expected, "")
		return nil
	}
	if hard {
		w.note(rules, results.Failed, expected, observed)
		return w.Failure(expected, observed)
	}
	w.note(rules, results.Deviation, expected, observed)
	d := fmt.Sprintf("%s: expected %s, observed %s", k, expected, observed)
	w.soft = append(w.soft, d)
	if w.Opts.Strict {
		return fmt.Errorf("unverified deviation (--strict): %w", w.Failure(expected, observed))
	}
	return nil
}

// Failure formats a failed expectation on one screen: request, expected,
// observed, and the evidence behind the expectation.
func (w *World) Failure(expected, observed string) error {
	return &failure{expected: expected, observed: observed,
		text: fmt.Sprintf("\n  request:  %s\n  expected: %s\n  observed: %s\n  evidence: %s",
			w.last.RequestLine(), expected, observed, textutil.OrDash(w.ev.desc))}
}

// failure is a failed expectation; the report shows its parts separately.
type failure struct{ text, expected, observed string }

func (f *failure) Error() string { return f.text }

// Require is for a call the scenario needs as a precondition: unless o
// succeeded, the scenario is blocked by the rule that promises the call
// works (results.BlockingRule), with the reason; an operation the endpoint lacks is
// named as such. A call that got no answer at all is a plain failure.
func (w *World) Require(o *target.Outcome) error {
	if o.OK() {
		return nil
	}
	if o.Status == 0 {
		return fmt.Errorf("%s", RequireText(o))
	}
	return w.Block(results.BlockingRule(o.Op, o.Request), RequireText(o))
}

// RequireText explains a call that should have succeeded.
func RequireText(o *target.Outcome) string {
	switch {
	case o.Status == 0:
		return fmt.Sprintf("%s failed: %s\n  request: %s", o.Op, o.Summary(), o.RequestLine())
	case NotImplemented(o):
		return fmt.Sprintf("%s not implemented: %s", o.Op, o.Summary())
	default:
		return fmt.Sprintf("%s failed: %s\n  request: %s", o.Op, o.Summary(), o.RequestLine())
	}
}

// NotImplemented reports whether o says the endpoint lacks the operation
// (as emulators answer it), rather than refusing the request.
func NotImplemented(o *target.Outcome) bool {
	switch o.Type {
	case "UnknownOperationException", "InvalidAction", "NotImplemented", "NotImplementedException", "InternalFailure":
		return true
	}
	return o.Status == http.StatusNotImplemented || o.Status == http.StatusNotFound ||
		(o.Status >= 500 && o.Type == "")
}

var enumSet = regexp.MustCompile(`enum value set: \[([^\]]*)\]`)

// SameMessage compares messages exactly, except that enum value lists are
// compared as sets (VAL-FMT-3).
func SameMessage(want, got string) bool {
	if want == got {
		return true
	}
	wl, gl := enumSet.FindAllStringSubmatchIndex(want, -1), enumSet.FindAllStringSubmatchIndex(got, -1)
	if len(wl) == 0 || len(wl) != len(gl) {
		return false
	}
	if enumSet.ReplaceAllString(want, "enum value set: []") != enumSet.ReplaceAllString(got, "enum value set: []") {
		return false
	}
	for i := range wl {
		if !sameSet(want[wl[i][2]:wl[i][3]], got[gl[i][2]:gl[i][3]]) {
			return false
		}
	}
	return true
}

func sameSet(a, b string) bool {
	split := func(s string) []string {
		var out []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		sort.Strings(out)
		return out
	}
	x, y := split(a), split(b)
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}
