package diff

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Kinds of difference between two outcomes. A field difference's kind is
// "field:" followed by the member path, e.g. "field:KeyId".
const (
	KindTransport = "transport"  // a side gave no HTTP answer
	KindOutcome   = "outcome"    // one side succeeded, the other failed
	KindStatus    = "status"     // HTTP status
	KindCode      = "error-code" // error shape name
	KindMessage   = "message"    // error message (only when the codes agree)
	KindMAC       = "mac-bytes"  // GenerateMac's Mac bytes
	KindField     = "field:"
)

// Difference is one way two outcomes differ.
type Difference struct {
	Kind string `json:"kind"`
	A    string `json:"a"`
	B    string `json:"b"`
}

// compare lists the differences between a and b, leaving out kinds that
// start with any of the ignore prefixes.
func compare(a, b Outcome, ignore []string) []Difference {
	var ds []Difference
	add := func(kind, va, vb string) {
		for _, p := range ignore {
			if p != "" && strings.HasPrefix(kind, p) {
				return
			}
		}
		ds = append(ds, Difference{Kind: kind, A: va, B: vb})
	}
	if a.Error != "" || b.Error != "" {
		// Both unreachable is no agreement either: say so.
		add(KindTransport, describe(a), describe(b))
		return ds
	}
	if a.Status != b.Status {
		add(KindStatus, fmt.Sprint(a.Status), fmt.Sprint(b.Status))
	}
	aOK, bOK := a.Status == 200 && a.Code == "", b.Status == 200 && b.Code == ""
	switch {
	case aOK != bOK:
		add(KindOutcome, describe(a), describe(b))
	case !aOK:
		if a.Code != b.Code {
			add(KindCode, a.Code, b.Code)
		} else if !sameMessage(a.Message, b.Message) {
			add(KindMessage, showMessage(a.Message), showMessage(b.Message))
		}
	default:
		compareFields("", a.Fields, b.Fields, add)
	}
	return ds
}

func sameMessage(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func showMessage(m *string) string {
	if m == nil {
		return "(no message)"
	}
	return fmt.Sprintf("%q", *m)
}

// describe is a one-line summary of an outcome.
func describe(o Outcome) string {
	if o.Error != "" {
		return "no answer: " + o.Error
	}
	if o.Code == "" && o.Status == 200 {
		return "200 OK"
	}
	s := fmt.Sprintf("%d %s", o.Status, o.Code)
	if o.Message != nil {
		s += ": " + snippet(*o.Message, 160)
	}
	return s
}

// compareFields walks two decoded JSON objects and reports each member
// that is missing on one side or has another value.
func compareFields(prefix string, a, b map[string]any, add func(kind, a, b string)) {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		path := prefix + k
		va, inA := a[k]
		vb, inB := b[k]
		ma, aObj := va.(map[string]any)
		mb, bObj := vb.(map[string]any)
		switch {
		case inA && inB && aObj && bObj:
			compareFields(path+".", ma, mb, add)
		case inA && inB && reflect.DeepEqual(va, vb):
		case path == "Mac" && inA && inB:
			add(KindMAC, jsonText(va), jsonText(vb))
		default:
			add(KindField+path, fieldText(va, inA), fieldText(vb, inB))
		}
	}
}

func fieldText(v any, present bool) string {
	if !present {
		return "(absent)"
	}
	return jsonText(v)
}

func jsonText(v any) string {
	b, err := marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// signature identifies a divergence for grouping and for shrinking: the
// kinds that differ and both sides' status and code.
func signature(a, b Outcome, ds []Difference) string {
	kinds := make([]string, len(ds))
	for i, d := range ds {
		kinds[i] = d.Kind
	}
	return strings.Join(kinds, ",") + " | A " + short(a) + " | B " + short(b)
}

func short(o Outcome) string {
	if o.Error != "" {
		return "no answer"
	}
	if o.Code == "" {
		return fmt.Sprint(o.Status)
	}
	return fmt.Sprintf("%d %s", o.Status, o.Code)
}
