package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/awsjson"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/steps/generated"
)

// brokenService wraps the reference, letting fix rewrite any answer.
func brokenService(t *testing.T, fix func(op string, out []byte, err error) ([]byte, error)) string {
	t.Helper()
	svc := reference.NewService(reference.Options{})
	call := callerFunc(func(ctx context.Context, op string, body []byte) ([]byte, error) {
		out, err := svc.Call(ctx, op, body)
		return fix(op, out, err)
	})
	return serveCaller(t, call)
}

// The property scenarios fail (or deviate, where the evidence is weak)
// against endpoints that break the rule each checks, and the failure shows
// the seed and the shrunk counterexample.
func TestPropertiesCatchBrokenEndpoints(t *testing.T) {
	if testing.Short() {
		t.Skip("runs property scenarios against broken endpoints")
	}
	acceptAll := func(op string, out []byte, err error) ([]byte, error) {
		var e *awsjson.Error
		if op == "VerifyMac" && errors.As(err, &e) && e.Type == "KMSInvalidMacException" {
			return []byte(`{"MacValid": true}`), nil
		}
		return out, err
	}
	tests := []struct {
		name, tags string
		fix        func(op string, out []byte, err error) ([]byte, error)
		want       results.Status
		scenarios  int
		reason     []string
		rules      map[string]results.Status // per-rule outcomes that must hold
		noop       string                    // an operation that answers {} and does nothing
	}{
		{
			name: "wrong MACs break the round trip", tags: "@property && @GM-OK-1",
			fix:  alterAnswer("GenerateMac", flipMac),
			want: results.Failed, scenarios: 1, reason: []string{"RoundTrip: FAILED", "seed 42", "counterexample (shrunk", "VerifyMac of the MAC GenerateMac returned"},
		},
		{
			// VM-FAIL-2 is D for every alteration, truncation included.
			name: "accepting altered MACs breaks the tamper checks", tags: "@property && @VM-FAIL-2",
			fix: acceptAll, want: results.Failed, scenarios: 4, reason: []string{"FAILED", "seed 42", "want 400 KMSInvalidMacException"},
		},
		{
			name: "a DisableKey that does nothing diverges from the model", tags: "@property && @slow",
			noop: "DisableKey",
			want: results.Failed, scenarios: 1, reason: []string{"Model: FAILED", "seed 42", "DisableKey"},
		},
		{
			// The wording is VAL-FMT-1's (S): it fails, and only VAL-FMT-1.
			name: "other ValidationException wording fails VAL-FMT-1", tags: "@property && @MAC-SIZE-2",
			fix: func(op string, out []byte, err error) ([]byte, error) {
				var e *awsjson.Error
				if errors.As(err, &e) && e.Type == "ValidationException" {
					return nil, awsjson.ClientError("ValidationException", "bad input")
				}
				return out, err
			},
			want: results.Failed, scenarios: 1, reason: []string{"Limits[Message]: FAILED", "(VAL-FMT-1)"},
			rules: map[string]results.Status{"VAL-FMT-1": results.Failed, "MAC-SIZE-1": results.Passed, "MAC-SIZE-2": results.Passed, "MAC-SIZE-3": results.Passed},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := ""
			if tc.noop != "" {
				svc := reference.NewService(reference.Options{})
				url = serveCaller(t, callerFunc(func(ctx context.Context, op string, body []byte) ([]byte, error) {
					if op == tc.noop {
						return []byte(`{}`), nil
					}
					return svc.Call(ctx, op, body)
				}))
			} else {
				url = brokenService(t, tc.fix)
			}
			res, err := Run(context.Background(), Options{Endpoint: url, Tags: tc.tags, Seed: 42,
				FS: featureFS(t, "properties.feature")})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Scenarios) != tc.scenarios {
				t.Fatalf("%d scenarios ran, want %d", len(res.Scenarios), tc.scenarios)
			}
			for _, s := range res.Scenarios {
				if s.Status != tc.want {
					t.Errorf("%s: %s (%s), want %s; rules %+v", s.Name, s.Status, s.Reason, tc.want, s.RuleOutcomes)
					continue
				}
				for _, ro := range s.RuleOutcomes {
					if want, ok := tc.rules[ro.Rule]; ok && ro.Status != want {
						t.Errorf("%s: %s is %s, want %s", s.Name, ro.Rule, ro.Status, want)
					}
				}
				for _, part := range tc.reason {
					if !strings.Contains(s.Reason, part) {
						t.Errorf("%s: reason lacks %q:\n%s", s.Name, part, s.Reason)
					}
				}
			}
		})
	}
}

