package runner

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kmsmac/kmsmac/results"
)

// attribution is a feature whose per-rule verdicts are known in advance
// against a reference behind a proxy that refuses CreateGrant.
const attribution = `Feature: per-rule attribution
  @GM-OK-1 @KID-4
  Scenario: an annotated check is charged to its rule only
    Given an HMAC_256 key "K"
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the call succeeds
    And the response "KeyId" is "<key-id:K>" [KID-4]

  @GM-OK-1 @KID-4
  Scenario: a rule whose checks come after a failure is not reached
    Given an HMAC_256 key "K"
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the response "KeyId" is "<key-id:K>" [KID-4]
    And the response "Mac" is 32 bytes [GM-OK-1]

  @GM-OK-1 @MAC-GT-1
  Scenario: a missing grant operation blocks the scenario
    Given an HMAC_256 key "K"
    And a grant "G" on key "K" for GenerateMac
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
      | GrantTokens  | tokens:G     |
    Then the call succeeds

  @GR-5
  Scenario: a call under test to a missing operation blocks
    Given an HMAC_256 key "K"
    When I create a grant "G" on key "K" with:
      | Operations | json:["GenerateMac"] |
    Then the call succeeds

  @GR-1
  Scenario: the blocking rule fails on its own scenario
    Given an HMAC_256 key "K"
    And a grant "G" on key "K" for GenerateMac
    Then the call succeeds
`

func TestPerRuleAttribution(t *testing.T) {
	proxy := refusing(t, "TrentService.CreateGrant", http.StatusNotImplemented, `{"__type":"NotImplementedException","message":"no grants here"}`)
	res, err := Run(context.Background(), Options{Endpoint: proxy, FS: fstest.MapFS{"a.feature": {Data: []byte(attribution)}}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]results.Status{}
	scen := map[string]results.ScenarioResult{}
	for _, s := range res.Scenarios {
		scen[s.Name] = s
		got[s.Name] = map[string]results.Status{}
		for _, ro := range s.RuleOutcomes {
			got[s.Name][ro.Rule] = ro.Status
		}
	}
	want := map[string]map[string]results.Status{
		"an annotated check is charged to its rule only":          {"GM-OK-1": results.Passed, "KID-4": results.Failed},
		"a rule whose checks come after a failure is not reached": {"GM-OK-1": results.NotReached, "KID-4": results.Failed},
		"a missing grant operation blocks the scenario":           {"GM-OK-1": results.Blocked, "MAC-GT-1": results.Blocked},
		"the blocking rule fails on its own scenario":             {"GR-1": results.Failed},
		"a call under test to a missing operation blocks":         {"GR-5": results.Blocked},
	}
	for name, rules := range want {
		for rule, st := range rules {
			if got[name][rule] != st {
				t.Errorf("%s: %s is %q, want %q (scenario %s: %s)", name, rule, got[name][rule], st, scen[name].Status, scen[name].Reason)
			}
		}
	}
	if s := scen["a missing grant operation blocks the scenario"]; s.Status != results.Blocked || s.BlockedBy != "GR-1" ||
		!strings.Contains(s.Reason, "CreateGrant not implemented") {
		t.Errorf("blocked scenario: %s by %q: %s", s.Status, s.BlockedBy, s.Reason)
	}
	if s := scen["the blocking rule fails on its own scenario"]; s.Status != results.Failed {
		t.Errorf("GR-1's own scenario: %s, want failed", s.Status)
	}
	// Run-wide: GM-OK-1 passed once, blocked once, not reached once: passed.
	verdicts := map[string]results.Status{}
	for _, v := range res.RuleVerdicts() {
		verdicts[v.Rule] = v.Status
	}
	for rule, st := range map[string]results.Status{"GM-OK-1": results.Passed, "KID-4": results.Failed, "MAC-GT-1": results.Blocked, "GR-1": results.Failed} {
		if verdicts[rule] != st {
			t.Errorf("run verdict of %s: %q, want %q", rule, verdicts[rule], st)
		}
	}
	if ids := strings.Join(res.RuleIDs(results.Failed), " "); ids != "GR-1 KID-4" {
		t.Errorf("failing rule ids %q, want %q", ids, "GR-1 KID-4")
	}
}
