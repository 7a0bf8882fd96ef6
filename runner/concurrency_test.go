package runner

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// --concurrency 4 gives the results of a sequential run, in the same
// (feature) order, whatever order the scenarios started (properties.feature
// first: startPaths) or finished in.
func TestConcurrentRunOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("runs part of the suite twice")
	}
	tags := "@GM-OK-1,@VM-OK-1,@KID-6,@WIRE-10,@GM-OK-3" // properties too
	run := func(conc int) []string {
		res, err := Run(context.Background(), Options{Tags: tags, Seed: 1, Concurrency: conc})
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
	if !slices.IsSorted(featureOf(seq)) || !slices.Contains(featureOf(seq), "properties.feature") {
		t.Errorf("sequential results not in feature order, or no property scenario: %q", seq)
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

// featureOf is the feature file of each "feature: name: status" line.
func featureOf(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i], _, _ = strings.Cut(l, ":")
	}
	return out
}

// Concurrently the files with @slow or @property scenarios start first;
// one at a time, "." keeps godog's lexical order.
func TestStartPaths(t *testing.T) {
	fsys := fstest.MapFS{
		"a.feature":          {Data: []byte("Feature: A\n")},
		"properties.feature": {Data: []byte("@property\nFeature: P\n")},
		"z.feature":          {Data: []byte("Feature: Z\n  @slow\n  Scenario: s\n")},
		"notes.md":           {Data: []byte("@slow")},
	}
	paths, rank, err := startPaths(fsys, 4)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"properties.feature", "z.feature", "a.feature"}; !slices.Equal(paths, want) {
		t.Errorf("concurrent start order %q, want %q", paths, want)
	}
	if rank["a.feature"] != 0 || rank["properties.feature"] != 1 || rank["z.feature"] != 2 || len(rank) != 3 {
		t.Errorf("report ranks %v, want the lexical order of the feature files", rank)
	}
	if paths, _, _ := startPaths(fsys, 1); !slices.Equal(paths, []string{"."}) {
		t.Errorf("sequential start %q, want [.]", paths)
	}
}

// Real KMS by URL is eventually consistent like --aws; emulators are not.
func TestAWSHost(t *testing.T) {
	for in, want := range map[string]bool{
		"https://kms.us-east-1.amazonaws.com":                    true,
		"https://vpce-0a1b-kms.kms.eu-west-1.vpce.amazonaws.com": true,
		"https://kms-fips.us-gov-west-1.amazonaws.com:443":       true,
		"https://kms.cn-north-1.amazonaws.com.cn":                true,
		"http://127.0.0.1:4566":                                  false,
		"http://localhost.localstack.cloud:4566":                 false,
		"http://amazonaws.com.evil.example":                      false,
		"::not a url":                                            false,
	} {
		if got := awsHost(in); got != want {
			t.Errorf("awsHost(%q) = %v, want %v", in, got, want)
		}
	}
}
