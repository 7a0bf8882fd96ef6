package steps

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/kmsmac/kmsmac/features"

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

// Level is a rule's strength of evidence: 2 = D/S (hard everywhere), 1 = O
// (hard on code and status), 0 = I/T (never hard), -1 = none ("—").
// Inferred names the part of the rule whose evidence is only inferred, from
// a level written "X; I for <part>" (ROT-1 "D; I for DisableKeyRotation"): Code
// and Text then describe the recorded part only.
type Level struct {
	Raw        string
	Code, Text int
	Inferred   string
}

// RecordedPart is the tag of a scenario that asserts only the recorded part
// of its split-level rules; without it (or @unverified) such a scenario is
// soft, since it may be checking the inferred part.
const RecordedPart = "@recorded-part"

var (
	levelsOnce sync.Once
	levels     map[string]Level
	ruleRow    = regexp.MustCompile(`^\|\s*([A-Z]+(?:-[A-Z]+)?-[0-9]+)\s*\|[^|]*\|\s*([^|]*?)\s*\|`)
	// RuleTag matches tags that name a rule id (without the '@').
	RuleTag = regexp.MustCompile(`^[A-Z]+(-[A-Z]+)?-[0-9]+$`)
)

// Levels returns the evidence level of every rule in features/RULES.md.
func Levels() map[string]Level {
	levelsOnce.Do(func() { levels = ParseLevels(features.RulesMD) })
	return levels
}

// ParseLevels reads the id and level columns of a RULES.md table. A level
// "D / I" is code level D, text level I; "D/S" is one level backed twice;
// "D; I for DisableKeyRotation" is level D for the rule except the part after the
// ';', which is inferred (Level.Inferred).
func ParseLevels(md string) map[string]Level {
	out := map[string]Level{}
	for _, line := range strings.Split(md, "\n") {
		m := ruleRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		recorded, inferred, _ := strings.Cut(m[2], ";")
		parts := strings.SplitN(recorded, " / ", 2)
		out[m[1]] = Level{Raw: m[2], Code: strength(parts[0]), Text: strength(parts[len(parts)-1]),
			Inferred: strings.TrimSpace(inferred)}
	}
	return out
}

func strength(s string) int {
	best := -1
	for _, r := range s {
		v := -1
		switch r {
		case 'D', 'S':
			v = 2
		case 'O':
			v = 1
		case 'I', 'T':
			v = 0
		}
		if v > best {
			best = v
		}
	}
	return best // -1: no level ("—"), imposes nothing
}

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
	lv := Levels()
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
func (evidence) hardFor(lv map[string]Level, rule string, k Kind, unverified bool) bool {
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

func (w *World) check(hard bool, k Kind, ok bool, expected, observed string) error {
	w.Expect(expected)
	rules := w.checking()
	if ok {
		w.note(rules, Passed, expected, "")
		return nil
	}
	if hard {
		w.note(rules, Failed, expected, observed)
		return w.Failure(expected, observed)
	}
	w.note(rules, Deviation, expected, observed)
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
			w.last.RequestLine(), expected, observed, orDash(w.ev.desc))}
}

// failure is a failed expectation; the report shows its parts separately.
type failure struct{ text, expected, observed string }

func (f *failure) Error() string { return f.text }

// Require is for a call the scenario needs as a precondition: unless o
// succeeded, the scenario is blocked by the rule that promises the call
// works (verdict.go), with the reason; an operation the endpoint lacks is
// named as such. A call that got no answer at all is a plain failure.
func (w *World) Require(o *target.Outcome) error {
	if o.OK() {
		return nil
	}
	if o.Status == 0 {
		return fmt.Errorf("%s", RequireText(o))
	}
	return w.Block(blockingRule(o), RequireText(o))
}

// RequireText explains a call that should have succeeded.
func RequireText(o *target.Outcome) string {
	switch {
	case o.Status == 0:
		return fmt.Sprintf("%s failed: %s\n  request: %s", o.Op, o.Summary(), o.RequestLine())
	case notImplemented(o):
		return fmt.Sprintf("%s not implemented: %s", o.Op, o.Summary())
	default:
		return fmt.Sprintf("%s failed: %s\n  request: %s", o.Op, o.Summary(), o.RequestLine())
	}
}

func notImplemented(o *target.Outcome) bool {
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
