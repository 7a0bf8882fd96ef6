package features

import (
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
)

type indexEntry struct{ level, where string }

// index reads RULES.md: id -> level and "checked in" column.
func index(t *testing.T) map[string]indexEntry {
	t.Helper()
	out := map[string]indexEntry{}
	for i, line := range strings.Split(RulesMD, "\n") {
		if !indexRow.MatchString(line) {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 4 {
			t.Errorf("RULES.md line %d: want 4 columns (ID | Rule | Level | Checked in), got %d", i+1, len(cells))
			continue
		}
		id := strings.TrimSpace(cells[0])
		if _, dup := out[id]; dup {
			t.Errorf("RULES.md lists %s twice", id)
		}
		out[id] = indexEntry{level: strings.TrimSpace(cells[2]), where: strings.TrimSpace(cells[3])}
	}
	if len(out) == 0 {
		t.Fatal("RULES.md has no rule rows")
	}
	return out
}

// pickles parses every embedded feature into its scenarios (outlines
// expanded, tags inherited from Feature and Rule).
func pickles(t *testing.T) map[string][]*messages.Pickle {
	t.Helper()
	out := map[string][]*messages.Pickle{}
	files, err := fs.Glob(FS, "*.feature")
	if err != nil || len(files) == 0 {
		t.Fatalf("no embedded feature files (%v)", err)
	}
	for _, f := range files {
		b, err := FS.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := gherkin.ParseGherkinDocument(strings.NewReader(string(b)), (&messages.Incrementing{}).NewId)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		out[f] = gherkin.Pickles(*doc, f, (&messages.Incrementing{}).NewId)
	}
	return out
}

func TestRuleIndexCoversEveryRule(t *testing.T) {
	idx := index(t)
	tagged := map[string]map[string]bool{} // id -> files
	for f, ps := range pickles(t) {
		for _, p := range ps {
			for _, tag := range p.Tags {
				if !ruleID.MatchString(tag.Name) {
					continue
				}
				id := tag.Name[1:]
				if _, ok := idx[id]; !ok {
					t.Errorf("%s: scenario %q is tagged %s, which is not a rule in RULES.md", f, p.Name, tag.Name)
					continue
				}
				if tagged[id] == nil {
					tagged[id] = map[string]bool{}
				}
				tagged[id][f] = true
			}
		}
	}
	for id, e := range idx {
		status := strings.HasPrefix(e.where, "not observable:") || strings.HasPrefix(e.where, "pending:")
		files := tagged[id]
		switch {
		case len(files) == 0 && !status:
			t.Errorf("%s: no scenario carries @%s and RULES.md gives no 'not observable:' or 'pending:' status", id, id)
		case len(files) > 0 && status:
			t.Errorf("%s: tagged in %s but RULES.md says %q", id, keys(files), e.where)
		case len(files) > 0:
			named := 0
			for _, w := range strings.Split(e.where, ",") {
				w = strings.TrimSpace(w)
				if w == "" {
					continue
				}
				if !files[w] {
					t.Errorf("%s: RULES.md says it is checked in %s, but no scenario there carries @%s", id, w, id)
				}
				named++
			}
			if named == 0 {
				t.Errorf("%s: tagged in %s; name the file(s) in RULES.md's 'Checked in' column", id, keys(files))
			}
		}
	}
}

// TestUnverifiedTag: a scenario whose weakest rule has an inferred or
// third-party code level must say so with @unverified.
func TestUnverifiedTag(t *testing.T) {
	idx := index(t)
	for f, ps := range pickles(t) {
		for _, p := range ps {
			unverified, weak := false, ""
			for _, tag := range p.Tags {
				if tag.Name == "@unverified" {
					unverified = true
				}
				if e, ok := idx[strings.TrimPrefix(tag.Name, "@")]; ok && ruleID.MatchString(tag.Name) {
					code := strings.SplitN(e.level, " / ", 2)[0]
					if !strings.ContainsAny(code, "DSO") && strings.ContainsAny(code, "IT") {
						weak = tag.Name
					}
				}
			}
			if weak != "" && !unverified {
				t.Errorf("%s: scenario %q checks %s (inferred evidence) but is not tagged @unverified", f, p.Name, weak)
			}
		}
	}
}

// TestIndexMatchesCatalogue: RULES.md lists every rule of rules.md
// (except the AMB points) when the catalogue is next to the repository.
func TestIndexMatchesCatalogue(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "spec", "rules.md"))
	if err != nil {
		t.Skip("rules.md not found next to the repository:", err)
	}
	idx := index(t)
	seen := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		m := indexRow.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(m[1], "AMB-") {
			continue
		}
		seen[m[1]] = true
		if _, ok := idx[m[1]]; !ok {
			t.Errorf("rules.md has %s but RULES.md does not", m[1])
		}
	}
	for id := range idx {
		if !seen[id] {
			t.Errorf("RULES.md has %s, which rules.md does not define", id)
		}
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
