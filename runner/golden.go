package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/golden"
	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

// goldenRun is what one Run keeps for recording and replay; it is found
// again by run id when the summary is written.
type goldenRun struct {
	mu       sync.Mutex
	once     sync.Once
	opts     *Options
	settings *steps.Settings // the seed the run picked
	target   *target.Target
	golden   *golden.File
	byKey    map[string]*golden.Scenario
	loadErr  error // RunOn refuses to run with it (a setup error)
	recorded []golden.Scenario
	seen     map[string]int
	compared []goldenVerdict
	writeErr error
}

// goldenVerdict is one scenario's comparison with the recording.
type goldenVerdict struct {
	label    string
	class    string // matched, differed, missing, not compared
	diffs    []string
	recorded results.Status // the recording's verdict ("" when missing)
	observed results.Status
}

var (
	goldenMu   sync.Mutex
	goldenRuns = map[string]*goldenRun{}
)

// goldenFor returns the run's record/replay state, loading --golden once.
// Nil when the run neither records nor replays.
func goldenFor(t *target.Target, o *Options, st *steps.Settings) *goldenRun {
	if o.Golden == "" && o.RecordTo == "" {
		return nil
	}
	goldenMu.Lock()
	g := goldenRuns[t.RunID]
	if g == nil {
		g = &goldenRun{opts: o, target: t, seen: map[string]int{}}
		goldenRuns[t.RunID] = g
	}
	goldenMu.Unlock()
	if st != nil {
		g.mu.Lock()
		g.settings = st
		g.mu.Unlock()
	}
	g.once.Do(func() {
		if o.Golden == "" {
			return
		}
		g.golden, g.loadErr = golden.Load(o.Golden)
		if g.golden != nil {
			g.byKey = map[string]*golden.Scenario{}
			for i := range g.golden.Scenarios {
				s := &g.golden.Scenarios[i]
				g.byKey[s.Key()] = s
			}
		}
	})
	return g
}

// exampleOf names an outline row by its steps (godog's pickle ids change
// whenever any feature file changes; the steps of a row do not).
func exampleOf(s *godog.Scenario) string {
	if len(s.AstNodeIds) < 2 {
		return ""
	}
	h := sha256.New()
	for _, st := range s.Steps {
		io.WriteString(h, st.Text+"\n")
		if a := st.Argument; a != nil {
			if a.DocString != nil {
				io.WriteString(h, a.DocString.Content+"\n")
			}
			if a.DataTable != nil {
				for _, r := range a.DataTable.Rows {
					for _, c := range r.Cells {
						io.WriteString(h, c.Value+"|")
					}
					io.WriteString(h, "\n")
				}
			}
		}
	}
	return "row " + hex.EncodeToString(h.Sum(nil))[:12]
}

