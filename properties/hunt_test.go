package properties

import (
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
)

// The runs of a check share one budget of passing cases: after a rule is
// found broken the search goes on for the others, but only for the cases
// still owed, and every rule found is reported once.
func TestHuntSharesOneBudget(t *testing.T) {
	const tests = 40
	passing := 0
	r := hunted("Budget", Config{Seed: 5, Tests: tests}, tests, 0, func(h *hunt) gopter.Prop {
		return prop.ForAll(func(n int) bool {
			shrinking := h.shrinking()
			rule, _, _ := h.judge([]finding{
				{rule: "A", ok: n%7 != 3, reason: "A"},
				{rule: "B", ok: n%11 != 5, reason: "B"},
				{rule: "C", ok: true},
			})
			if rule == "" && !shrinking {
				passing++
			}
			return rule == ""
		}, gen.IntRange(0, 1000))
	})
	got := map[string]int{}
	for _, v := range r.Violations {
		got[v.Rule]++
	}
	if got["A"] != 1 || got["B"] != 1 || len(got) != 2 {
		t.Fatalf("violations %v, want A and B once each", r.Violations)
	}
	if passing != tests {
		t.Errorf("%d passing cases over %d runs, want the budget of %d in all", passing, r.Runs, tests)
	}
	if r.Runs != 3 {
		t.Errorf("%d runs, want 3 (two that found a rule, one that passed)", r.Runs)
	}
}
