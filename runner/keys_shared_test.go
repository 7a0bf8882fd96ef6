package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

const shareFeature = `Feature: sharing
  @GM-OK-1 @shared-key
  Scenario Outline: read only <n>
    Given an HMAC_256 key "K"
    And an HMAC_256 key "L"
    And I generate a MAC of "hi" with key "K" and HMAC_SHA_256 as "a"
    And I generate a MAC of "hi" with key "L" and HMAC_SHA_256 as "b"
    Then the MACs "a" and "b" are different
    Examples:
      | n |
      | 1 |
      | 2 |
      | 3 |

  @STATE-2
  Scenario: changes its key
    Given an HMAC_256 key "K"
    And key "K" is in state Disabled
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the call fails with DisabledException

  @GM-OK-1
  Scenario Outline: property <n>
    When I check the property "RoundTrip" with 5 generated cases
    Then the property holds
    Examples:
      | n |
      | 1 |
      | 2 |
`

// tagged returns every key of the server tagged with the run id, by state.
func tagged(t *testing.T, srv *reference.Server, runID string) map[string]string {
	t.Helper()
	ctx := context.Background()
	svc := srv.Service()
	out, err := svc.Call(ctx, "ListKeys", []byte(`{"Limit":1000}`))
	if err != nil {
		t.Fatal(err)
	}
	o := &target.Outcome{Status: 200, Body: out}
	v, _ := o.Member("Keys")
	states := map[string]string{}
	for _, k := range v.([]any) {
		id := k.(map[string]any)["KeyId"].(string)
		tags, err := svc.Call(ctx, "ListResourceTags", textutil.MustJSON(map[string]any{"KeyId": id}))
		if err != nil || !strings.Contains(string(tags), runID) {
			continue
		}
		d, _ := svc.Call(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": id}))
		st, _ := (&target.Outcome{Status: 200, Body: d}).Member("KeyMetadata.KeyState")
		states[id] = fmt.Sprint(st)
	}
	return states
}

func TestSharedKeysCreatedOnceAndCleanedUp(t *testing.T) {
	srv := reference.NewServer(reference.Options{})
	defer srv.Close()
	fsys := fstest.MapFS{"share.feature": {Data: []byte(shareFeature)}}
	res, err := Run(context.Background(), Options{Endpoint: srv.URL(), FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts(); c[results.Passed] != 6 {
		t.Fatalf("counts %v: %+v", c, res.Scenarios)
	}
	// 2 shared keys (slots 0 and 1) for the three outlines, 1 for the
	// changer, and one property fixture (2 AWS_KMS + 1 imported key per
	// HMAC spec) for both property scenarios, plus the run's one import
	// probe (steps/generated/vector_steps.go).
	if res.KeysCreated != 3+12+1 {
		t.Fatalf("KeysCreated = %d, want 16", res.KeysCreated)
	}
	states := tagged(t, srv, res.RunID)
	if len(states) != int(res.KeysCreated) {
		t.Fatalf("keys tagged with the run: %d, KeysCreated %d", len(states), res.KeysCreated)
	}
	for id, st := range states {
		if st != "PendingDeletion" {
			t.Errorf("key %s left in %s after the run", id, st)
		}
	}
}

func TestKeysFileWithNoCreate(t *testing.T) {
	srv := reference.NewServer(reference.Options{})
	defer srv.Close()
	ctx := context.Background()
	mk := func(req string) string {
		out, err := srv.Service().Call(ctx, "CreateKey", []byte(req))
		if err != nil {
			t.Fatal(err)
		}
		id, _ := (&target.Outcome{Status: 200, Body: out}).Member("KeyMetadata.KeyId")
		return id.(string)
	}
	k256a := mk(`{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`)
	file := filepath.Join(t.TempDir(), "keys.yaml")
	if _, err := srv.Service().Call(ctx, "CreateAlias", []byte(`{"AliasName":"alias/byok","TargetKeyId":"`+k256a+`"}`)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("hmac:\n  HMAC_256: "+k256a+"\naliases:\n  HMAC_256: alias/byok\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	feature := `Feature: byok
  @shared-key
  Scenario: one given key
    Given an HMAC_256 key "K"
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the call succeeds
    And the response "KeyId" is "<key-arn:K>"

  @shared-key
  Scenario: needs a second key
    Given an HMAC_256 key "K"
    And an HMAC_256 key "L"
    And I generate a MAC of "hi" with key "K" and HMAC_SHA_256 as "a"

  Scenario: changes the key
    Given an HMAC_256 key "K"
    When I call DisableKey for key "K"
    Then the call succeeds

  @shared-key
  Scenario: through an alias
    Given an HMAC_256 key "K"
    And an alias "A" for key "K"
    When I call GenerateMac with:
      | KeyId        | alias:A      |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the call succeeds
    And the response "KeyId" is "<key-arn:K>"
`
	res, err := Run(ctx, Options{Endpoint: srv.URL(), FS: fstest.MapFS{"b.feature": {Data: []byte(feature)}}, KeysFile: file, NoCreate: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]results.Status{"one given key": results.Passed, "needs a second key": results.Skipped, "changes the key": results.Skipped, "through an alias": results.Passed}
	for _, s := range res.Scenarios {
		if s.Status != want[s.Name] {
			t.Errorf("%q: %s (%s), want %s", s.Name, s.Status, s.Reason, want[s.Name])
		}
		if s.Status == results.Skipped && s.Reason != steps.NoCreateReason {
			t.Errorf("%q skipped with %q", s.Name, s.Reason)
		}
	}
	if res.KeysCreated != 0 {
		t.Errorf("--no-create run created %d keys", res.KeysCreated)
	}
	d, _ := srv.Service().Call(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": k256a}))
	if st, _ := (&target.Outcome{Status: 200, Body: d}).Member("KeyMetadata.KeyState"); st != "Enabled" {
		t.Errorf("the given key is %v after the run", st)
	}

	if _, err := srv.Service().Call(ctx, "DescribeKey", []byte(`{"KeyId":"alias/byok"}`)); err != nil {
		t.Errorf("the given alias is gone after the run: %v", err)
	}

	// A key of the wrong kind fails the scenarios with a clear reason.
	bad := mk(`{"KeySpec":"HMAC_384","KeyUsage":"GENERATE_VERIFY_MAC"}`)
	if err := os.WriteFile(file, []byte("hmac:\n  HMAC_256: "+bad+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err = Run(ctx, Options{Endpoint: srv.URL(), FS: fstest.MapFS{"b.feature": {Data: []byte(feature)}}, KeysFile: file, NoCreate: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts()[results.Failed] != 4 || !strings.Contains(res.Scenarios[0].Reason, "HMAC_384") {
		t.Errorf("wrong key kind: %+v", res.Scenarios)
	}
}

// A scenario tagged @shared-key that changes its key anyway fails, and
// the shared key is left as it was for the scenarios after it.
func TestWrongSharedKeyTagFails(t *testing.T) {
	srv := reference.NewServer(reference.Options{})
	defer srv.Close()
	feature := `Feature: wrong tag
  @STATE-2 @shared-key
  Scenario: says it only reads, but disables
    Given an HMAC_256 key "K"
    When I call DisableKey for key "K"
    Then the call succeeds
`
	res, err := Run(context.Background(), Options{Endpoint: srv.URL(), FS: fstest.MapFS{"w.feature": {Data: []byte(feature)}}, KeepKeys: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) != 1 || res.Scenarios[0].Status != results.Failed || !strings.Contains(res.Scenarios[0].Reason, "@shared-key") {
		t.Fatalf("got %+v, want a failure naming @shared-key", res.Scenarios)
	}
	states := tagged(t, srv, res.RunID)
	if len(states) != 1 {
		t.Fatalf("keys of the run: %v, want the one shared key", states)
	}
	for id, st := range states {
		if st != "Enabled" {
			t.Errorf("shared key %s is %s, want Enabled: the DisableKey was sent", id, st)
		}
	}
}
