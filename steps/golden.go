package steps

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// A recording (kmsmac record, read back by conform --golden) is the
// normalised responses one target gave, scenario by scenario. Normalised
// means ids, ARNs, aliases, account, region, times, tokens and the MACs of
// keys the target generated are replaced by the scenario's names, so a
// recording from real KMS compares with any other endpoint.

// GoldenFormat and GoldenVersion identify a recording file; a reader
// refuses any other pair rather than guess.
const (
	GoldenFormat  = "kmsmac-golden"
	GoldenVersion = 1
)

// Golden is a recording file.
type Golden struct {
	Format    string           `json:"format"`
	Version   int              `json:"version"`
	Meta      GoldenMeta       `json:"recorded"`
	Scenarios []GoldenScenario `json:"scenarios"`
}

// GoldenMeta says where and when a recording was made.
type GoldenMeta struct {
	Target string `json:"target"`
	Region string `json:"region"`
	Date   string `json:"date"` // RFC 3339, UTC
	Kmsmac string `json:"kmsmac"`
	Tags   string `json:"tags,omitempty"`
	Seed   int64  `json:"seed,omitempty"`
}

// GoldenScenario is one scenario (one Examples row of an outline).
type GoldenScenario struct {
	Feature string         `json:"feature"`
	Name    string         `json:"name"`
	Example string         `json:"example,omitempty"` // "row <hash of its steps>" for an outline row
	Rules   []string       `json:"rules,omitempty"`
	Verdict results.Status `json:"verdict"`
	// VerdictOnly: property and vector scenarios make thousands of random
	// calls; only their verdict is kept.
	VerdictOnly bool         `json:"verdict_only,omitempty"`
	Calls       []GoldenCall `json:"calls,omitempty"`
}

func (g GoldenScenario) key() string { return g.Feature + "\x00" + g.Name + "\x00" + g.Example }

func (g GoldenScenario) label() string {
	s := fmt.Sprintf("%s (%s)", g.Name, g.Feature)
	if g.Example != "" {
		s += " " + g.Example
	}
	return s
}

// LoadGolden reads and checks a recording.
func LoadGolden(path string) (*Golden, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("golden file: %w", err)
	}
	return parseGolden(path, b)
}

func parseGolden(path string, b []byte) (*Golden, error) {
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("golden file %s is not a kmsmac recording (not JSON: %v)", path, err)
	}
	if head.Format != GoldenFormat {
		return nil, fmt.Errorf("golden file %s is not a kmsmac recording (format %q, want %q; make one with kmsmac record)", path, head.Format, GoldenFormat)
	}
	if head.Version != GoldenVersion {
		return nil, fmt.Errorf("golden file %s has version %d; this kmsmac reads version %d (record it again with this kmsmac)", path, head.Version, GoldenVersion)
	}
	var g Golden
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&g); err != nil {
		return nil, fmt.Errorf("golden file %s is damaged: %v", path, err)
	}
	seen := map[string]bool{}
	for i, s := range g.Scenarios {
		if s.Feature == "" || s.Name == "" || s.Verdict == "" {
			return nil, fmt.Errorf("golden file %s is damaged: scenario %d lacks feature, name or verdict", path, i+1)
		}
		if seen[s.key()] {
			return nil, fmt.Errorf("golden file %s is damaged: scenario %s appears twice", path, s.label())
		}
		seen[s.key()] = true
	}
	return &g, nil
}

