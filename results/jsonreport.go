package results

import (
	"encoding/json"
	"io"
	"regexp"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/kmsmac/kmsmac/internal/textutil"
)

var neutralRules = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(?:mrk-[0-9a-f]{32}|[0-9a-fA-F-]{36})`), "<key-arn>"},
	{regexp.MustCompile(`arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:alias/kmsmac-[0-9a-f]+-[0-9]+`), "<alias-arn>"},
	{regexp.MustCompile(`alias/kmsmac-[0-9a-f]+-[0-9]+`), "alias/<alias>"},
	{regexp.MustCompile(`mrk-[0-9a-f]{32}`), "<key-id>"},
	{regexp.MustCompile(`\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`), "<uuid>"},
	{regexp.MustCompile(`kmsmac-run=[0-9a-f]+`), "kmsmac-run=<run>"},
	{regexp.MustCompile(`\b[0-9]+(?:\.[0-9]+)?(?:ns|µs|ms|s)\b`), "<duration>"},
	{regexp.MustCompile(`127\.0\.0\.1:[0-9]+`), "127.0.0.1:<port>"},
	{regexp.MustCompile(`"(GrantId|GrantToken|ImportToken)":"[^"]*"`), `"$1":"<value>"`},
	{regexp.MustCompile(`"(CreationDate|DeletionDate|ValidTo|ParametersValidTo)":[0-9.]+`), `"$1":<time>`},
}

// JSONReport is the machine-readable run (kmsmac conform --report FILE.json).
// Everything but Run is free of run-specific values, so two runs diff
// cleanly; rules and scenarios keep the suite's order.
type JSONReport struct {
	Format    string         `json:"format"`
	Run       JSONRun        `json:"run"`
	Totals    JSONTotals     `json:"totals"`
	Rules     []JSONRule     `json:"rules"`
	Scenarios []JSONScenario `json:"scenarios"`
}

// JSONRun is what differs between runs: when, against what, with which seed.
type JSONRun struct {
	Target      string  `json:"target"`
	Kmsmac      string  `json:"kmsmac"`
	Go          string  `json:"go"`
	Seed        int64   `json:"seed"`
	RunID       string  `json:"run_id,omitempty"`
	Finished    string  `json:"finished"`
	WallSeconds float64 `json:"wall_seconds"`
	Strict      bool    `json:"strict"`
	KeysCreated int64   `json:"keys_created"`
	Note        string  `json:"note,omitempty"`
}

// JSONTotals counts scenarios and rules by status.
type JSONTotals struct {
	Scenarios map[Status]int `json:"scenarios"`
	Rules     map[Status]int `json:"rules"`
}

// JSONRule is one rule's verdict over the run.
type JSONRule struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Level     string         `json:"level"`
	Status    Status         `json:"status"`
	Scenarios map[Status]int `json:"scenarios"`
	First     *JSONFirst     `json:"first_failure,omitempty"`
}

// JSONFirst is the first check of a rule that failed (or deviated), or why
// it was blocked.
type JSONFirst struct {
	Scenario string `json:"scenario"`
	Status   Status `json:"status"`
	Expected string `json:"expected,omitempty"`
	Observed string `json:"observed,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// JSONScenario is one scenario and its per-rule outcomes.
type JSONScenario struct {
	Feature   string        `json:"feature"`
	Name      string        `json:"name"`
	Status    Status        `json:"status"`
	BlockedBy string        `json:"blocked_by,omitempty"`
	Reason    string        `json:"reason,omitempty"`
	Rules     []RuleOutcome `json:"rules"`
}

// Version is kmsmac's module version ("(devel)" in a work tree) and VCS
// revision, from the build info.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" {
		return "(devel)"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
		if s.Key == "vcs.modified" && s.Value == "true" {
			v += "+dirty"
		}
	}
	return v
}

// JSON builds the machine-readable report of r.
func (r Result) JSON() JSONReport {
	titles, lv := ruleTitles(), Levels()
	rep := JSONReport{Format: "kmsmac-conform/1",
		Run: JSONRun{Target: r.Target, Kmsmac: Version(), Go: runtime.Version(), Seed: r.Seed, RunID: r.RunID,
			Finished: time.Now().UTC().Format(time.RFC3339), WallSeconds: r.Wall.Seconds(), Strict: r.Strict,
			KeysCreated: r.KeysCreated, Note: r.Note},
		Totals: JSONTotals{Scenarios: map[Status]int{}, Rules: map[Status]int{}}}
	for _, st := range StatusList {
		rep.Totals.Rules[st] = 0
		if st != NotReached {
			rep.Totals.Scenarios[st] = 0
		}
	}
	for st, n := range r.Counts() {
		rep.Totals.Scenarios[st] = n
	}
	for _, v := range r.RuleVerdicts() {
		rep.Totals.Rules[v.Status]++
		jr := JSONRule{ID: v.Rule, Title: titles[v.Rule], Level: lv[v.Rule].Raw, Status: v.Status, Scenarios: v.Counts}
		if f := v.First; f != nil {
			jr.First = &JSONFirst{Scenario: v.FirstScenario, Status: f.Status,
				Expected: Neutral(f.Expected), Observed: Neutral(f.Observed), Reason: Neutral(f.Reason)}
		}
		rep.Rules = append(rep.Rules, jr)
	}
	for _, s := range r.Scenarios {
		js := JSONScenario{Feature: s.Feature, Name: s.Name, Status: s.Status, BlockedBy: s.BlockedBy, Rules: []RuleOutcome{}}
		if s.Status != Passed {
			js.Reason = Neutral(textutil.FirstLine(s.Reason))
			if s.Short != "" {
				js.Reason = Neutral(s.Short)
			}
		}
		for _, ro := range s.RuleOutcomes {
			ro.Expected, ro.Observed, ro.Reason = Neutral(ro.Expected), Neutral(ro.Observed), Neutral(ro.Reason)
			js.Rules = append(js.Rules, ro)
		}
		rep.Scenarios = append(rep.Scenarios, js)
	}
	return rep
}

// WriteJSON writes the machine-readable report, indented.
func (r Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r.JSON())
}
