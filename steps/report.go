package steps

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kmsmac/kmsmac/features"
)

// WriteSummary prints the end-of-run summary: counts, skipped scenarios
// with reasons, failing rule ids, deviations, cleanup problems, wall time.
func (r Result) WriteSummary(w io.Writer) {
	c := r.Counts()
	fmt.Fprintf(w, "\nkmsmac conform against %s: %d scenarios: %d passed, %d failed, %d unverified deviations, %d skipped (%s wall)\n",
		r.Target, len(r.Scenarios), c[Passed], c[Failed], c[Deviation], c[Skipped], r.Wall.Round(1e6))
	section := func(title string, st Status, detail bool) {
		var lines []string
		for _, s := range r.Scenarios {
			if s.Status != st {
				continue
			}
			line := fmt.Sprintf("  - %s [%s] (%s)", s.Name, strings.Join(s.Rules, " "), s.Feature)
			switch {
			case detail && s.Reason != "":
				line += ": " + clip(oneLine(s.Reason), 400)
			case s.Short != "":
				line += ": " + clip(oneLine(s.Short), 300)
			}
			lines = append(lines, line)
		}
		if len(lines) > 0 {
			fmt.Fprintf(w, "%s:\n%s\n", title, strings.Join(lines, "\n"))
		}
	}
	if r.Note != "" {
		fmt.Fprintln(w, "NOTE:", r.Note)
	}
	section("Skipped", Skipped, true)
	section("Unverified deviations", Deviation, true)
	section("Failed", Failed, false)
	if ids := r.RuleIDs(Failed); len(ids) > 0 {
		fmt.Fprintf(w, "Failing rule ids: %s\n", strings.Join(ids, " "))
	}
	if ids := r.RuleIDs(Deviation); len(ids) > 0 {
		fmt.Fprintf(w, "Rule ids with unverified deviations: %s\n", strings.Join(ids, " "))
	}
	for _, s := range r.Scenarios {
		for _, p := range s.Cleanup {
			fmt.Fprintf(w, "cleanup problem in %q: %s\n", s.Name, p)
		}
	}
	r.writeGoldenSummary(w)
	r.writeKeysLine(w)
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "%s (%s)\n", verdict, r.Wall.Round(1e6))
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
	fmt.Fprintf(w, "%d keys created (tag %s=%s), %s\n", r.KeysCreated, RunTagKey, r.RunID, fate)
}

// RuleIDs lists, sorted, the rule ids of scenarios with status st.
func (r Result) RuleIDs(st Status) []string {
	set := map[string]bool{}
	for _, s := range r.Scenarios {
		if s.Status == st {
			for _, id := range s.Rules {
				set[id] = true
			}
		}
	}
	return sortedKeys(set)
}

// WriteMarkdown writes the conformance matrix: one row per rule id with
// its title, status, expected and observed, then the rules no scenario ran.
func (r Result) WriteMarkdown(w io.Writer) error {
	titles := ruleTitles()
	titles["-"] = "(no rule tag: checks of the harness itself, such as RFC 4231 on the HMAC core)"
	c := r.Counts()
	fmt.Fprintf(w, "# kmsmac conformance report\n\nTarget: %s  \nScenarios: %d passed, %d failed, %d unverified deviations, %d skipped  \nWall time: %s\n\n",
		r.Target, c[Passed], c[Failed], c[Deviation], c[Skipped], r.Wall.Round(1e6))
	type row struct{ id, title, status, exp, obs string }
	var rows []row
	ran := map[string]bool{}
	for _, s := range r.Scenarios {
		ids := s.Rules
		if len(ids) == 0 {
			ids = []string{"-"}
		}
		exp := strings.Join(s.Expected, "; ")
		obs := s.Observed
		if s.Status == Skipped || s.Status == Deviation {
			obs = s.Reason
		}
		for _, id := range ids {
			ran[id] = true
			rows = append(rows, row{id, titles[id], string(s.Status), clip(exp, 400), clip(obs, 600)})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return ruleLess(rows[i].id, rows[j].id) })

	// One line per rule: the worst status among its scenarios.
	rank := map[string]int{string(Failed): 3, string(Deviation): 2, string(Passed): 1, string(Skipped): 0}
	type agg struct {
		status string
		n      int
	}
	perRule := map[string]*agg{}
	var ids []string
	for _, x := range rows {
		a := perRule[x.id]
		if a == nil {
			a = &agg{status: x.status}
			perRule[x.id] = a
			ids = append(ids, x.id)
		}
		a.n++
		if rank[x.status] > rank[a.status] {
			a.status = x.status
		}
	}
	lv := Levels()
	fmt.Fprintln(w, "## By rule\n\n| Rule | Title | Level | Status | Scenarios |\n|---|---|---|---|---|")
	for _, id := range ids {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d |\n", id, cell(titles[id]), cell(lv[id].Raw), perRule[id].status, perRule[id].n)
	}
	fmt.Fprint(w, "\n## By scenario\n\n| Rule | Title | Status | Expected | Observed |\n|---|---|---|---|---|\n")
	for _, x := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", x.id, cell(x.title), x.status, cell(x.exp), cell(x.obs))
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