// Against the reference the property scenarios pass (TestFeatures runs
// them all), each shows the seed, and the run reports the seed it picked.
func TestPropertiesPassOnReference(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the property scenarios")
	}
	t.Setenv(generated.EnvSeed, "")
	res, err := Run(context.Background(), Options{Tags: "@GM-OK-1,@GM-OK-3,@MAC-GT-3", FS: featureFS(t, "properties.feature")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Seed == 0 {
		t.Error("the run did not report the seed it picked")
	}
	if len(res.Scenarios) != 3 {
		t.Errorf("%d scenarios, want 3", len(res.Scenarios))
	}
	for _, s := range res.Scenarios {
		if s.Status != results.Passed {
			t.Errorf("%s: %s: %s", s.Name, s.Status, s.Reason)
		}
		if len(s.Expected) == 0 || !strings.Contains(s.Expected[0], fmt.Sprintf("seed %d", res.Seed)) {
			t.Errorf("%s: expected %q does not show seed %d", s.Name, s.Expected, res.Seed)
		}
	}
}

// Off AWS a settled state that is not the one waited for is the answer
// (steps.WaitForState): an endpoint whose CancelKeyDeletion re-enables the
// key fails STATE-11 saying what it shows, not after the poll timeout.
func TestSettledStateEndsTheWait(t *testing.T) {
	svc := reference.NewService(reference.Options{})
	url := serveCaller(t, callerFunc(func(ctx context.Context, op string, body []byte) ([]byte, error) {
		out, err := svc.Call(ctx, op, body)
		if op == "CancelKeyDeletion" && err == nil {
			_, _ = svc.Call(ctx, "EnableKey", body)
		}
		return out, err
	}))
	res, err := Run(context.Background(), Options{Endpoint: url, Tags: "@STATE-11 && ~@property", Seed: 1,
		FS: featureFS(t, "key_states.feature"), PollTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) == 0 {
		t.Fatal("no STATE-11 scenario ran")
	}
	for _, s := range res.Scenarios {
		if s.Status != results.Failed || !strings.Contains(s.Reason, "shows Enabled, unchanged for") {
			t.Errorf("%s: %s (%s), want failed on the settled Enabled state", s.Name, s.Status, s.Reason)
		}
	}
}

// A refusal that is not a missing operation (here CreateKey of EXTERNAL
// HMAC_224 keys answering 500 InternalFailure) is the refused scenario's
// alone: the other specs' imports still run, one at a time or four at once.
func TestOneSpecRefusedBlocksOnlyItsScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the import scenarios twice")
	}
	svc := reference.NewService(reference.Options{})
	url := serveCaller(t, callerFunc(func(ctx context.Context, op string, body []byte) ([]byte, error) {
		if op == "CreateKey" && strings.Contains(string(body), `"HMAC_224"`) && strings.Contains(string(body), `"EXTERNAL"`) {
			return nil, &awsjson.Error{Status: 500, Type: "InternalFailure"}
		}
		return svc.Call(ctx, op, body)
	}))
	run := func(conc int) (out, wronglyBlocked []string) {
		res, err := Run(context.Background(), Options{Endpoint: url, Tags: "@import && ~@property", Seed: 1,
			FS: featureFS(t, "import.feature"), Concurrency: conc})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Scenarios {
			out = append(out, s.Name+": "+string(s.Status))
			if s.Status == results.Blocked && !strings.Contains(s.Name, "HMAC_224") && !strings.Contains(s.Name, "28 bytes") {
				wronglyBlocked = append(wronglyBlocked, s.Name+" ("+s.Reason+")")
			}
		}
		return out, wronglyBlocked
	}
	seq, b1 := run(1)
	conc, b4 := run(4)
	if !slices.Equal(seq, conc) {
		t.Errorf("statuses differ:\nsequential %q\nconcurrent %q", seq, conc)
	}
	if len(b1)+len(b4) > 0 {
		t.Errorf("blocked by another spec's refusal:\nsequential %q\nconcurrent %q", b1, b4)
	}
}
