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
// (the AMB points are advice, not rules), with the same evidence levels:
// both sides reduced to their set of level letters (levelLetters), so that
// the catalogue's "D (code) / I (text)" matches the index's "D / I".
func catalogueProblems(idx map[string]indexEntry, catalogue string) []string {
	var problems []string
	seen := map[string]bool{}
	for _, line := range strings.Split(catalogue, "\n") {
		m := indexRow.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(m[1], "AMB-") {
			continue
		}
		seen[m[1]] = true
		e, ok := idx[m[1]]
		if !ok {
			problems = append(problems, "rules.md has "+m[1]+" but RULES.md does not")
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		cat := strings.TrimSpace(cells[len(cells)-1])
		if want, got := levelLetters(cat), levelLetters(e.level); want != got {
			problems = append(problems, fmt.Sprintf("%s: rules.md gives level %q (%s), RULES.md %q (%s)", m[1], cat, want, e.level, got))
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

var levelLetter = regexp.MustCompile(`\b[DSOIT]\b`)

// levelLetters is the set of standalone evidence letters in a level, in a
// fixed order: "I (derived)" is "I", "D (code) / I (text)" is "D,I",
// "S; I for the MAC operations" is "S,I".
func levelLetters(level string) string {
	set := map[string]bool{}
	for _, l := range levelLetter.FindAllString(level, -1) {
		set[l] = true
	}
	var out []string
	for _, l := range []string{"D", "S", "O", "I", "T"} {
		if set[l] {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ",")
}

// stepRules is a step's trailing rule annotation (steps.SplitStepRules;
// the steps package imports this one, so the pattern is repeated here).
var stepRules = regexp.MustCompile(`\s+\[\s*([A-Z]+(?:-[A-Z]+)?-[0-9]+(?:\s*,\s*[A-Z]+(?:-[A-Z]+)?-[0-9]+)*)\s*\]\s*$`)

// annotationProblems: a step's annotation "[KID-4]" charges its checks to
// the rules named, so each must be one of the scenario's rule tags (a rule
// the scenario is not tagged with would never get a verdict).
func annotationProblems(pickles map[string][]*messages.Pickle) []string {
	var problems []string
	for f, ps := range pickles {
		for _, p := range ps {
			tags := map[string]bool{}
			for _, t := range p.Tags {
				tags[strings.TrimPrefix(t.Name, "@")] = true
			}
			for _, st := range p.Steps {
				m := stepRules.FindStringSubmatch(st.Text)
				if m == nil {
					if strings.HasSuffix(strings.TrimSpace(st.Text), "]") && strings.Contains(st.Text, " [") && !strings.Contains(st.Text, "JSON") {
						problems = append(problems, fmt.Sprintf("%s: scenario %q, step %q: a malformed rule annotation (want \"[ID]\" or \"[ID, ID]\")", f, p.Name, st.Text))
					}
					continue
				}
				for _, id := range strings.Split(m[1], ",") {
					if id = strings.TrimSpace(id); !tags[id] {
						problems = append(problems, fmt.Sprintf("%s: scenario %q, step %q names %s, which is not among the scenario's tags", f, p.Name, st.Text, id))
					}
				}
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// softProblems: @unverified is for scenarios whose evidence is inferred.
// A scenario tagged @unverified must carry a rule whose code level is I or
// T, or a split-level rule (it checks the inferred part); every other
// rule of level D, S or O asserts hard.
func softProblems(idx map[string]indexEntry, pickles map[string][]*messages.Pickle) []string {
	var problems []string
	for f, ps := range pickles {
		for _, p := range ps {
			unverified, justified := false, false
			var rules []string
			for _, tag := range p.Tags {
				if tag.Name == "@unverified" {
					unverified = true
				}
				e, ok := idx[strings.TrimPrefix(tag.Name, "@")]
				if !ok || !ruleID.MatchString(tag.Name) {
					continue
				}
				rules = append(rules, tag.Name)
				recorded, inferred := splitLevel(e.level)
				code := strings.SplitN(recorded, " / ", 2)[0]
				if inferred != "" || !strings.ContainsAny(code, "DSO") {
					justified = true
				}
			}
			if unverified && !justified {
				problems = append(problems, fmt.Sprintf("%s: scenario %q is @unverified, but its rules %s all have recorded (D/S/O) evidence: they assert hard",
					f, p.Name, strings.Join(rules, " ")))
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// Capability tags describe what a scenario needs from the endpoint, so
// that users can select with --tags; they never skip (a missing capability
// blocks the scenario). needs lists the step patterns that show each one.
var needs = map[string]*regexp.Regexp{
	// (a raw KmsmacReference.* control is @reference-only's business)
	"@raw-wire": regexp.MustCompile(`^I call [A-Za-z<>]+ raw with:$|^I send a raw |^I send an HTTP `),
	"@aliases":  regexp.MustCompile(`^an alias "|^alias "[^"]+" reaches key|^I call (CreateAlias|UpdateAlias|DeleteAlias|ListAliases)\b`),
	"@grants":   regexp.MustCompile(`^a grant "|^I create a grant |^(I call|the (second|other-account) principal calls) (CreateGrant|ListGrants|RetireGrant|RevokeGrant)\b`),
	"@import": regexp.MustCompile(`without key material$|with imported material of|^I import material |imported key per distinct key|` +
		`^I call (GetParametersForImport|ImportKeyMaterial|DeleteImportedKeyMaterial)\b`),
}

// opaque steps run calls the step text does not show (property and model
// checks): their capability tags are taken as declared.
var opaque = regexp.MustCompile(`^I check the (property|model)\b`)

// capabilityProblems: a scenario whose steps use a capability carries its
// tag, and a scenario that carries one uses it.
func capabilityProblems(pickles map[string][]*messages.Pickle) []string {
	var problems []string
	for f, ps := range pickles {
		for _, p := range ps {
			tags := map[string]bool{}
			for _, t := range p.Tags {
				tags[t.Name] = true
			}
			used, hidden := map[string]bool{}, false
			for _, st := range p.Steps {
				text := stepRules.ReplaceAllString(st.Text, "")
				hidden = hidden || opaque.MatchString(text)
				for tag, re := range needs {
					if re.MatchString(text) || tag == "@import" && usesExternalOrigin(st) {
						used[tag] = true
					}
				}
			}
			for tag := range needs {
				switch {
				case used[tag] && !tags[tag]:
					problems = append(problems, fmt.Sprintf("%s: scenario %q needs %s but is not tagged with it", f, p.Name, tag))
				case tags[tag] && !used[tag] && !hidden:
					problems = append(problems, fmt.Sprintf("%s: scenario %q is tagged %s but no step uses it", f, p.Name, tag))
				}
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// usesExternalOrigin: a request table with Origin EXTERNAL (CreateKey of a
// key for imported material).
func usesExternalOrigin(st *messages.PickleStep) bool {
	if st.Argument == nil || st.Argument.DataTable == nil {
		return false
	}
	for _, r := range st.Argument.DataTable.Rows {
		if len(r.Cells) == 2 && r.Cells[0].Value == "Origin" && r.Cells[1].Value == "EXTERNAL" {
			return true
		}
	}
	return false
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

func TestStepAnnotations(t *testing.T) {
	_, ps := embedded(t)
	for _, p := range annotationProblems(ps) {
		t.Error(p)
	}
}

func TestUnverifiedOnlyForInferredEvidence(t *testing.T) {
	idx, ps := embedded(t)
	for _, p := range softProblems(idx, ps) {
		t.Error(p)
	}
}

func TestCapabilityTags(t *testing.T) {
	_, ps := embedded(t)
	for _, p := range capabilityProblems(ps) {
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
	cat := catalogueProblems(idx, "| A-1 | x | D |\n| AMB-1 | x |\n| C-1 | x | D |\n"+
		"| A-4 | x | out | src | D (code) / I (text) |\n| A-9 | x | D (I for truncation) |\n| A-10 | x | S (I for the MAC operations) |\n")
	catText := strings.Join(cat, "\n")
	if !strings.Contains(catText, "rules.md has C-1") || !strings.Contains(catText, "RULES.md has A-2") ||
		strings.Contains(catText, "AMB-1") || !strings.Contains(catText, `A-4: rules.md gives level "D (code) / I (text)" (D,I), RULES.md "S" (S)`) {
		t.Errorf("catalogue problems = %q", cat)
	}
	for _, ok := range []string{"A-1:", "A-9:", "A-10:"} {
		if strings.Contains(catText, ok) {
			t.Errorf("catalogue levels flagged %s wrongly:\n%s", ok, catText)
		}
	}
	for level, want := range map[string]string{"I (derived)": "I", "D (code) / I (text)": "D,I", "S; I for the MAC operations": "S,I",
		"D (EnableKeyRotation); I (DisableKeyRotation)": "D,I", "S/D": "D,S", "—": "none", "D (code I)": "D,I"} {
		if got := levelLetters(level); got != want {
			t.Errorf("levelLetters(%q) = %s, want %s", level, got, want)
		}
	}

	more, _ := parsePickles(map[string][]byte{"c.feature": []byte(`Feature: h
  @A-1 @A-4
  Scenario: annotated
    When I call GenerateMac with:
      | KeyId | key:K |
    Then the call succeeds [A-1]
    And the response "KeyId" is "x" [A-4, A-7]
    And the response "Mac" is 32 bytes [ A-1 ,A-4 ]
    And the response "X" equals JSON []
    And the response "Y" is "z" [a-1]
  @A-1 @unverified
  Scenario: soft without reason
    Given x
  @A-5 @unverified
  Scenario: soft with an inferred rule
    Given x
  @A-9 @unverified
  Scenario: soft for a split rule
    Given x
  @A-1
  Scenario: raw without the tag
    When I call GenerateMac raw with:
      | KeyId | key:K |
    And I call KmsmacReference.SetKeyState raw with:
      | KeyId | key:K |
  @A-1 @aliases @raw-wire
  Scenario: aliases tagged, used
    Given an alias "A" for key "K"
    When I send a raw GenerateMac request with body:
      """
      {}
      """
  @A-1 @grants
  Scenario: grants tagged, unused
    Given x
  @A-1
  Scenario: import without the tag
    When I call CreateKey with:
      | KeySpec | HMAC_256 |
      | Origin  | EXTERNAL |
  @A-1 @import @grants
  Scenario: declared behind a property check
    When I check the property "KnownAnswer" with 10 generated cases
`)})
	ann := strings.Join(annotationProblems(more), "\n")
	for _, want := range []string{
		`"annotated", step "the response \"KeyId\" is \"x\" [A-4, A-7]" names A-7`,
		`step "the response \"Y\" is \"z\" [a-1]": a malformed rule annotation`,
	} {
		if !strings.Contains(ann, want) {
			t.Errorf("annotation problems lack %q:\n%s", want, ann)
		}
	}
	if n := strings.Count(ann, "\n") + 1; n != 2 {
		t.Errorf("%d annotation problems, want 2:\n%s", n, ann)
	}
	soft := strings.Join(softProblems(idx, more), "\n")
	if !strings.Contains(soft, `"soft without reason" is @unverified, but its rules @A-1`) || strings.Count(soft, "\n") != 0 {
		t.Errorf("soft problems = %s", soft)
	}
	capab := strings.Join(capabilityProblems(more), "\n")
	for _, want := range []string{
		`"raw without the tag" needs @raw-wire`,
		`"grants tagged, unused" is tagged @grants but no step uses it`,
		`"import without the tag" needs @import`,
	} {
		if !strings.Contains(capab, want) {
			t.Errorf("capability problems lack %q:\n%s", want, capab)
		}
	}
	if n := strings.Count(capab, "\n") + 1; n != 3 {
		t.Errorf("%d capability problems, want 3:\n%s", n, capab)
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
