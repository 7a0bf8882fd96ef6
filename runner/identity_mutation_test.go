package runner

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/kmsmac/kmsmac/internal/refmut"
	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/auth"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// mutationVerdicts runs the scenarios of tags against a reference `kmsmac
// serve` would start (with the embedded reference's extra principals,
// given to the harness through a --keys file), with mutation m applied.
func mutationVerdicts(t *testing.T, tags string, m refmut.Mutation) map[string]results.Status {
	t.Helper()
	ps := auth.Default("").Principals
	for _, p := range target.EmbeddedPrincipals {
		ps = append(ps, &auth.Principal{ARN: p.ARN, AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey})
	}
	cfg, err := auth.New(ps...)
	if err != nil {
		t.Fatal(err)
	}
	opts := reference.Options{Principals: cfg}
	refmut.Apply(&opts, m)
	srv := reference.NewServer(opts)
	defer srv.Close()
	doc, err := yaml.Marshal(map[string]any{"principals": target.EmbeddedPrincipals})
	if err != nil {
		t.Fatal(err)
	}
	keys := filepath.Join(t.TempDir(), "keys.yaml")
	if err := os.WriteFile(keys, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Options{Endpoint: srv.URL(), Tags: tags, KeysFile: keys})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]results.Status{}
	for _, v := range res.RuleVerdicts() {
		out[v.Rule] = v.Status
	}
	return out
}

// TestIdentityRulesCatchMutations: the signing and permission scenarios
// pass on the reference and fail on a reference with that check removed
// (a suite that passes either way tests nothing).
func TestIdentityRulesCatchMutations(t *testing.T) {
	cases := []struct {
		name  string
		m     refmut.Mutation
		tags  string
		rules []string
	}{
		{"skips signature checks", refmut.SkipSignature, "@SIG-2,@SIG-3,@SIG-4", []string{"SIG-2", "SIG-3", "SIG-4"}},
		{"ignores the key policy", refmut.IgnoreKeyPolicy, "@AUTH-1,@AUTH-2,@AUTH-4,@AUTH-5,@AUTH-6,@AUTH-7,@GR-6,@DRY-4",
			[]string{"AUTH-1", "AUTH-2", "AUTH-4", "AUTH-5", "AUTH-6", "AUTH-7", "GR-6", "DRY-4"}},
		{"ignores kms:MacAlgorithm", refmut.IgnoreMacAlgorithm, "@AUTH-3", []string{"AUTH-3"}},
		// The grantee is a principal the key policy leaves out, so a grant (and its token) is its only way in.
		{"ignores grants", refmut.IgnoreGrants, "@GR-1,@GR-5", []string{"GR-1", "GR-5"}},
		{"serves every caller from the default account", refmut.IgnoreCallerAccount, "@SIG-5", []string{"SIG-5"}},
		{"resolves another account's bare key id", refmut.BareIDAcrossAccounts, "@KID-3", []string{"KID-3"}},
		{"keeps CreateGrant in the caller's account", refmut.NoCrossAccountGrant, "@GR-8", []string{"GR-8"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			good, broken := mutationVerdicts(t, c.tags, 0), mutationVerdicts(t, c.tags, c.m)
			for _, r := range c.rules {
				if good[r] != results.Passed {
					t.Errorf("%s on the reference: %s, want passed", r, good[r])
				}
				if broken[r] != results.Failed {
					t.Errorf("%s on a reference that %s: %s, want failed", r, c.name, broken[r])
				}
			}
		})
	}
}

// TestUnsignedRequestMutation: SIG-1 is split (refusal D, error code I); a
// reference that runs unsigned requests fails its recorded part.
func TestUnsignedRequestMutation(t *testing.T) {
	good, broken := mutationVerdicts(t, "@SIG-1", 0), mutationVerdicts(t, "@SIG-1", refmut.AllowUnsigned)
	if good["SIG-1"] != results.Passed {
		t.Errorf("SIG-1 on the reference: %s, want passed", good["SIG-1"])
	}
	// The refusal is recorded (D), so running the request fails SIG-1 hard;
	// the error code's scenario alone would only be a deviation (I).
	if broken["SIG-1"] != results.Failed {
		t.Errorf("SIG-1 on a reference that runs unsigned requests: %s, want %s", broken["SIG-1"], results.Failed)
	}
}

// TestIdentityRulesBlockedWithoutPrincipals: an endpoint the harness has no
// other principals for blocks the permission scenarios, never fails them.
func TestIdentityRulesBlockedWithoutPrincipals(t *testing.T) {
	srv := reference.NewServer(reference.Options{})
	defer srv.Close()
	res, err := Run(context.Background(), Options{Endpoint: srv.URL(), Tags: "@AUTH-1,@AUTH-6,@GR-6,@KID-3,@SIG-5,@DRY-4"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range res.RuleVerdicts() {
		n++
		if v.Status != results.Blocked {
			t.Errorf("%s without principals: %s, want blocked", v.Rule, v.Status)
		}
	}
	if n == 0 {
		t.Fatal("no rule verdicts")
	}
}
