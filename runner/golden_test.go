package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/golden"
	"github.com/kmsmac/kmsmac/internal/motoserver"
	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// goldenTags picks scenarios with keys, aliases, imported material, a
// grant, DryRun, a @reference-only state and property verdicts.
const goldenTags = "@GM-OK-1,@GM-OK-4,@KID-5,@GR-1,@STATE-6,@DRY-2"

func record(t *testing.T, tags string, o Options) (string, results.Result) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "golden.json")
	o.Tags, o.RecordTo, o.Seed = tags, path, 7
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := RecordingError(res); err != nil {
		t.Fatal(err)
	}
	return path, res
}

func summary(r results.Result) string {
	var b bytes.Buffer
	writeGoldenSummary(&b, r)
	return b.String()
}

func TestRecordThenReplayAgainstTheReference(t *testing.T) {
	path, rec := record(t, goldenTags, Options{})
	g, err := golden.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Scenarios) != len(rec.Scenarios) || len(g.Scenarios) < 10 {
		t.Fatalf("recording has %d scenarios, the run %d", len(g.Scenarios), len(rec.Scenarios))
	}
	raw, _ := json.Marshal(g.Scenarios) // the metadata names the region on purpose
	for _, leak := range []*regexp.Regexp{regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`), regexp.MustCompile(`111122223333|us-east-1|alias/kmsmac-`)} {
		if m := leak.Find(raw); m != nil {
			t.Errorf("recording not normalised: contains %q", m)
		}
	}
	var verdictOnly, calls, imported, reference int
	for _, s := range g.Scenarios {
		if s.VerdictOnly {
			verdictOnly++
			if len(s.Calls) > 0 {
				t.Errorf("%s: verdict-only scenario has calls", s.Name)
			}
		}
		if s.Verdict == results.Skipped {
			t.Errorf("%s skipped against the reference", s.Name)
		}
		for _, c := range s.Calls {
			calls++
			if bytes.Contains(c.Response, []byte("the HMAC of the imported material")) {
				imported++
			}
			if strings.HasPrefix(c.Op, "KmsmacReference.") {
				reference++
			}
		}
	}
	if verdictOnly == 0 || calls == 0 || imported == 0 {
		t.Errorf("recording lacks verdict-only scenarios (%d), calls (%d) or imported MACs (%d)", verdictOnly, calls, imported)
	}
	_ = reference

	rep, err := Run(context.Background(), Options{Tags: goldenTags, Golden: path, Seed: 7, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Scenarios {
		if len(s.Golden) > 0 {
			t.Errorf("%s: differs from its own reference recording: %v", s.Name, s.Golden)
		}
	}
	sum := summary(rep)
	want := fmt.Sprintf("%d scenarios matched, 0 differed, 0 missing from the recording, 0 not compared", len(rep.Scenarios))
	if !strings.Contains(sum, want) || !strings.Contains(sum, "Recording vs rules: no scenario") {
		t.Errorf("summary lacks %q:\n%s", want, sum)
	}
}

func TestReplayReportsDifferencesMissingAndDisagreement(t *testing.T) {
	path, _ := record(t, "@GM-OK-1", Options{})
	g, err := golden.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	// Pretend the recorded target answered with the key id and failed a rule.
	var changed string
	for i, s := range g.Scenarios {
		if !s.VerdictOnly && len(s.Calls) > 0 && s.Calls[0].Op == "GenerateMac" {
			g.Scenarios[i].Calls[0].Response = bytes.Replace(s.Calls[0].Response, []byte("<key-arn:K>"), []byte("<key-id:K>"), 1)
			g.Scenarios[i].Verdict = results.Failed
			changed = s.Name
			break
		}
	}
	if changed == "" {
		t.Fatal("no GenerateMac call recorded")
	}
	if err := g.Write(path); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Options{Tags: "@GM-OK-1,@DRY-2", Golden: path, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var diffs []string
	for _, s := range rep.Scenarios {
		if s.Status != results.Passed {
			t.Errorf("%s: %s (a recording never changes the verdict)", s.Name, s.Status)
		}
		if s.Name == changed {
			diffs = s.Golden
		}
	}
	wantDiff := `call 1 GenerateMac: KeyId: recorded "<key-id:K>"; observed "<key-arn:K>"`
	if len(diffs) != 1 || diffs[0] != wantDiff {
		t.Errorf("differences %q, want [%q]", diffs, wantDiff)
	}
	sum := summary(rep)
	for _, want := range []string{"1 differed", "Missing from the recording:", "dry_run.feature", wantDiff,
		"Recording vs rules disagree (1):", changed, "the recorded target fails the rules, this target passes the rules"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
}

// A recording kmsmac cannot read stops the run before any scenario: a setup error (exit 2).
func TestBadGoldenFileIsASetupError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.json")
	os.WriteFile(path, []byte(`{"format":"kmsmac-golden","version":99}`), 0o644)
	if _, err := golden.Load(path); err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Fatalf("LoadGolden: %v", err)
	}
	res, err := Run(context.Background(), Options{Tags: "@GM-OK-1", Golden: path})
	var setup *target.SetupError
	if !errors.As(err, &setup) || !strings.Contains(err.Error(), "version 99") {
		t.Fatalf("Run error %v, want a SetupError naming the bad recording", err)
	}
	if len(res.Scenarios) != 0 {
		t.Errorf("%d scenarios ran with an unreadable recording", len(res.Scenarios))
	}
}

// TestReplayAgainstMoto replays a reference recording against moto: moto
// answers GenerateMac with the key id, not the ARN, and the replay says so.
func TestReplayAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto_server")
	}
	url := motoserver.Start(t)
	path, _ := record(t, "@GM-OK-1", Options{})
	rep, err := Run(context.Background(), Options{Endpoint: url, Tags: "@GM-OK-1", Golden: path, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var keyID bool
	for _, s := range rep.Scenarios {
		for _, d := range s.Golden {
			if strings.Contains(d, `GenerateMac: KeyId: recorded "<key-arn:K>"; observed "<key-id:K>"`) {
				keyID = true
			}
		}
	}
	sum := summary(rep)
	if !keyID || !strings.Contains(sum, "differed") || strings.Contains(sum, " 0 differed") {
		t.Errorf("moto's GenerateMac KeyId deviation not reported:\n%s", sum)
	}
	t.Logf("moto against the reference recording:\n%s", textutil.Clip(sum, 3000))
}
