package results

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

type xSuites struct {
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []xSuite `xml:"testsuite"`
}

type xSuite struct {
	Name     string  `xml:"name,attr"`
	Tests    int     `xml:"tests,attr"`
	Failures int     `xml:"failures,attr"`
	Skipped  int     `xml:"skipped,attr"`
	Time     string  `xml:"time,attr"`
	Cases    []xCase `xml:"testcase"`
}

type xCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	Time      string `xml:"time,attr"`
	Failure   *struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Skipped *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
	SystemOut string `xml:"system-out"`
}

func sampleResult(strict bool) Result {
	return Result{Target: "t", Strict: strict, Wall: 2 * time.Second, Scenarios: []ScenarioResult{
		{Feature: "a.feature", Name: "ok", Rules: []string{"GM-OK-1", "KID-4"}, Status: Passed, Duration: time.Millisecond},
		{Feature: "a.feature", Name: "bad <&\x01>", Rules: []string{"STATE-2"}, Status: Failed,
			Reason: "long reason", Short: "expected DisabledException; observed 200",
			Expected: []string{"fails with DisabledException"}, Observed: "200 OK", Request: "GenerateMac {}"},
		{Feature: "b.feature", Name: "dev", Rules: []string{"WIRE-8"}, Status: Deviation, Reason: "message case differs"},
		{Feature: "b.feature", Name: "skip", Status: Skipped, Reason: "@reference-only: needs controls"},
	}}
}

func TestWriteJUnit(t *testing.T) {
	for _, strict := range []bool{false, true} {
		r := sampleResult(strict)
		var buf bytes.Buffer
		if err := r.WriteJUnit(&buf); err != nil {
			t.Fatal(err)
		}
		var doc xSuites
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("strict=%v: not XML: %v\n%s", strict, err, buf.String())
		}
		c := r.Counts()
		wantFail := c[Failed]
		if strict {
			wantFail += c[Deviation]
		}
		skipped := 0
		for _, su := range doc.Suites {
			skipped += su.Skipped
		}
		if doc.Tests != len(r.Scenarios) || doc.Failures != wantFail || skipped != c[Skipped] || doc.Skipped != 0 {
			t.Fatalf("strict=%v: tests/failures/skipped %d/%d/%d (testsuites@skipped %d, not in the schema), want %d/%d/%d", strict,
				doc.Tests, doc.Failures, skipped, doc.Skipped, len(r.Scenarios), wantFail, c[Skipped])
		}
		if bytes.Contains(buf.Bytes(), []byte(` status="`)) {
			t.Errorf("testcase@status is not in junit-10.xsd:\n%s", buf.String())
		}
		if len(doc.Suites) != 2 || doc.Suites[0].Name != "a.feature" || doc.Suites[1].Name != "b.feature" {
			t.Fatalf("suites: %+v", doc.Suites)
		}
		sum := 0
		for _, s := range doc.Suites {
			if s.Tests != len(s.Cases) || s.Time == "" {
				t.Errorf("suite %s: tests=%d, %d cases, time %q", s.Name, s.Tests, len(s.Cases), s.Time)
			}
			sum += s.Failures
		}
		if sum != doc.Failures {
			t.Errorf("suite failures sum %d != %d", sum, doc.Failures)
		}
		cases := append(doc.Suites[0].Cases, doc.Suites[1].Cases...)
		for i, sc := range r.Scenarios {
			x := cases[i]
			for _, id := range sc.Rules {
				if !strings.Contains(x.Name, id) {
					t.Errorf("case %q lacks rule id %s", x.Name, id)
				}
			}
			if x.Classname != sc.Feature || x.Time == "" {
				t.Errorf("case %q: classname %q time %q", x.Name, x.Classname, x.Time)
			}
		}
		if cases[0].Name != "[GM-OK-1 KID-4] ok" || cases[0].Failure != nil || cases[0].Skipped != nil {
			t.Errorf("passed case: %+v", cases[0])
		}
		f := cases[1].Failure
		if f == nil || f.Message != "expected DisabledException; observed 200" ||
			!strings.Contains(f.Text, "expected: fails with DisabledException") || !strings.Contains(f.Text, "observed: 200 OK") {
			t.Errorf("failed case: %+v", cases[1])
		}
		if cases[3].Skipped == nil || cases[3].Skipped.Message != "@reference-only: needs controls" || cases[3].Failure != nil {
			t.Errorf("skipped case: %+v", cases[3])
		}
		dev := cases[2]
		if strict && (dev.Failure == nil || !strings.Contains(dev.Failure.Message, "message case differs")) {
			t.Errorf("strict deviation should fail: %+v", dev)
		}
		if !strict && (dev.Failure != nil || !strings.Contains(dev.SystemOut, "message case differs")) {
			t.Errorf("deviation should pass with a note: %+v", dev)
		}
	}
}

// A failure's body shows request, expected and observed once.
func TestJUnitFailureOnce(t *testing.T) {
	r := Result{Target: "t", Scenarios: []ScenarioResult{{Feature: "a.feature", Name: "bad", Rules: []string{"STATE-2"}, Status: Failed,
		Reason:   "\n  request:  GenerateMac via sdk {}\n  expected: DisabledException (HTTP 400)\n  observed: HTTP 200 {}\n  evidence: STATE-2 (D/S)",
		Expected: []string{"DisabledException (HTTP 400)"}, Observed: "HTTP 200 {}", Request: "GenerateMac via sdk {}",
		RuleOutcomes: []RuleOutcome{{Rule: "STATE-2", Status: Failed, Expected: "DisabledException (HTTP 400)", Observed: "HTTP 200 {}"}}}}}
	var buf bytes.Buffer
	if err := r.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var doc xSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	f := doc.Suites[0].Cases[0].Failure
	if f == nil || strings.Count(f.Text, "expected: ") != 1 || strings.Count(f.Text, "request: ") != 1 || !strings.HasPrefix(f.Message, "STATE-2: expected") {
		t.Errorf("failure %+v", f)
	}
}
