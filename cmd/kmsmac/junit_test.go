package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/internal/motoserver"
)

// JUnit XML as CI tools read it (the Ant/Maven schema; kmsmac writes it
// itself from the run's Result, results/junit.go).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name    string      `xml:"name,attr"`
	Status  string      `xml:"status,attr"`
	Failure *junitText  `xml:"failure"`
	Skipped *junitText  `xml:"skipped"`
	Errors  []junitText `xml:"error"`
}

type junitText struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
}

// skippedInHook reports a scenario kmsmac skipped before its first step
// (a missing capability): godog writes it with an empty status and one
// <error type="skipped"> per step.
func (c junitCase) skippedInHook() bool {
	if c.Status != "" || c.Failure != nil || len(c.Errors) == 0 {
		return false
	}
	for _, e := range c.Errors {
		if e.Type != "skipped" {
			return false
		}
	}
	return true
}

// summaryCounts are the counts "kmsmac conform" prints at the end.
type summaryCounts struct{ total, passed, failed, deviations, blocked, skipped int }

var summaryLine = regexp.MustCompile(`(\d+) scenarios: (\d+) passed, (\d+) failed, (\d+) unverified deviations, (\d+) blocked, (\d+) skipped`)

func parseSummary(t *testing.T, out string) summaryCounts {
	t.Helper()
	m := summaryLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no summary line in:\n%s", out)
	}
	n := make([]int, 6)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	return summaryCounts{n[0], n[1], n[2], n[3], n[4], n[5]}
}

// conformJUnit runs "kmsmac conform" in-process with a JUnit file and
// returns the exit status, the parsed file and the printed counts.
func conformJUnit(t *testing.T, tags string, extra ...string) (int, junitSuites, summaryCounts, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "reports", "kms.xml")
	args := append([]string{"conform", "--format", "junit:" + file, "--tags", tags, "--seed", "7"}, extra...)
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	all := out.String() + errb.String()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("exit %d, no JUnit file: %v\n%s", code, err, all)
	}
	var js junitSuites
	if err := xml.Unmarshal(data, &js); err != nil {
		t.Fatalf("JUnit file does not parse: %v\n%s", err, data)
	}
	return code, js, parseSummary(t, all), all
}

// checkConsistent asserts that the totals agree with the suites, the
// test cases and the printed summary.
func checkConsistent(t *testing.T, js junitSuites, sc summaryCounts) {
	t.Helper()
	var tests, failures, skipped, cases, passed, failed, skippedCases, hookSkipped int
	for _, s := range js.Suites {
		tests, failures, skipped = tests+s.Tests, failures+s.Failures, skipped+s.Skipped
		if s.Tests != len(s.Cases) {
			t.Errorf("suite %q: tests=%d but %d test cases", s.Name, s.Tests, len(s.Cases))
		}
		for _, c := range s.Cases {
			cases++
			switch {
			case c.Name == "":
				t.Errorf("suite %q: a test case without a name", s.Name)
			case c.Status != "":
				t.Errorf("test case %q: status=%q, an attribute junit-10.xsd does not have", c.Name, c.Status)
			case c.Failure != nil:
				failed++
			case c.Skipped != nil:
				skippedCases++
			case c.skippedInHook():
				hookSkipped++
			default:
				passed++
			}
		}
	}
	checks := []struct {
		what      string
		got, want int
	}{
		{"testsuites tests vs sum of suites", js.Tests, tests},
		{"testsuites tests vs test cases", js.Tests, cases},
		{"testsuites tests vs summary scenarios", js.Tests, sc.total},
		{"testsuites failures vs sum of suites", js.Failures, failures},
		{"testsuites failures vs <failure> cases", js.Failures, failed},
		{"testsuites failures vs summary failed", js.Failures, sc.failed},
		{"testsuites@skipped (not in junit-10.xsd)", js.Skipped, 0},
		// A blocked scenario is a JUnit skip with the reason.
		{"skipped cases vs summary skipped + blocked", skippedCases + hookSkipped, sc.skipped + sc.blocked},
		// An unverified deviation passes in godog's eyes.
		{"passed cases vs summary passed + deviations", passed, sc.passed + sc.deviations},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %d != %d", c.what, c.got, c.want)
		}
	}
	t.Run("skipped scenarios marked skipped", func(t *testing.T) {
		if hookSkipped > 0 {
			t.Fatalf("%d skipped scenario(s) written godog's way (status=\"\", <error type=\"skipped\"> per step): "+
				"CI tools count them as errors or passes, not skips (summary: %d skipped)", hookSkipped, sc.skipped)
		}
		if skipped != sc.skipped+sc.blocked {
			t.Fatalf("suites skipped=%d, summary %d skipped + %d blocked", skipped, sc.skipped, sc.blocked)
		}
	})
}

// ruleIDsInNames checks that every test case names a selected rule id.
func ruleIDsInNames(t *testing.T, js junitSuites, ids ...string) {
	t.Run("rule ids in test names", func(t *testing.T) {
		var missing []string
		total := 0
		for _, s := range js.Suites {
			for _, c := range s.Cases {
				total++
				found := false
				for _, id := range ids {
					found = found || strings.Contains(c.Name, id)
				}
				if !found {
					missing = append(missing, c.Name)
				}
			}
		}
		if total == 0 || len(missing) > 0 {
			t.Fatalf("test cases without a rule id of %v: %q", ids, missing)
		}
	})
}

func TestConformJUnitReference(t *testing.T) {
	code, js, sc, all := conformJUnit(t, "@KID-4,@STATE-2")
	if code != 0 {
		t.Fatalf("exit %d against the reference\n%s", code, all)
	}
	if js.Tests == 0 || len(js.Suites) == 0 {
		t.Fatalf("empty JUnit report: %+v", js)
	}
	if js.Failures != 0 || js.Errors != 0 || sc.failed != 0 {
		t.Fatalf("failures in the reference run: %+v\n%s", js, all)
	}
	checkConsistent(t, js, sc)
	ruleIDsInNames(t, js, "KID-4", "STATE-2")
}

func TestConformJUnitMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto_server")
	}
	url := motoserver.Start(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	code, js, sc, all := conformJUnit(t, "@KID-4,@STATE-2", "--endpoint", url)
	if code != 1 {
		t.Fatalf("exit %d against moto, want 1 (it deviates on KID-4 and STATE-2)\n%s", code, all)
	}
	if js.Failures == 0 {
		t.Fatalf("no failures against moto:\n%s", all)
	}
	checkConsistent(t, js, sc)
	for _, s := range js.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil && strings.TrimSpace(c.Failure.Message) == "" {
				t.Errorf("failure of %q has no message", c.Name)
			}
		}
	}
	t.Log(fmt.Sprintf("moto: %d tests, %d failures, %d skipped", js.Tests, js.Failures, js.Skipped))

	// A @reference-only scenario is skipped against moto: the counts still
	// agree, and --fail-on any turns the skip into exit status 1.
	for policy, want := range map[string]int{"failed": 0, "any": 1} {
		code, js, sc, all := conformJUnit(t, "@STATE-7", "--endpoint", url, "--fail-on", policy)
		if code != want || sc.skipped == 0 {
			t.Fatalf("--fail-on %s: exit %d (want %d), %d skipped\n%s", policy, code, want, sc.skipped, all)
		}
		checkConsistent(t, js, sc)
	}
}
