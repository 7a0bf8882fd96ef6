package features

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
)

var (
	ruleID   = regexp.MustCompile(`^@[A-Z]+(-[A-Z]+)?-[0-9]+$`)
	indexRow = regexp.MustCompile(`^\|\s*([A-Z]+(?:-[A-Z]+)?-[0-9]+)\s*\|`)
	// inferredPart is the only accepted form of a level's inferred part:
	// "D; I for truncation" (the catalogue's "D (I for ...)" must be rewritten).
	inferredPart = regexp.MustCompile(`^[IT] for \S`)
)

// recordedPart marks a scenario that asserts only the recorded part of its
// split-level rules (steps.RecordedPart).
const recordedPart = "@recorded-part"

// splitLevel cuts a level "X; I for <part>" into its recorded level and its
// inferred part ("" when the whole rule has one level).
func splitLevel(level string) (recorded, inferred string) {
	r, i, _ := strings.Cut(level, ";")
	return strings.TrimSpace(r), strings.TrimSpace(i)
}

type indexEntry struct{ level, where string }

// parseIndex reads RULES.md: id -> level and "checked in" column.
func parseIndex(md string) (map[string]indexEntry, []string) {
	out, problems := map[string]indexEntry{}, []string(nil)
	for i, line := range strings.Split(md, "\n") {
		if !indexRow.MatchString(line) {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 4 {
			problems = append(problems, fmt.Sprintf("RULES.md line %d: want 4 columns (ID | Rule | Level | Checked in), got %d", i+1, len(cells)))
			continue
		}
		id, level := strings.TrimSpace(cells[0]), strings.TrimSpace(cells[2])
		if rec, inf := splitLevel(level); strings.Contains(rec, "(") || strings.Contains(level, ";") && !inferredPart.MatchString(inf) {
			problems = append(problems, fmt.Sprintf("RULES.md line %d: %s level %q: write an inferred part as \"X; I for <part>\"", i+1, id, level))
		}
		if _, dup := out[id]; dup {
			problems = append(problems, "RULES.md lists "+id+" twice")
		}
		out[id] = indexEntry{level: strings.TrimSpace(cells[2]), where: strings.TrimSpace(cells[3])}
	}
	if len(out) == 0 {
		problems = append(problems, "RULES.md has no rule rows")
	}
	return out, problems
}

// parsePickles compiles feature files into scenarios (outlines expanded,
// tags inherited from Feature, Rule and Examples).
func parsePickles(files map[string][]byte) (map[string][]*messages.Pickle, []string) {
	out, problems := map[string][]*messages.Pickle{}, []string(nil)
	for f, b := range files {
		doc, err := gherkin.ParseGherkinDocument(strings.NewReader(string(b)), (&messages.Incrementing{}).NewId)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", f, err))
			continue
		}
		out[f] = gherkin.Pickles(*doc, f, (&messages.Incrementing{}).NewId)
	}
	return out, problems
}