// scenarioDone records or compares one finished scenario.
func (g *goldenRun) scenarioDone(w *steps.World, s *godog.Scenario, r *results.ScenarioResult) {
	gs := golden.Scenario{Feature: s.Uri, Name: s.Name, Example: exampleOf(s), Rules: r.Rules, Verdict: r.Status,
		VerdictOnly: w.Tags["@property"] || w.Tags["@vectors"]}
	if !gs.VerdictOnly && r.Status != results.Skipped {
		gs.Calls = normalisedCalls(w)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if n := g.seen[gs.Key()]; n > 0 { // two identical rows: number the later ones
		gs.Example = strings.TrimSpace(fmt.Sprintf("%s #%d", gs.Example, n+1))
	}
	g.seen[gs.Key()]++
	if g.opts.RecordTo != "" {
		g.recorded = append(g.recorded, gs)
	}
	if g.golden == nil {
		return
	}
	v := goldenVerdict{label: gs.Label(), observed: r.Status}
	rec := g.byKey[gs.Key()]
	switch {
	case rec == nil:
		v.class = "missing"
	case rec.Verdict == results.Skipped || r.Status == results.Skipped:
		v.class, v.recorded = "not compared", rec.Verdict
	default:
		v.recorded = rec.Verdict
		if gs.VerdictOnly {
			if rec.Verdict != r.Status {
				v.diffs = []string{fmt.Sprintf("verdict: recorded %s, observed %s", rec.Verdict, r.Status)}
			}
		} else {
			v.diffs = golden.CompareCalls(rec.Calls, gs.Calls)
		}
		v.class = "matched"
		if len(v.diffs) > 0 {
			v.class = "differed"
		}
	}
	r.Golden = v.diffs
	if v.class == "missing" {
		r.Golden = []string{"not in the recording " + g.opts.Golden}
	}
	g.compared = append(g.compared, v)
}

// seed is the run's property seed (picked on first use when not given); g.mu held.
func (g *goldenRun) seed() int64 {
	if g.settings != nil {
		return g.settings.Seed
	}
	return g.opts.Seed
}

// finish writes the recording at the end of the run.
func (g *goldenRun) finish() {
	if g == nil || g.opts.RecordTo == "" {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	rec := &golden.File{Format: golden.Format, Version: golden.Version, Scenarios: append([]golden.Scenario(nil), g.recorded...),
		Meta: golden.Meta{Target: g.target.Name, Region: g.target.Region, Date: time.Now().UTC().Format(time.RFC3339),
			Kmsmac: results.Version(), Tags: g.opts.Tags, Seed: g.seed()}}
	g.writeErr = rec.Write(g.opts.RecordTo)
}

// RecordingError is the error writing the recording of run r (Options.RecordTo), if any.
func RecordingError(r results.Result) error {
	goldenMu.Lock()
	g := goldenRuns[r.RunID]
	goldenMu.Unlock()
	if g == nil {
		if r.RunID == "" {
			return errors.New("no recording: the run did not start")
		}
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.writeErr
}

// maxDiffLines bounds one scenario's lines in the summary (ScenarioResult.Golden has them all).
const maxDiffLines = 8

// writeGoldenSummary reports where the target differed from a recording
// (--golden) and where the recording and the rules disagree.
func writeGoldenSummary(w io.Writer, r results.Result) {
	goldenMu.Lock()
	g := goldenRuns[r.RunID]
	goldenMu.Unlock()
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.opts.RecordTo != "" {
		if g.writeErr != nil {
			fmt.Fprintf(w, "Recording NOT written to %s: %v\n", g.opts.RecordTo, g.writeErr)
		} else {
			fmt.Fprintf(w, "Recording of %d scenarios written to %s.\n", len(g.recorded), g.opts.RecordTo)
		}
	}
	if g.opts.Golden == "" {
		return
	}
	n := map[string]int{}
	for _, v := range g.compared {
		n[v.class]++
	}
	m := g.golden.Meta
	fmt.Fprintf(w, "Against the recording %s (%s, %s, kmsmac %s): %d scenarios matched, %d differed, %d missing from the recording, %d not compared (skipped here or there)\n",
		g.opts.Golden, m.Target, m.Date, m.Kmsmac, n["matched"], n["differed"], n["missing"], n["not compared"])
	var lines, missing, disagree []string
	for _, v := range g.compared {
		switch v.class {
		case "differed":
			lines = append(lines, "  - "+v.label)
			for i, d := range v.diffs {
				if i == maxDiffLines {
					lines = append(lines, fmt.Sprintf("      ... and %d more", len(v.diffs)-i))
					break
				}
				lines = append(lines, "      "+textutil.Clip(d, 500))
			}
		case "missing":
			missing = append(missing, "  - "+v.label)
		}
		if v.recorded != "" && v.recorded != results.Skipped && v.observed != results.Skipped && v.recorded != v.observed {
			disagree = append(disagree, fmt.Sprintf("  - %s: the recorded target %s, this target %s", v.label, verdictWord(v.recorded), verdictWord(v.observed)))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "Differences from the recording (call index, recorded vs observed):\n%s\n", strings.Join(lines, "\n"))
	}
	if len(missing) > 0 {
		fmt.Fprintf(w, "Missing from the recording:\n%s\n", strings.Join(missing, "\n"))
	}
	if len(disagree) > 0 {
		fmt.Fprintf(w, "Recording vs rules disagree (%d):\n%s\n", len(disagree), strings.Join(disagree, "\n"))
	} else {
		fmt.Fprintln(w, "Recording vs rules: no scenario where the recorded target and this target get different verdicts.")
	}
}

func verdictWord(s results.Status) string {
	switch s {
	case results.Passed:
		return "passes the rules"
	case results.Deviation:
		return "passes with an unverified deviation"
	case results.Failed:
		return "fails the rules"
	}
	return string(s)
}

// tape is one scenario's calls as the scenario saw them: every outcome
// that became the scenario's last after a step (what Then steps assert
// on). Harness traffic (polling, cleanup, setup steps that restore the
// last outcome) never shows up, so two targets give the same sequence.
type tape struct {
	seen  *target.Outcome
	calls []tapedCall
}

type tapedCall struct {
	o   *target.Outcome
	key *steps.Key // the scenario key the request named, if any
}

// tapeValKey is the World.Vals entry holding the tape (not a step value).
const tapeValKey = "\x00kmsmac-tape"

// tapeStep notes the scenario's last outcome after a step, once.
func tapeStep(w *steps.World) {
	t, _ := w.Vals[tapeValKey].(*tape)
	if t == nil {
		t = &tape{}
		w.Vals[tapeValKey] = t
	}
	if last := w.Last(); last != nil && last != t.seen {
		t.seen = last
		t.calls = append(t.calls, tapedCall{o: last, key: w.LastKey()})
	}
}

// normalisedCalls is the scenario's tape, normalised with everything the
// World knows at its end (keys named after a call still get their name).
func normalisedCalls(w *steps.World) []golden.Call {
	t, _ := w.Vals[tapeValKey].(*tape)
	if t == nil {
		return nil
	}
	names := golden.Names{Aliases: w.Aliases(), Target: w.Target}
	keys := map[*steps.Key]*golden.Key{}
	for _, name := range w.Keys() {
		k, _ := w.Key(name)
		gk := &golden.Key{Name: name, ID: k.ID, ARN: k.ARN, Origin: k.Origin, Material: k.Material}
		keys[k] = gk
		names.Keys = append(names.Keys, *gk)
	}
	for _, name := range w.GrantNames() {
		g, _ := w.Grant(name)
		names.Grants = append(names.Grants, golden.Grant{Name: name, ID: g.ID, Token: g.Token})
	}
	calls := make([]golden.Taped, 0, len(t.calls))
	for _, tc := range t.calls {
		gt := golden.Taped{Outcome: tc.o}
		if tc.key != nil {
			gt.Key = keys[tc.key]
			if gt.Key == nil { // a key the scenario no longer names
				gt.Key = &golden.Key{Name: tc.key.Name, ID: tc.key.ID, ARN: tc.key.ARN, Origin: tc.key.Origin, Material: tc.key.Material}
			}
		}
		calls = append(calls, gt)
	}
	return golden.Normalise(names, calls)
}
