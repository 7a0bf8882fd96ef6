package results

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kmsmac/kmsmac/features"
	"github.com/kmsmac/kmsmac/internal/textutil"
)

// WriteSummary prints the end-of-run summary: scenario and rule counts,
// failing rules with the first failing check of each, blocked scenarios
// grouped by what they lacked, skipped scenarios with reasons, deviations,
// cleanup problems, wall time. It is the run's only summary.
func (r Result) WriteSummary(w io.Writer) {
	c := r.Counts()
	fmt.Fprintf(w, "\nkmsmac conform against %s: %d scenarios: %d passed, %d failed, %d unverified deviations, %d blocked, %d skipped (%s wall)\n",
		r.Target, len(r.Scenarios), c[Passed], c[Failed], c[Deviation], c[Blocked], c[Skipped], r.Wall.Round(1e6))
	rv := r.RuleVerdicts()
	rc := map[Status]int{}
	partial := 0
	for _, v := range rv {
		rc[v.Status]++
		if v.Status == Passed && v.Counts[Passed] < v.Total() {
			partial++
		}
	}
	fmt.Fprintf(w, "rules: %d passed (%d of them with blocked, skipped or unreached scenarios), %d failed, %d unverified deviations, %d blocked, %d not reached, %d skipped\n",
		rc[Passed], partial, rc[Failed], rc[Deviation], rc[Blocked], rc[NotReached], rc[Skipped])
	if r.Note != "" {
		fmt.Fprintln(w, "NOTE:", r.Note)
	}
	var lines []string
	for _, s := range r.Scenarios {
		if s.Status == Skipped {
			lines = append(lines, fmt.Sprintf("  - %s [%s] (%s): %s", s.Name, strings.Join(s.Rules, " "), s.Feature, textutil.Clip(oneLine(s.Reason), 400)))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "Skipped:\n%s\n", strings.Join(lines, "\n"))
	}
	r.writeBlocked(w)
	lines = lines[:0]
	for _, s := range r.Scenarios {
		if s.Status == Deviation {
			lines = append(lines, fmt.Sprintf("  - %s [%s] (%s): %s", s.Name, strings.Join(s.Rules, " "), s.Feature, textutil.Clip(oneLine(s.Reason), 400)))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "Unverified deviations:\n%s\n", strings.Join(lines, "\n"))
	}
	lines = lines[:0]
	for _, s := range r.Scenarios {
		if s.Status != Failed {
			continue
		}
		line := fmt.Sprintf("  - %s [%s] (%s)", s.Name, strings.Join(s.Rules, " "), s.Feature)
		for _, ro := range s.RuleOutcomes {
			if ro.Status == Failed {
				line += fmt.Sprintf("\n      %s: expected %s; observed %s", ro.Rule, textutil.Clip(oneLine(ro.Expected), 200), textutil.Clip(oneLine(ro.Observed), 300))
			}
		}
		lines = append(lines, line)
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "Failed:\n%s\n", strings.Join(lines, "\n"))
	}
	if ids := r.RuleIDs(Failed); len(ids) > 0 {
		fmt.Fprintf(w, "Failing rule ids: %s\n", strings.Join(ids, " "))
	}
	if ids := r.RuleIDs(Deviation); len(ids) > 0 {
		fmt.Fprintf(w, "Rule ids with unverified deviations: %s\n", strings.Join(ids, " "))
	}
	if ids := r.RuleIDs(Blocked); len(ids) > 0 {
		fmt.Fprintf(w, "Rule ids only blocked (no scenario could judge them): %s\n", strings.Join(ids, " "))
	}
	for _, s := range r.Scenarios {
		for _, p := range s.Cleanup {
			fmt.Fprintf(w, "cleanup problem in %q: %s\n", s.Name, p)
		}
	}
	io.WriteString(w, r.GoldenSummary)
	r.writeKeysLine(w)
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	if r.Lost != "" { // target/lost.go: a dead endpoint is no verdict
		verdict = "NO VERDICT: endpoint lost"
	}
	fmt.Fprintf(w, "%s (%s)\n", verdict, r.Wall.Round(1e6))
}