// coverageProblems: every rule has a tagged scenario or a status, every
// rule tag is a rule, and the "checked in" files are exactly the files that
// tag the rule. A cell "files; pending: <what>" (or "; not observable: ...")
// says that part of a checked rule is not checked yet.
func coverageProblems(idx map[string]indexEntry, pickles map[string][]*messages.Pickle) []string {
	var problems []string
	tagged := map[string]map[string]bool{} // id -> files
	for f, ps := range pickles {
		for _, p := range ps {
			for _, tag := range p.Tags {
				if !ruleID.MatchString(tag.Name) {
					continue
				}
				id := tag.Name[1:]
				if _, ok := idx[id]; !ok {
					problems = append(problems, fmt.Sprintf("%s: scenario %q is tagged %s, which is not a rule in RULES.md", f, p.Name, tag.Name))
					continue
				}
				if tagged[id] == nil {
					tagged[id] = map[string]bool{}
				}
				tagged[id][f] = true
			}
		}
	}
	isStatus := func(s string) bool {
		return strings.HasPrefix(s, "not observable:") || strings.HasPrefix(s, "pending:")
	}
	for id, e := range idx {
		// A status may itself contain ';'; only a file list is cut there.
		where, partial, hasPartial := e.where, "", false
		status := isStatus(where)
		if !status {
			where, partial, hasPartial = strings.Cut(e.where, ";")
			where, partial = strings.TrimSpace(where), strings.TrimSpace(partial)
		}
		files := tagged[id]
		switch {
		case hasPartial && !isStatus(partial):
			problems = append(problems, fmt.Sprintf("%s: 'Checked in' %q: write \"<files>; pending: <what>\" for a partly checked rule", id, e.where))
		case len(files) == 0 && !status:
			problems = append(problems, fmt.Sprintf("%s: no scenario carries @%s and RULES.md gives no 'not observable:' or 'pending:' status", id, id))
		case len(files) > 0 && status:
			problems = append(problems, fmt.Sprintf("%s: tagged in %s but RULES.md says %q", id, keys(files), e.where))
		case len(files) > 0:
			named := map[string]bool{}
			for _, w := range strings.Split(where, ",") {
				if w = strings.TrimSpace(w); w == "" {
					continue
				}
				if !files[w] {
					problems = append(problems, fmt.Sprintf("%s: RULES.md says it is checked in %s, but no scenario there carries @%s", id, w, id))
				}
				named[w] = true
			}
			if len(named) == 0 {
				problems = append(problems, fmt.Sprintf("%s: tagged in %s; name the file(s) in RULES.md's 'Checked in' column", id, keys(files)))
				continue
			}
			for f := range files {
				if !named[f] {
					problems = append(problems, fmt.Sprintf("%s: tagged in %s, which RULES.md's 'Checked in' column does not name", id, f))
				}
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// unverifiedProblems: a scenario whose weakest rule has an inferred or
// third-party code level must say so with @unverified. A rule whose level
// has an inferred part ("D; I for truncation") may be checked hard only by
// a scenario that declares @recorded-part (it checks the recorded part
// only); its inferred part must be checked by some @unverified scenario.
func unverifiedProblems(idx map[string]indexEntry, pickles map[string][]*messages.Pickle) []string {
	var problems []string
	softly := map[string]bool{} // split rules with an @unverified scenario
	splitTagged := map[string]string{}
	for f, ps := range pickles {
		for _, p := range ps {
			unverified, marked, weak := false, false, ""
			var split []string
			for _, tag := range p.Tags {
				switch tag.Name {
				case "@unverified":
					unverified = true
				case recordedPart:
					marked = true
				}
				e, ok := idx[strings.TrimPrefix(tag.Name, "@")]
				if !ok || !ruleID.MatchString(tag.Name) {
					continue
				}
				recorded, inferred := splitLevel(e.level)
				code := strings.SplitN(recorded, " / ", 2)[0]
				if !strings.ContainsAny(code, "DSO") && strings.ContainsAny(code, "IT") {
					weak = tag.Name
				}
				if inferred != "" {
					split = append(split, tag.Name)
				}
			}
			if weak != "" && !unverified {
				problems = append(problems, fmt.Sprintf("%s: scenario %q checks %s (inferred evidence) but is not tagged @unverified", f, p.Name, weak))
			}
			for _, r := range split {
				splitTagged[r] = f
				if unverified {
					softly[r] = true
				} else if !marked {
					problems = append(problems, fmt.Sprintf("%s: scenario %q checks %s, whose level %q has an inferred part, hard: tag it @unverified, or %s if it checks only the recorded part",
						f, p.Name, r, idx[r[1:]].level, recordedPart))
				}
			}
			if marked && len(split) == 0 {
				problems = append(problems, fmt.Sprintf("%s: scenario %q is tagged %s but none of its rules has an inferred part", f, p.Name, recordedPart))
			}
		}
	}
	for r, f := range splitTagged {
		if !softly[r] {
			problems = append(problems, fmt.Sprintf("%s: the inferred part of %s (%q) has no @unverified scenario (tagged in %s)", r[1:], r, idx[r[1:]].level, f))
		}
	}
	sort.Strings(problems)
	return problems
}

// catalogueProblems: the index lists exactly the rules of rules.md
// (the AMB points are advice, not rules).
func catalogueProblems(idx map[string]indexEntry, catalogue string) []string {
	var problems []string
	seen := map[string]bool{}
	for _, line := range strings.Split(catalogue, "\n") {
		m := indexRow.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(m[1], "AMB-") {
			continue
		}
		seen[m[1]] = true
		if _, ok := idx[m[1]]; !ok {
			problems = append(problems, "rules.md has "+m[1]+" but RULES.md does not")
		}
	}
	for id := range idx {
		if !seen[id] {
			problems = append(problems, "RULES.md has "+id+", which rules.md does not define")
		}
	}
	sort.Strings(problems)
	return problems
}

func embedded(t *testing.T) (map[string]indexEntry, map[string][]*messages.Pickle) {
	t.Helper()
	idx, problems := parseIndex(RulesMD)
	files, err := fs.Glob(FS, "*.feature")
	if err != nil || len(files) == 0 {
		t.Fatalf("no embedded feature files (%v)", err)
	}
	contents := map[string][]byte{}
	for _, f := range files {
		if contents[f], err = FS.ReadFile(f); err != nil {
			t.Fatal(err)
		}
	}
	ps, more := parsePickles(contents)
	for _, p := range append(problems, more...) {
		t.Error(p)
	}
	return idx, ps
}

func TestRuleIndexCoversEveryRule(t *testing.T) {
	idx, ps := embedded(t)
	for _, p := range coverageProblems(idx, ps) {
		t.Error(p)
	}
}

func TestUnverifiedTag(t *testing.T) {
	idx, ps := embedded(t)
	for _, p := range unverifiedProblems(idx, ps) {
		t.Error(p)
	}
}

func TestIndexMatchesCatalogue(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "spec", "rules.md"))
	if err != nil {
		t.Skip("rules.md not found next to the repository:", err)
	}
	idx, _ := embedded(t)
	for _, p := range catalogueProblems(idx, string(b)) {
		t.Error(p)
	}
}

// TestChecksCatchMistakes feeds each check a small broken index and
// feature, so the checks above are known to be able to fail.
func TestChecksCatchMistakes(t *testing.T) {
	idx, problems := parseIndex(`| ID | Rule | Level | Checked in |
|---|---|---|---|
| A-1 | tagged and named | D | a.feature |
| A-2 | nothing | D |  |
| A-3 | pending but tagged | D | pending: later |
| A-4 | named in the wrong file | S | b.feature |
| A-5 | inferred | I | a.feature |
| A-6 | tagged, not named | D |  |
| A-7 | not observable | D | not observable: why |
| A-8 | too many columns | D | a.feature | x |
| A-9 | split, hard without the marker | D; I for truncation | a.feature |
| A-10 | split, marked and softly checked | S; I for the MAC operations | a.feature |
| A-11 | split, never checked softly | D; I for the range | a.feature |
| A-12 | catalogue form | D (I for truncation) | a.feature |
| A-13 | a ';' that is not an inferred part | D; S for DescribeKey | a.feature |
| A-14 | partly pending | D | a.feature; pending: a second Region |
| A-15 | tagged in a file not named | D | a.feature |
| A-16 | a file list with a note that is not a status | D | a.feature; later |
`)
	if len(problems) != 3 || !strings.Contains(problems[0], "want 4 columns") ||
		!strings.Contains(problems[1], `A-12 level "D (I for truncation)"`) || !strings.Contains(problems[2], "A-13 level") {
		t.Errorf("parseIndex problems = %q", problems)
	}
	ps, perr := parsePickles(map[string][]byte{"a.feature": []byte(`Feature: f
  @A-1 @A-3 @A-4 @A-6 @B-9
  Scenario: one
    Given x
  @A-5
  Scenario: inferred without the tag
    Given x
  @A-5 @unverified
  Scenario: inferred with the tag
    Given x
  @A-9
  Scenario: split without the marker
    Given x
  @A-9 @A-10 @unverified
  Scenario: split checked softly
    Given x
  @A-10 @recorded-part
  Scenario: split with the marker
    Given x
  @A-11 @recorded-part
  Scenario: split never soft
    Given x
  @A-1 @recorded-part
  Scenario: stray marker
    Given x
  @A-14 @A-15 @A-16
  Scenario: partial status
    Given x
`), "b.feature": []byte(`Feature: g
  @A-15
  Scenario: in a file RULES.md does not name
    Given x
`), "broken.feature": []byte("Scenario: no feature\n")})
	if len(perr) != 1 || !strings.Contains(perr[0], "broken.feature") {
		t.Errorf("parsePickles problems = %q", perr)
	}
	got := strings.Join(coverageProblems(idx, ps), "\n")
	for _, want := range []string{
		"A-2: no scenario carries @A-2",
		"A-3: tagged in a.feature but RULES.md says \"pending: later\"",
		"A-4: RULES.md says it is checked in b.feature",
		"A-6: tagged in a.feature; name the file(s)",
		"is tagged @B-9, which is not a rule",
		"A-15: tagged in b.feature, which RULES.md's 'Checked in' column does not name",
		`A-16: 'Checked in' "a.feature; later"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("coverage problems lack %q:\n%s", want, got)
		}
	}
	for _, ok := range []string{"A-1:", "A-5:", "A-7:", "A-14:"} {
		if strings.Contains(got, ok) {
			t.Errorf("coverage flagged %s wrongly:\n%s", ok, got)
		}
	}
	un := strings.Join(unverifiedProblems(idx, ps), "\n")
	for _, want := range []string{
		`"inferred without the tag" checks @A-5`,
		`"split without the marker" checks @A-9, whose level "D; I for truncation" has an inferred part`,
		"A-11: the inferred part of @A-11",
		`"stray marker" is tagged @recorded-part but none`,
	} {
		if !strings.Contains(un, want) {
			t.Errorf("unverified problems lack %q:\n%s", want, un)
		}
	}
	if n := strings.Count(un, "\n") + 1; n != 4 {
		t.Errorf("%d unverified problems, want 4:\n%s", n, un)
	}
	cat := catalogueProblems(idx, "| A-1 | x |\n| AMB-1 | x |\n| C-1 | x |\n")
	if !strings.Contains(strings.Join(cat, "\n"), "rules.md has C-1") || !strings.Contains(strings.Join(cat, "\n"), "RULES.md has A-2") ||
		strings.Contains(strings.Join(cat, "\n"), "AMB-1") {
		t.Errorf("catalogue problems = %q", cat)
	}
}

func keys(m map[string]bool) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
