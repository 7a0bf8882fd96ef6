package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Report is the result of a run.
type Report struct {
	Seed             int64          `json:"seed"`
	Requests         int            `json:"requests"`
	A                EndpointInfo   `json:"a"`
	B                EndpointInfo   `json:"b"`
	MACBytesCompared bool           `json:"mac_bytes_compared"`
	ImportFallback   string         `json:"import_fallback,omitempty"` // why imported keys could not be used, one line
	Notes            []string       `json:"notes,omitempty"`
	Agreed           int            `json:"agreed"`
	ByKind           map[string]int `json:"divergences_by_kind"`
	Groups           []*Group       `json:"distinct_divergences"`
	Divergences      []*Divergence  `json:"divergences"`
}

// EndpointInfo describes one side.
type EndpointInfo struct {
	Name     string `json:"name"`
	URL      string `json:"url"`
	Account  string `json:"account"`
	Region   string `json:"region"`
	Imported bool   `json:"imported_key_material"`
}

// Divergence is one request whose answers differ.
type Divergence struct {
	Case      Case         `json:"case"`
	BodyA     string       `json:"body_a"` // exactly what A received
	BodyB     string       `json:"body_b"`
	A         Outcome      `json:"a"`
	B         Outcome      `json:"b"`
	Diffs     []Difference `json:"differences"`
	Signature string       `json:"signature"`
	Cause     Cause        `json:"cause"`
	Group     int          `json:"group"` // 1-based index into distinct_divergences
}

// Group is every divergence with one cause, and its shrunk example.
type Group struct {
	Signature    string       `json:"signature"`
	Cause        Cause        `json:"cause"`
	Count        int          `json:"count"`
	Kind         string       `json:"generated_as"`    // the example's generator category
	Kinds        []string     `json:"generated_kinds"` // every category in the group
	Cases        []int        `json:"cases"`
	ExampleCase  int          `json:"example_case"`
	Example      *Divergence  `json:"-"`
	Minimal      *Request     `json:"minimal_request"`
	MinimalBodyA string       `json:"minimal_body_a"`
	MinimalBodyB string       `json:"minimal_body_b"`
	MinimalA     Outcome      `json:"a"`
	MinimalB     Outcome      `json:"b"`
	MinimalDiffs []Difference `json:"differences"`
	ShrinkSteps  int          `json:"shrink_steps"`

	key string // Cause.key()
}

// OK reports whether the two endpoints agreed on every request.
func (r *Report) OK() bool { return len(r.Divergences) == 0 }

// WriteJSON writes the report for machines.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the human summary: setup, counts by kind, then each
// distinct divergence with its minimal request and both answers.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "A: %s\nB: %s\n", endpointLine(r.A), endpointLine(r.B))
	fmt.Fprintf(w, "seed %d, %d requests\n", r.Seed, r.Requests)
	switch {
	case r.MACBytesCompared:
		fmt.Fprintln(w, "keys: imported from the same key material on both sides; MAC bytes are compared")
	case r.ImportFallback != "":
		fmt.Fprintln(w, r.ImportFallback) // says it all: no second line
	default:
		fmt.Fprintln(w, "keys: generated separately on each side; MAC bytes are NOT compared (only their length)")
	}
	for _, sl := range slots {
		fmt.Fprintf(w, "  %s  %s\n", sl.Name, sl.Role)
	}
	for _, n := range r.Notes {
		if n != r.ImportFallback {
			fmt.Fprintln(w, "note:", n)
		}
	}
	fmt.Fprintf(w, "\n%d requests agreed, %d diverged (%d distinct)\n", r.Agreed, len(r.Divergences), len(r.Groups))
	if r.OK() {
		return
	}
	fmt.Fprintln(w, "\nDivergences by kind (requests):")
	for _, k := range sortedKinds(r.ByKind) {
		fmt.Fprintf(w, "  %5d  %s\n", r.ByKind[k], k)
	}
	for i, g := range r.Groups {
		fmt.Fprintf(w, "\n#%d  %s %s: %d request(s), case %s\n", i+1, g.Cause.Op, strings.Join(g.Cause.Differs, ", "), len(g.Cases), caseList(g.Cases))
		fmt.Fprintf(w, "  cause: A %s; B %s\n", sideCause(g.Cause.A, g.Cause.MessageA), sideCause(g.Cause.B, g.Cause.MessageB))
		fmt.Fprintf(w, "  generated as: %s\n", strings.Join(g.Kinds, ", "))
		fmt.Fprintf(w, "  minimal request (%d shrink steps taken): %s\n", g.ShrinkSteps, g.Minimal)
		fmt.Fprintf(w, "  A: %s\n", outcomeLine(g.MinimalA))
		fmt.Fprintf(w, "  B: %s\n", outcomeLine(g.MinimalB))
		for _, d := range g.MinimalDiffs {
			fmt.Fprintf(w, "  differs: %s: A %s, B %s\n", d.Kind, d.A, d.B)
		}
	}
}

// sideCause is one side of a cause: status, code and message pattern.
func sideCause(code, msg string) string {
	if msg == "" {
		return code
	}
	return code + " " + strconv.Quote(snippet(msg, 140))
}

func endpointLine(e EndpointInfo) string {
	s := e.Name
	if e.URL != e.Name {
		s += " (" + e.URL + ")"
	}
	return fmt.Sprintf("%s, account %s, region %s", s, e.Account, e.Region)
}

func kindsOf(ds []Difference) string {
	ks := make([]string, len(ds))
	for i, d := range ds {
		ks[i] = d.Kind
	}
	return strings.Join(ks, ", ")
}

// caseList shows the first few case ids.
func caseList(ids []int) string {
	const show = 8
	var parts []string
	for i, id := range ids {
		if i == show {
			parts = append(parts, fmt.Sprintf("… (+%d)", len(ids)-show))
			break
		}
		parts = append(parts, fmt.Sprint(id))
	}
	return strings.Join(parts, ", ")
}

func outcomeLine(o Outcome) string {
	if o.Error != "" || o.Code != "" || o.Status != 200 {
		return describe(o)
	}
	return "200 " + jsonText(o.Fields)
}
