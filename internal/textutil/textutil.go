// Package textutil holds the small text helpers the harness packages
// share (clipping, dashes, sorted keys, JSON without HTML escaping), so
// that each package does not keep its own copy.
package textutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Clip cuts s to n bytes and says how long it was.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("...<%d chars>", len(s))
}

// OrDash is s, or "-" when s is empty.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// SortedKeys is m's keys in order.
func SortedKeys[M ~map[string]V, V any](m M) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// MarshalSorted is json.Marshal with map keys in order (Go does that
// already) and without HTML escaping, so "<4096 bytes>" stays readable.
func MarshalSorted(v any) ([]byte, error) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// MustJSON is json.Marshal of a value that cannot fail to marshal.
func MustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// FirstLine is the first line of s, trimmed.
func FirstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