// writeBlocked lists blocked scenarios grouped by what blocked them.
func (r Result) writeBlocked(w io.Writer) {
	groups := map[string][]string{}
	var order []string
	for _, s := range r.Scenarios {
		if s.Status != Blocked {
			continue
		}
		why := textutil.Clip(oneLine(textutil.FirstLine(s.Reason)), 300)
		if _, ok := groups[why]; !ok {
			order = append(order, why)
		}
		groups[why] = append(groups[why], fmt.Sprintf("%s [%s]", s.Name, strings.Join(s.Rules, " ")))
	}
	if len(order) == 0 {
		return
	}
	fmt.Fprintln(w, "Blocked (the endpoint lacks a precondition; the blocked scenarios' rules are not charged):")
	for _, why := range order {
		names := groups[why]
		shown := names
		if len(shown) > 3 {
			shown = shown[:3]
		}
		more := ""
		if len(names) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(names)-len(shown))
		}
		fmt.Fprintf(w, "  - %s: %d scenarios (%s%s)\n", why, len(names), strings.Join(shown, "; "), more)
	}
}

// writeKeysLine says how many keys the run made and how to find them:
// "kmsmac cleanup" looks for the tag if a run was interrupted.
func (r Result) writeKeysLine(w io.Writer) {
	if r.RunID == "" {
		return
	}
	fate := "scheduled for deletion in 7 days"
	if r.KeepKeys {
		fate = "kept (--keep-keys); remove them later with kmsmac cleanup --run-id " + r.RunID
	}
	if n := len(r.KeysLeft); n > 0 && !r.KeepKeys { // target/lost.go
		fate = fmt.Sprintf("%d of them could not be scheduled for deletion: remove them with kmsmac cleanup --run-id %s", n, r.RunID)
	}
	fmt.Fprintf(w, "%d keys created (tag %s=%s), %s\n", r.KeysCreated, RunTagKey, r.RunID, fate)
}

// RuleIDs lists, sorted, the rules whose run-wide verdict is st.
func (r Result) RuleIDs(st Status) []string {
	var ids []string
	for _, v := range r.RuleVerdicts() {
		if v.Status == st {
			ids = append(ids, v.Rule)
		}
	}
	return ids
}

// RuleVerdict is one rule's verdict over a run.
type RuleVerdict struct {
	Rule   string
	Status Status
	// Counts is the rule's outcome in each scenario that carries it.
	Counts map[Status]int
	// First is the first failing (else deviating, else blocked) outcome,
	// in the scenario named FirstScenario.
	First         *RuleOutcome
	FirstScenario string
}

// Total is the number of scenarios that carry the rule.
func (v RuleVerdict) Total() int {
	n := 0
	for _, c := range v.Counts {
		n += c
	}
	return n
}

// ruleRank orders the run-wide verdicts: one failing check fails a rule;
// a rule passes when at least one scenario judged it and none failed.
var ruleRank = map[Status]int{Failed: 5, Deviation: 4, Passed: 3, Blocked: 2, NotReached: 1, Skipped: 0}

// RuleVerdicts is every rule that some scenario of the run carries, in
// rule order, with its verdict.
func (r Result) RuleVerdicts() []RuleVerdict {
	by := map[string]*RuleVerdict{}
	for _, s := range r.Scenarios {
		for _, ro := range s.RuleOutcomes {
			v := by[ro.Rule]
			if v == nil {
				v = &RuleVerdict{Rule: ro.Rule, Status: ro.Status, Counts: map[Status]int{}}
				by[ro.Rule] = v
			}
			v.Counts[ro.Status]++
			if ruleRank[ro.Status] > ruleRank[v.Status] {
				v.Status = ro.Status
			}
			if ro.Status == Failed || ro.Status == Deviation || ro.Status == Blocked {
				if v.First == nil || ruleRank[ro.Status] > ruleRank[v.First.Status] {
					ro := ro
					v.First, v.FirstScenario = &ro, s.Name
				}
			}
		}
	}
	out := make([]RuleVerdict, 0, len(by))
	for _, v := range by {
		out = append(out, *v)
	}
	sort.Slice(out, func(i, j int) bool { return ruleLess(out[i].Rule, out[j].Rule) })
	return out
}

