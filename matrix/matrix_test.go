package matrix

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/results"
)

func rule(id string, st results.Status) results.JSONRule {
	return results.JSONRule{ID: id, Title: "title of " + id, Level: "D", Status: st, Scenarios: map[results.Status]int{st: 1}}
}

func input(name string, rules ...results.JSONRule) Input {
	return Input{Name: name, File: name + ".json", Report: results.JSONReport{Format: Format, Run: results.JSONRun{Target: "t-" + name}, Rules: rules}}
}

func TestMatrixFormatMatchesSteps(t *testing.T) {
	if got := (results.Result{}).JSON().Format; got != Format {
		t.Fatalf("steps writes format %q, matrix reads %q", got, Format)
	}
}

func TestMatrixOrderSectionsAndNotRun(t *testing.T) {
	a := input("a", rule("WIRE-1", results.Passed), rule("WIRE-2", results.Failed), rule("MAC-SIZE-2", results.Passed), rule("MAC-SIZE-10", results.Deviation))
	// b lacks WIRE-2 and has MAC-SIZE-3, which must land after MAC-SIZE-2 (its predecessor in b).
	b := input("b", rule("WIRE-1", results.Failed), rule("MAC-SIZE-2", results.Blocked), rule("MAC-SIZE-3", results.Passed), rule("MAC-SIZE-10", results.Skipped))
	m, err := Build([]Input{a, b})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range m.Sections {
		got = append(got, s.Prefix+":")
		for _, r := range s.Rules {
			got = append(got, r.ID)
		}
	}
	want := "WIRE: WIRE-1 WIRE-2 MAC-SIZE: MAC-SIZE-2 MAC-SIZE-3 MAC-SIZE-10"
	if strings.Join(got, " ") != want {
		t.Fatalf("order %q, want %q", strings.Join(got, " "), want)
	}
	if c := m.Sections[0].Rules[1].Cells[1]; c.Status != NotRun {
		t.Errorf("WIRE-2 on b = %q, want %q", c.Status, NotRun)
	}
	if c := m.Sections[1].Rules[1].Cells[0]; c.Status != NotRun {
		t.Errorf("MAC-SIZE-3 on a = %q, want %q", c.Status, NotRun)
	}
	if !m.Sections[0].Rules[0].Differs() {
		t.Error("WIRE-1 passed on a and failed on b: Differs() = false")
	}
	if m.Sections[1].Title == "" || !strings.Contains(m.Sections[0].Title, "Wire protocol") {
		t.Errorf("section titles from RULES.md: %q, %q", m.Sections[0].Title, m.Sections[1].Title)
	}
}

func TestMatrixScores(t *testing.T) {
	a := input("a", rule("WIRE-1", results.Passed), rule("WIRE-2", results.Failed), rule("WIRE-3", results.Deviation),
		rule("WIRE-4", results.Blocked), rule("WIRE-5", results.NotReached), rule("WIRE-6", results.Skipped), rule("KID-1", results.Passed))
	b := input("b", rule("WIRE-1", results.Passed), rule("WIRE-2", results.Passed))
	m, err := Build([]Input{a, b})
	if err != nil {
		t.Fatal(err)
	}
	wire := m.Sections[0].Scores
	// judged = passed + failed + unverified deviation; the rest says nothing.
	if wire[0].Passed != 1 || wire[0].Judged != 3 {
		t.Errorf("WIRE on a = %d/%d, want 1/3", wire[0].Passed, wire[0].Judged)
	}
	if wire[1].Passed != 2 || wire[1].Judged != 2 || wire[1].Counts[NotRun] != 4 {
		t.Errorf("WIRE on b = %d/%d, %d not run; want 2/2, 4", wire[1].Passed, wire[1].Judged, wire[1].Counts[NotRun])
	}
	if tot := m.Totals[0]; tot.Passed != 2 || tot.Judged != 4 {
		t.Errorf("total on a = %d/%d, want 2/4", tot.Passed, tot.Judged)
	}
	if tot := m.Totals[1]; tot.Passed != 2 || tot.Judged != 2 || tot.Counts[NotRun] != 5 {
		t.Errorf("total on b = %d/%d (%v), want 2/2 and 5 not run", tot.Passed, tot.Judged, tot.Counts)
	}
	var md bytes.Buffer
	if err := m.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| [WIRE](#wire) §1 Wire protocol (awsJson1_1) | 6 | 1 / 3 | 2 / 2 |", "| **All** | 7 | **2 / 4** | **2 / 2** |",
		"| WIRE-3 | title of WIRE-3 | D | unverified deviation | not run |", "| not run | 0 | 5 |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md.String())
		}
	}
}

