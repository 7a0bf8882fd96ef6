package results

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kmsmac/kmsmac/internal/textutil"
)

// WriteJUnitFiles writes r as JUnit XML to every file (directories made).
func WriteJUnitFiles(files []string, r Result) error {
	for _, name := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		f, err := os.Create(name)
		if err != nil {
			return err
		}
		err = r.WriteJUnit(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing JUnit %s: %w", name, err)
		}
	}
	return nil
}

// The common JUnit schema (Ant/Maven/Surefire) that GitHub Actions
// reporters, GitLab and Jenkins read; only attributes the strict
// junit-10.xsd allows (no testsuites@skipped, no testcase@status).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure"`
	Skipped   *junitMessage `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes r as JUnit XML: one testsuite per feature file, one
// testcase per scenario named "[RULE-ID ...] scenario". Unverified
// deviations pass with a <system-out> note, or fail when r.Strict.
func (r Result) WriteJUnit(w io.Writer) error {
	doc := junitSuites{Name: "kmsmac conform against " + r.Target, Time: secs(r.Wall)}
	index := map[string]int{}
	for _, s := range r.Scenarios {
		i, ok := index[s.Feature]
		if !ok {
			i = len(doc.Suites)
			index[s.Feature] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: s.Feature})
		}
		suite := &doc.Suites[i]
		c := junitCase{Name: caseName(s), Classname: s.Feature, Time: secs(s.Duration)}
		switch {
		case s.Status == Failed:
			c.Failure = &junitMessage{Message: failMessage(s), Type: "failed", Text: evidenceText(s)}
		case s.Status == Deviation && r.Strict:
			c.Failure = &junitMessage{Message: "unverified deviation (--strict): " + textutil.Clip(oneLine(s.Reason), 500),
				Type: "unverified deviation", Text: evidenceText(s)}
		case s.Status == Deviation:
			c.SystemOut = "unverified deviation (passes without --strict): " + s.Reason + "\n" + evidenceText(s)
		case s.Status == Skipped || s.Status == Blocked:
			c.Skipped = &junitMessage{Message: textutil.Clip(oneLine(s.Reason), 1000)}
		}
		if len(s.Cleanup) > 0 {
			c.SystemOut += "cleanup problems: " + strings.Join(s.Cleanup, "; ") + "\n"
		}
		suite.Cases = append(suite.Cases, c)
		suite.Tests++
		doc.Tests++
		switch {
		case c.Failure != nil:
			suite.Failures++
			doc.Failures++
		case c.Skipped != nil:
			suite.Skipped++
		}
	}
	for i := range doc.Suites {
		var d time.Duration
		for _, s := range r.Scenarios {
			if s.Feature == doc.Suites[i].Name {
				d += s.Duration
			}
		}
		doc.Suites[i].Time = secs(d)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// caseName puts the rule ids first so CI lists can be searched by rule.
func caseName(s ScenarioResult) string {
	if len(s.Rules) == 0 {
		return s.Name
	}
	return "[" + strings.Join(s.Rules, " ") + "] " + s.Name
}

// failMessage names the rules whose checks failed, each with the first
// failing check.
func failMessage(s ScenarioResult) string {
	var parts []string
	for _, ro := range s.RuleOutcomes {
		if ro.Status == Failed {
			parts = append(parts, ro.Rule+": expected "+ro.Expected+"; observed "+ro.Observed)
		}
	}
	if len(parts) > 0 {
		return textutil.Clip(oneLine(strings.Join(parts, " | ")), 500)
	}
	m := s.Short
	if m == "" {
		m = textutil.FirstLine(s.Reason)
	}
	if m == "" {
		m = "failed"
	}
	return textutil.Clip(oneLine(m), 500)
}

// evidenceText is the failure body: what was expected, what came back and
// the request that produced it.
func evidenceText(s ScenarioResult) string {
	var b strings.Builder
	if s.Reason != "" {
		fmt.Fprintf(&b, "%s\n", s.Reason)
		if strings.Contains(s.Reason, "expected: ") {
			return b.String() // the failure text already shows request, expected and observed
		}
	}
	for _, e := range s.Expected {
		fmt.Fprintf(&b, "expected: %s\n", e)
	}
	if s.Observed != "" {
		fmt.Fprintf(&b, "observed: %s\n", s.Observed)
	}
	if s.Request != "" {
		fmt.Fprintf(&b, "request: %s\n", s.Request)
	}
	return b.String()
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
