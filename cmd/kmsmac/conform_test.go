package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/results"
)

// deadURL is a loopback URL where nothing listens any more: an
// unreachable endpoint that fails fast.
func deadURL(t *testing.T) string {
	t.Helper()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	return closed.URL
}

func TestConformExitCodes(t *testing.T) {
	closedURL := deadURL(t)
	// An endpoint that answers everything with an empty success: reachable,
	// but wrong about everything.
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Write([]byte(`{}`))
	}))
	defer liar.Close()

	cases := []struct {
		name string
		args []string
		code int
		out  string // expected in stdout+stderr
	}{
		{"help", []string{"-h"}, 0, "--endpoint"},
		{"unknown flag", []string{"--nope"}, 2, "unknown flag --nope (run kmsmac conform -h for the flags)"},
		{"stray argument", []string{"extra"}, 2, "unexpected arguments"},
		{"aws and endpoint", []string{"--aws", "--endpoint", "http://127.0.0.1:1"}, 2, "exclude each other"},
		{"bad format", []string{"--format", "html"}, 2, "unknown formatter"},
		{"junit without file", []string{"--format", "junit"}, 2, "needs a file"},
		{"unreachable", []string{"--endpoint", closedURL}, 2, "unreachable"},
		{"bad tags", []string{"--tags", "@a &&"}, 2, "is not a tag"},
		{"bad tags comma", []string{"--tags", ",@a"}, 2, "is not a tag"},
		{"no match", []string{"--tags", "@NO-SUCH-1"}, 2, "no scenario matched"},
		{"reference passes", []string{"--tags", "@WIRE-13", "--format", "progress"}, 0, "2 passed, 0 failed"},
		{"pretty", []string{"--tags", "@WIRE-13", "--format", "pretty"}, 0, "And the response has a header \"x-amzn-RequestId\""},
		{"wrong endpoint fails", []string{"--endpoint", liar.URL, "--tags", "@WIRE-13"}, 1, "Failing rule ids: CK-1"}, // its CreateKey answers {}: the WIRE-13 scenarios are blocked by CK-1
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"conform"}, c.args...), &out, &errb)
			all := out.String() + errb.String()
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s", code, c.code, all)
			}
			if !strings.Contains(all, c.out) {
				t.Errorf("output lacks %q:\n%s", c.out, all)
			}
		})
	}
}

func TestConformWritesReportAndJUnit(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "r", "report.md")
	junit := filepath.Join(dir, "j", "out.xml")
	var out, errb bytes.Buffer
	code := run([]string{"conform", "--tags", "@MAC-ENUM-1", "--report", report, "--format", "junit:" + junit + ",progress"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	md, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| Rule | Title | Level | Status | Scenarios | First failure or reason |", "| MAC-ENUM-1 |", "| passed |", "| Scenario | Feature | Rules | Status |", "Target: embedded reference"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	x, err := os.ReadFile(junit)
	if err != nil || !strings.Contains(string(x), "<testsuites") || !strings.Contains(string(x), "macAlgorithm") && !strings.Contains(string(x), "MacAlgorithm") {
		t.Errorf("junit file: %v\n%.300s", err, x)
	}
}

func TestConformExpectations(t *testing.T) {
	dir := t.TempDir()
	exp := filepath.Join(dir, "ref.yaml")
	var out, errb bytes.Buffer
	if code := run([]string{"conform", "--tags", "@MAC-ENUM-1", "--write-expectations", exp, "--report", filepath.Join(dir, "r.json")}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run([]string{"conform", "--tags", "@MAC-ENUM-1", "--expectations", exp}, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "0 regressions") {
		t.Fatalf("against its own expectations: exit %d\n%s", code, out.String())
	}
	// A known deviation that is fixed: reported, not a failure.
	os.WriteFile(exp, []byte("rules:\n  MAC-ENUM-1: failed\n"), 0o644)
	out.Reset()
	if code := run([]string{"conform", "--tags", "@MAC-ENUM-1", "--expectations", exp}, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "UNEXPECTED PASS MAC-ENUM-1: expected failed, now passed") {
		t.Fatalf("unexpected pass: exit %d\n%s", code, out.String())
	}
	// A bad file is a setup error, before anything runs.
	os.WriteFile(exp, []byte("rules:\n  MAC-ENUM-1: maybe\n"), 0o644)
	errb.Reset()
	if code := run([]string{"conform", "--tags", "@MAC-ENUM-1", "--expectations", exp}, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), `unknown status "maybe"`) {
		t.Fatalf("bad file: exit %d\n%s", code, errb.String())
	}
	var rep results.JSONReport
	b, _ := os.ReadFile(filepath.Join(dir, "r.json"))
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("JSON report: %v\n%.400s", err, b)
	}
	found := false
	for _, r := range rep.Rules {
		found = found || (r.ID == "MAC-ENUM-1" && r.Status == results.Passed && r.Scenarios[results.Passed] > 0)
	}
	if !found || len(rep.Scenarios) == 0 {
		t.Fatalf("JSON report lacks MAC-ENUM-1 passed:\n%.600s", b)
	}
}