func TestMatrixDuplicateLabels(t *testing.T) {
	_, err := Build([]Input{input("a"), input("a")})
	if err == nil || !strings.Contains(err.Error(), "NAME=FILE") {
		t.Fatalf("duplicate labels: err = %v", err)
	}
}

func TestMatrixLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"format":"kmsmac-conform/1","run":{"target":"http://127.0.0.1:1"},"rules":[{"id":"WIRE-1","status":"passed"}]}`)
	in, err := Load(good)
	if err != nil || in.Name != "http://127.0.0.1:1" || len(in.Report.Rules) != 1 {
		t.Fatalf("Load(good) = %+v, %v", in, err)
	}
	if in, err = Load("moto=" + good); err != nil || in.Name != "moto" || in.File != good {
		t.Fatalf("Load(moto=good) = %q %q, %v", in.Name, in.File, err)
	}
	eq := write("a=b.json", `{"format":"kmsmac-conform/1","run":{"target":"x"}}`)
	if in, err = Load(eq); err != nil || in.Name != "x" {
		t.Fatalf("a file whose name has '=': %q, %v", in.Name, err)
	}

	if _, err := Load(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	for name, body := range map[string]string{
		"report.md":  "# kmsmac conformance report\n",
		"other.json": `{"rules":[]}`,
		"junit.json": `{"format":"junit"}`,
	} {
		if _, err := Load(write(name, body)); !errors.Is(err, ErrNotReport) {
			t.Errorf("%s: err = %v, want ErrNotReport", name, err)
		}
	}
	_, err = Load(write("v2.json", `{"format":"kmsmac-conform/2"}`))
	if err == nil || !strings.Contains(err.Error(), `"kmsmac-conform/2"`) || !strings.Contains(err.Error(), `"kmsmac-conform/1"`) {
		t.Errorf("wrong version: %v", err)
	}
}

// testdata holds real runs (reference, moto, local-kms) with the
// scenarios dropped: the matrix reads only the rules.
func loadTestdata(t *testing.T) *Matrix {
	t.Helper()
	var inputs []Input
	for _, n := range []string{"reference", "moto", "local-kms"} {
		in, err := Load(n + "=testdata/" + n + ".json")
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, in)
	}
	m, err := Build(inputs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMatrixHTMLSelfContained(t *testing.T) {
	m := loadTestdata(t)
	var buf bytes.Buffer
	if err := m.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	// Report data is escaped, so tags and the style block are all ours.
	if tag := regexp.MustCompile(`<(link|img|iframe|object|embed)\b|<[a-z]+[^>]*\s(src|href)="[a-z]+:`).FindString(page); tag != "" {
		t.Errorf("page refers to an external asset: %q", tag)
	}
	style := page[strings.Index(page, "<style>"):strings.Index(page, "</style>")]
	for _, bad := range []string{"@import", "url(", "@font-face"} {
		if strings.Contains(style, bad) {
			t.Errorf("style refers to an external asset: contains %q", bad)
		}
	}
	for _, want := range []string{`<table class="matrix"`, `<th scope="col" class="ep">moto`, `id="r-MAC-SIZE-1"`,
		`<option value="MAC-SIZE">`, `<option value="failed">`, "<svg", `class="expected"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(page, `<tr class="rule"`); n != m.Rules() {
		t.Errorf("%d rule rows, want %d", n, m.Rules())
	}
}

func TestMatrixInline(t *testing.T) {
	if got := string(inline("a `<b>` and **c** `d")); got != "a <code>&lt;b&gt;</code> and c `d" {
		t.Errorf("inline = %q", got)
	}
}
