package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/results"
)

// A recording (kmsmac record, read back by conform --golden) is the
// normalised responses one target gave, scenario by scenario. Normalised
// means ids, ARNs, aliases, account, region, times, tokens and the MACs of
// keys the target generated are replaced by the scenario's names, so a
// recording from real KMS compares with any other endpoint.

// Format and Version identify a recording file; a reader
// refuses any other pair rather than guess.
const (
	Format  = "kmsmac-golden"
	Version = 1
)

// File is a recording file.
type File struct {
	Format    string     `json:"format"`
	Version   int        `json:"version"`
	Meta      Meta       `json:"recorded"`
	Scenarios []Scenario `json:"scenarios"`
}

// Meta says where and when a recording was made.
type Meta struct {
	Target string `json:"target"`
	Region string `json:"region"`
	Date   string `json:"date"` // RFC 3339, UTC
	Kmsmac string `json:"kmsmac"`
	Tags   string `json:"tags,omitempty"`
	Seed   int64  `json:"seed,omitempty"`
}

// Scenario is one scenario (one Examples row of an outline).
type Scenario struct {
	Feature string         `json:"feature"`
	Name    string         `json:"name"`
	Example string         `json:"example,omitempty"` // "row <hash of its steps>" for an outline row
	Rules   []string       `json:"rules,omitempty"`
	Verdict results.Status `json:"verdict"`
	// VerdictOnly: property and vector scenarios make thousands of random
	// calls; only their verdict is kept.
	VerdictOnly bool   `json:"verdict_only,omitempty"`
	Calls       []Call `json:"calls,omitempty"`
}

func (g Scenario) Key() string { return g.Feature + "\x00" + g.Name + "\x00" + g.Example }

func (g Scenario) Label() string {
	s := fmt.Sprintf("%s (%s)", g.Name, g.Feature)
	if g.Example != "" {
		s += " " + g.Example
	}
	return s
}

// Load reads and checks a recording.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("golden file: %w", err)
	}
	return parse(path, b)
}

func parse(path string, b []byte) (*File, error) {
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("golden file %s is not a kmsmac recording (not JSON: %v)", path, err)
	}
	if head.Format != Format {
		return nil, fmt.Errorf("golden file %s is not a kmsmac recording (format %q, want %q; make one with kmsmac record)", path, head.Format, Format)
	}
	if head.Version != Version {
		return nil, fmt.Errorf("golden file %s has version %d; this kmsmac reads version %d (record it again with this kmsmac)", path, head.Version, Version)
	}
	var g File
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
		if seen[s.Key()] {
			return nil, fmt.Errorf("golden file %s is damaged: scenario %s appears twice", path, s.Label())
		}
		seen[s.Key()] = true
	}
	return &g, nil
}

// Write stores the recording as indented JSON, scenarios sorted, so two
// recordings diff well. It writes a temporary file and renames it: a
// failed run never leaves half a recording.
func (g *File) Write(path string) error {
	sort.Slice(g.Scenarios, func(i, j int) bool { return g.Scenarios[i].Key() < g.Scenarios[j].Key() })
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

// Call is one normalised call: what a recording stores and a replay
// compares.
type Call struct {
	Op       string          `json:"op"`
	Status   int             `json:"status"`
	Type     string          `json:"type,omitempty"`
	Message  *string         `json:"message,omitempty"` // nil: the error had no message
	Error    string          `json:"error,omitempty"`   // no HTTP answer, or the SDK refused
	Response json.RawMessage `json:"response,omitempty"`
}

// CompareCalls lists the differences between recorded and observed calls,
// one line per call and member.
func CompareCalls(rec, obs []Call) []string {
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

func (c Call) brief() string {
	switch {
	case c.Status == 0:
		return c.Error
	case c.Status == 200:
		var b bytes.Buffer
		if json.Compact(&b, c.Response) != nil {
			b.Reset()
			b.Write(c.Response)
		}
		return "HTTP 200 " + textutil.Clip(b.String(), 300)
	}
	s := fmt.Sprintf("HTTP %d %s", c.Status, textutil.OrDash(c.Type))
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
	for _, p := range textutil.SortedKeys(paths) {
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
		b, _ := textutil.MarshalSorted(t)
		if path == "" {
			path = "(body)"
		}
		out[path] = string(b)
	}
}
