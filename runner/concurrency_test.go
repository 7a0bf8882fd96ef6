package runner

import (
	"context"
	"slices"
	"testing"
)

// --concurrency 4 gives the results of a sequential run, in the same
// (feature) order, whatever order the scenarios finished in.
func TestConcurrentRunOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("runs part of the suite twice")
	}
	run := func(conc int) []string {
		res, err := Run(context.Background(), Options{Tags: benchTags, Seed: 1, Concurrency: conc})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range res.Scenarios {
			out = append(out, s.Feature+": "+s.Name+": "+string(s.Status))
		}
		return out
	}
	seq, conc := run(1), run(4)
	if len(seq) < 10 {
		t.Fatalf("only %d scenarios", len(seq))
	}
	if !slices.Equal(seq, conc) {
		t.Errorf("--concurrency 4 results differ from a sequential run's:\nsequential %q\nconcurrent %q", seq, conc)
	}
}

func TestNeedsSequential(t *testing.T) {
	for format, want := range map[string]bool{
		"progress": false, "progress:/dev/null": false, "progress:/tmp/pretty.txt": false,
		"pretty": true, "cucumber:/tmp/c.json": true, "junit": true, "progress,events": true,
	} {
		if got := needsSequential(format); got != want {
			t.Errorf("needsSequential(%q) = %v, want %v", format, got, want)
		}
	}
}
