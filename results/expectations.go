package results

import (
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"go.yaml.in/yaml/v3"
)

// Expectations are the per-rule statuses an endpoint is known to have, the
// way web-platform-tests keeps per-browser expected results: an emulator
// that cannot pass the whole suite gates its CI on "no rule got worse".
// Rules not listed are expected to pass.
type Expectations struct {
	Target string            `yaml:"target"`
	Rules  map[string]Status `yaml:"rules"`
}

// expectStatuses are the statuses an expectations file may name.
var expectStatuses = map[Status]bool{Passed: true, Failed: true, Deviation: true, Blocked: true, NotReached: true, Skipped: true}

// ReadExpectations reads an expectations file written by WriteExpectations
// (or by hand).
func ReadExpectations(path string) (Expectations, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Expectations{}, fmt.Errorf("expectations: %w", err)
	}
	var e Expectations
	if err := yaml.Unmarshal(b, &e); err != nil {
		return Expectations{}, fmt.Errorf("expectations %s: %w", path, err)
	}
	for id, st := range e.Rules {
		if !RuleTag.MatchString(id) {
			return Expectations{}, fmt.Errorf("expectations %s: %q is not a rule id", path, id)
		}
		if !expectStatuses[st] {
			return Expectations{}, fmt.Errorf("expectations %s: %s: unknown status %q (use passed, failed, unverified deviation, blocked, not reached or skipped)", path, id, st)
		}
	}
	if e.Rules == nil {
		e.Rules = map[string]Status{}
	}
	return e, nil
}

// WriteExpectations writes every rule of the run that did not pass, with
// the first observed deviation or the blocking reason as a comment.
func (r Result) WriteExpectations(w io.Writer) error {
	fmt.Fprintf(w, "# kmsmac expectations: the per-rule statuses of a conformance run, for regression gating\n")
	fmt.Fprintf(w, "# (kmsmac conform --expectations FILE exits 1 only when a rule does worse than listed here).\n")
	fmt.Fprintf(w, "# Rules not listed are expected to pass. Written %s.\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(w, "target: %q\nrules:\n", Neutral(r.Target))
	n := 0
	for _, v := range r.RuleVerdicts() {
		if v.Status == Passed {
			continue
		}
		n++
		line := fmt.Sprintf("  %s: %s", v.Rule, v.Status)
		if f := v.First; f != nil {
			why := f.Reason
			if f.Status != Blocked {
				why = "expected " + f.Expected + "; observed " + f.Observed
			}
			line += "  # " + textutil.Clip(oneLine(Neutral(why)), 200)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	if n == 0 {
		_, err := fmt.Fprintln(w, "  {}")
		return err
	}
	return nil
}

// ExpectationDiff is one rule whose status differs from its expectation.
type ExpectationDiff struct {
	Rule               string
	Expected, Observed Status
	Detail             string // the first failing check or the blocking reason
}

// Comparison is a run compared with its expectations.
type Comparison struct {
	Matched     int
	Regressions []ExpectationDiff // a rule does worse than expected
	Improved    []ExpectationDiff // a rule does better: update the file
	NotRun      []string          // expected rules this run did not carry
}

// expectRank orders statuses from worst to best for gating.
var expectRank = map[Status]int{Failed: 0, NotReached: 1, Blocked: 2, Skipped: 2, Deviation: 3, Passed: 4}

// Compare checks every rule the run carried against e.
func (r Result) Compare(e Expectations) Comparison {
	var c Comparison
	seen := map[string]bool{}
	for _, v := range r.RuleVerdicts() {
		seen[v.Rule] = true
		want, ok := e.Rules[v.Rule]
		if !ok {
			want = Passed
		}
		if want == v.Status {
			c.Matched++
			continue
		}
		d := ExpectationDiff{Rule: v.Rule, Expected: want, Observed: v.Status}
		if f := v.First; f != nil {
			d.Detail = f.Reason
			if f.Status != Blocked {
				d.Detail = "expected " + f.Expected + "; observed " + f.Observed
			}
			d.Detail += " (" + v.FirstScenario + ")"
		}
		if expectRank[v.Status] < expectRank[want] {
			c.Regressions = append(c.Regressions, d)
		} else {
			c.Improved = append(c.Improved, d)
		}
	}
	for id := range e.Rules {
		if !seen[id] {
			c.NotRun = append(c.NotRun, id)
		}
	}
	sort.Slice(c.NotRun, func(i, j int) bool { return ruleLess(c.NotRun[i], c.NotRun[j]) })
	return c
}

// Write prints the comparison: regressions first, then improvements.
func (c Comparison) Write(w io.Writer, file string) {
	fmt.Fprintf(w, "expectations %s: %d rules as expected, %d regressions, %d unexpected passes or improvements",
		file, c.Matched, len(c.Regressions), len(c.Improved))
	if len(c.NotRun) > 0 {
		fmt.Fprintf(w, ", %d listed rules not run", len(c.NotRun))
	}
	fmt.Fprintln(w)
	for _, d := range c.Regressions {
		fmt.Fprintf(w, "  REGRESSION %s: expected %s, now %s: %s\n", d.Rule, d.Expected, d.Observed, textutil.Clip(oneLine(d.Detail), 300))
	}
	for _, d := range c.Improved {
		what := "UNEXPECTED PASS"
		if d.Observed != Passed {
			what = "IMPROVED"
		}
		fmt.Fprintf(w, "  %s %s: expected %s, now %s (update %s: kmsmac conform --write-expectations)\n", what, d.Rule, d.Expected, d.Observed, file)
	}
}

// Neutral replaces what differs from run to run (key ids and ARNs, alias
// names, run ids, request ids, durations) with placeholders, so reports
// of two runs diff cleanly.
func Neutral(s string) string {
	for _, r := range neutralRules {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return s
}

// StatusList is the statuses in a fixed order, for totals.
var StatusList = []Status{Passed, Failed, Deviation, Blocked, NotReached, Skipped}