// countsText is "3 passed, 1 blocked" in a fixed order.
func countsText(c map[Status]int) string {
	var parts []string
	for _, st := range []Status{Passed, Failed, Deviation, Blocked, NotReached, Skipped} {
		if c[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[st], st))
		}
	}
	return strings.Join(parts, ", ")
}

// WriteMarkdown writes the conformance matrix: one row per rule with its
// run-wide verdict, its scenarios by outcome and the first failing check;
// then one row per scenario; then the rules no scenario ran.
func (r Result) WriteMarkdown(w io.Writer) error {
	titles := ruleTitles()
	c := r.Counts()
	fmt.Fprintf(w, "# kmsmac conformance report\n\nTarget: %s  \nScenarios: %d passed, %d failed, %d unverified deviations, %d blocked, %d skipped  \nWall time: %s\n\n",
		r.Target, c[Passed], c[Failed], c[Deviation], c[Blocked], c[Skipped], r.Wall.Round(1e6))
	lv := Levels()
	ran := map[string]bool{}
	fmt.Fprintln(w, "## By rule\n\n| Rule | Title | Level | Status | Scenarios | First failure or reason |\n|---|---|---|---|---|---|")
	for _, v := range r.RuleVerdicts() {
		ran[v.Rule] = true
		detail := ""
		if f := v.First; f != nil && v.Status != Passed {
			if f.Status == Blocked {
				detail = f.Reason
			} else {
				detail = "expected " + f.Expected + "; observed " + f.Observed
			}
			detail = textutil.Clip(Neutral(detail), 600) + " (" + v.FirstScenario + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", v.Rule, cell(titles[v.Rule]), cell(lv[v.Rule].Raw), v.Status, countsText(v.Counts), cell(detail))
	}
	fmt.Fprint(w, "\n## By scenario\n\n| Scenario | Feature | Rules | Status | Expected | Observed or reason |\n|---|---|---|---|---|---|\n")
	for _, s := range r.Scenarios {
		var rules []string
		for _, ro := range s.RuleOutcomes {
			rules = append(rules, ro.Rule+": "+string(ro.Status))
		}
		if len(s.Rules) == 0 {
			rules = []string{"(no rule tag)"}
		}
		obs := s.Observed
		if s.Status != Passed && s.Status != Failed {
			obs = s.Reason
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", cell(s.Name), s.Feature, cell(strings.Join(rules, ", ")), s.Status,
			cell(textutil.Clip(Neutral(strings.Join(s.Expected, "; ")), 400)), cell(textutil.Clip(Neutral(obs), 600)))
	}
	var notRun []string
	for id := range titles {
		if !ran[id] {
			notRun = append(notRun, id)
		}
	}
	sort.Slice(notRun, func(i, j int) bool { return ruleLess(notRun[i], notRun[j]) })
	if len(notRun) > 0 {
		fmt.Fprintf(w, "\nRules with no scenario in this run (excluded by tags, not observable or pending; see features/RULES.md): %s\n",
			strings.Join(notRun, " "))
	}
	_, err := fmt.Fprintln(w)
	return err
}

func ruleTitles() map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(features.RulesMD, "\n") {
		m := ruleRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), "|")
		if len(cells) > 1 {
			out[m[1]] = strings.TrimSpace(cells[1])
		}
	}
	return out
}

// ruleLess orders ids by prefix, then number (MAC-SIZE-2 < MAC-SIZE-10).
func ruleLess(a, b string) bool {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	if pa != pb {
		return pa < pb
	}
	return na < nb
}

func splitID(id string) (string, int) {
	i := strings.LastIndexByte(id, '-')
	n := 0
	if i >= 0 {
		fmt.Sscanf(id[i+1:], "%d", &n)
		return id[:i], n
	}
	return id, 0
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