// Write stores the recording as indented JSON, scenarios sorted, so two
// recordings diff well. It writes a temporary file and renames it: a
// failed run never leaves half a recording.
func (g *Golden) Write(path string) error {
	sort.Slice(g.Scenarios, func(i, j int) bool { return g.Scenarios[i].key() < g.Scenarios[j].key() })
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false) // placeholders like <key-arn:K> stay readable
	e.SetIndent("", "  ")
	if err := e.Encode(g); err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kmsmac-golden-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	_ = os.Chmod(tmp.Name(), 0o644) // CreateTemp makes it 0600; a recording is no secret
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// goldenRun is what one Run keeps for recording and replay; it is found
// again by run id when the summary is written.
type goldenRun struct {
	mu       sync.Mutex
	once     sync.Once
	opts     *Options
	target   *target.Target
	golden   *Golden
	byKey    map[string]*GoldenScenario
	loadErr  error // RunOn refuses to run with it (a setup error)
	recorded []GoldenScenario
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
func goldenFor(t *target.Target, o *Options) *goldenRun {
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
	g.once.Do(func() {
		if o.Golden == "" {
			return
		}
		g.golden, g.loadErr = LoadGolden(o.Golden)
		if g.golden != nil {
			g.byKey = map[string]*GoldenScenario{}
			for i := range g.golden.Scenarios {
				s := &g.golden.Scenarios[i]
				g.byKey[s.key()] = s
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
func (g *goldenRun) scenarioDone(w *World, s *godog.Scenario, r *results.ScenarioResult) {
	gs := GoldenScenario{Feature: s.Uri, Name: s.Name, Example: exampleOf(s), Rules: r.Rules, Verdict: r.Status,
		VerdictOnly: w.Tags["@property"] || w.Tags["@vectors"]}
	if !gs.VerdictOnly && r.Status != results.Skipped {
		gs.Calls = normalisedCalls(w)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if n := g.seen[gs.key()]; n > 0 { // two identical rows: number the later ones
		gs.Example = strings.TrimSpace(fmt.Sprintf("%s #%d", gs.Example, n+1))
	}
	g.seen[gs.key()]++
	if g.opts.RecordTo != "" {
		g.recorded = append(g.recorded, gs)
	}
	if g.golden == nil {
		return
	}
	v := goldenVerdict{label: gs.label(), observed: r.Status}
	rec := g.byKey[gs.key()]
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
			v.diffs = compareCalls(rec.Calls, gs.Calls)
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

// finish writes the recording at the end of the run.
func (g *goldenRun) finish() {
	if g == nil || g.opts.RecordTo == "" {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	rec := &Golden{Format: GoldenFormat, Version: GoldenVersion, Scenarios: append([]GoldenScenario(nil), g.recorded...),
		Meta: GoldenMeta{Target: g.target.Name, Region: g.target.Region, Date: time.Now().UTC().Format(time.RFC3339),
			Kmsmac: results.Version(), Tags: g.opts.Tags, Seed: g.opts.Seed}}
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

// compareCalls lists the differences between recorded and observed calls,
// one line per call and member.
func compareCalls(rec, obs []GoldenCall) []string {
	var out []string
	for i := 0; i < max(len(rec), len(obs)); i++ {
		switch {
		case i >= len(obs):
			out = append(out, fmt.Sprintf("call %d %s: recorded %s; no such call here (the scenario stopped earlier)", i+1, rec[i].Op, rec[i].brief()))
			continue
		case i >= len(rec):
			out = append(out, fmt.Sprintf("call %d %s: not in the recording; observed %s", i+1, obs[i].Op, obs[i].brief()))
			continue
		}
		r, o := rec[i], obs[i]
		at := fmt.Sprintf("call %d %s: ", i+1, o.Op)
		if r.Op != o.Op || r.Status != o.Status || r.Type != o.Type || r.Error != o.Error {
			out = append(out, at+"recorded "+r.brief()+"; observed "+o.brief())
			continue
		}
		if !equalMsg(r.Message, o.Message) {
			out = append(out, fmt.Sprintf("%smessage: recorded %s; observed %s", at, showMsg(r.Message), showMsg(o.Message)))
		}
		out = append(out, diffJSON(at, r.Response, o.Response)...)
	}
	return out
}

func (c GoldenCall) brief() string {
	switch {
	case c.Status == 0:
		return c.Error
	case c.Status == 200:
		var b bytes.Buffer
		if json.Compact(&b, c.Response) != nil {
			b.Reset()
			b.Write(c.Response)
		}
		return "HTTP 200 " + clip(b.String(), 300)
	}
	s := fmt.Sprintf("HTTP %d %s", c.Status, orDash(c.Type))
	if c.Message != nil {
		s += " message " + showMsg(c.Message)
	} else {
		s += " (no message)"
	}
	return s
}

func equalMsg(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func showMsg(m *string) string {
	if m == nil {
		return "(no message)"
	}
	return fmt.Sprintf("%q", *m)
}

// diffJSON compares two normalised responses member by member.
func diffJSON(at string, a, b json.RawMessage) []string {
	fa, fb := map[string]string{}, map[string]string{}
	flatten("", decodeLoose(a), fa)
	flatten("", decodeLoose(b), fb)
	paths := map[string]bool{}
	for p := range fa {
		paths[p] = true
	}
	for p := range fb {
		paths[p] = true
	}
	var out []string
	for _, p := range sortedKeys(paths) {
		x, okx := fa[p]
		y, oky := fb[p]
		switch {
		case okx && oky && x == y:
		case !okx:
			out = append(out, fmt.Sprintf("%s%s: not in the recording; observed %s", at, p, y))
		case !oky:
			out = append(out, fmt.Sprintf("%s%s: recorded %s; absent here", at, p, x))
		default:
			out = append(out, fmt.Sprintf("%s%s: recorded %s; observed %s", at, p, x, y))
		}
	}
	return out
}

func decodeLoose(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return string(b)
	}
	return v
}

// flatten maps member paths ("KeyMetadata.KeyState", "Aliases[0]") to
// their JSON text; an empty object or list is a value of its own.
func flatten(path string, v any, out map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 && path != "" {
			out[path] = "{}"
		}
		for k, x := range t {
			p := k
			if path != "" {
				p = path + "." + k
			}
			flatten(p, x, out)
		}
	case []any:
		if len(t) == 0 {
			out[path] = "[]"
		}
		for i, x := range t {
			flatten(fmt.Sprintf("%s[%d]", path, i), x, out)
		}
	case nil:
		if path != "" {
			out[path] = "null"
		}
	default:
		b, _ := marshalSorted(t)
		if path == "" {
			path = "(body)"
		}
		out[path] = string(b)
	}
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
				lines = append(lines, "      "+clip(d, 500))
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
