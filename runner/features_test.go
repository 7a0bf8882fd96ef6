package runner

import (
	"context"
	"testing"

	"github.com/kmsmac/kmsmac/results"
)

// TestFeatures runs every scenario against the embedded reference; each
// scenario is a subtest. The reference must pass all of them, with no
// unverified deviation and nothing skipped.
func TestFeatures(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole conformance suite; run without -short")
	}
	res, err := Run(context.Background(), Options{TestingT: t})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) == 0 {
		t.Fatal("no scenario ran")
	}
	for _, s := range res.Scenarios {
		if s.Status != results.Passed {
			t.Errorf("%s (%s) %s: %s", s.Name, s.Feature, s.Status, s.Reason)
		}
		for _, p := range s.Cleanup {
			t.Errorf("%s: cleanup: %s", s.Name, p) // the reference must let the harness clean up
		}
	}
	c := res.Counts()
	t.Logf("%d scenarios against the embedded reference: %d passed, %d failed, %d deviations, %d skipped in %s",
		len(res.Scenarios), c[results.Passed], c[results.Failed], c[results.Deviation], c[results.Skipped], res.Wall)
}
