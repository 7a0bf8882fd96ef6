package properties

import "sort"

// Checks names every check, for callers that pick them by name (a godog
// step "the property RoundTrip holds", a command-line flag).
var Checks = map[string]Check{
	"RoundTrip":     RoundTrip,
	"Deterministic": Deterministic,
	"DistinctKeys":  DistinctKeys,
	"KnownAnswer":   KnownAnswer,
	"Tamper":        Tamper,
	"Limits":        Limits,
	"Model":         Model,
}

// Names returns the names in Checks, sorted.
func Names() []string {
	out := make([]string, 0, len(Checks))
	for n := range Checks {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
