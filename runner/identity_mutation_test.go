package runner

import (
	"context"
	"testing"

	"github.com/kmsmac/kmsmac/internal/refmut"
	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/results"
)

// TestSigningRulesCatchMutations: the signing scenarios pass on the
// reference and fail on a reference that skips its signature checks (a
// suite that passes either way tests nothing).
func TestSigningRulesCatchMutations(t *testing.T) {
	verdicts := func(m refmut.Mutation) map[string]results.Status {
		opts := reference.Options{}
		refmut.Apply(&opts, m)
		srv := reference.NewServer(opts)
		defer srv.Close()
		res, err := Run(context.Background(), Options{Endpoint: srv.URL(), Tags: "@SIG-2,@SIG-3,@SIG-4"})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]results.Status{}
		for _, v := range res.RuleVerdicts() {
			out[v.Rule] = v.Status
		}
		return out
	}
	good, broken := verdicts(0), verdicts(refmut.SkipSignature)
	for _, r := range []string{"SIG-2", "SIG-3", "SIG-4"} {
		if good[r] != results.Passed {
			t.Errorf("%s on the reference: %s, want passed", r, good[r])
		}
		if broken[r] != results.Failed {
			t.Errorf("%s on a reference that skips signature checks: %s, want failed", r, broken[r])
		}
	}
}
