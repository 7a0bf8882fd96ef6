package runner

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kmsmac/kmsmac/results"
)

// lifecycleSelfTest checks the lifecycle, import and grant steps against
// the embedded reference: each scenario's verdict is known in advance, so
// a step that could never fail (or never pass) shows up here.
const lifecycleSelfTest = `Feature: lifecycle steps self-test
  @CK-3
  Scenario: enum subset holds
    When I call CreateKey with:
      | KeySpec  | HMAC_256 |
      | KeyUsage | RANDOM   |
    Then the error message's enum value set includes ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC

  @CK-3
  Scenario: enum subset misses a value
    When I call CreateKey with:
      | KeySpec  | HMAC_256 |
      | KeyUsage | RANDOM   |
    Then the error message's enum value set includes ENCRYPT_DECRYPT, NOT_A_USAGE

  # No rule tag: a self-test asserts hard (XOP-5's code is inferred).
  Scenario: one of the codes matches
    Given an HMAC_256 key "K"
    When I call GetPublicKey for key "K"
    Then the call fails with one of NotFoundException, UnsupportedOperationException

  Scenario: none of the codes matches
    Given an HMAC_256 key "K"
    When I call GetPublicKey for key "K"
    Then the call fails with one of NotFoundException, DisabledException

  @IMP-3
  Scenario: wrapping key size and validity hold
    Given an HMAC_256 key "K" without key material
    When I call GetParametersForImport with:
      | KeyId             | key:K              |
      | WrappingAlgorithm | RSAES_OAEP_SHA_256 |
      | WrappingKeySpec   | RSA_2048           |
    Then the response "PublicKey" is an RSA public key of 2048 bits
    And the response "ParametersValidTo" is about 24 hours from now

  @IMP-3
  Scenario: wrong wrapping key size
    Given an HMAC_256 key "K" without key material
    When I call GetParametersForImport with:
      | KeyId             | key:K              |
      | WrappingAlgorithm | RSAES_OAEP_SHA_256 |
      | WrappingKeySpec   | RSA_2048           |
    Then the response "PublicKey" is an RSA public key of 4096 bits

  @IMP-3
  Scenario: wrong validity
    Given an HMAC_256 key "K" without key material
    When I call GetParametersForImport with:
      | KeyId             | key:K              |
      | WrappingAlgorithm | RSAES_OAEP_SHA_256 |
      | WrappingKeySpec   | RSA_2048           |
    Then the response "ParametersValidTo" is about 48 hours from now

  @IMP-1 @GM-OK-4
  Scenario: imported material is the MAC key
    Given an HMAC_384 key "K" without key material
    And key material "M" of 48 random bytes
    When I import material "M" into key "K"
    Then the call succeeds
    Given I compute the HMAC_SHA_384 of blob:x under the material of key "K" as "Local"
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:x       |
      | MacAlgorithm | HMAC_SHA_384 |
    Then I keep the response "Mac" as "Remote"
    And the MACs "Local" and "Remote" are equal

  @IMP-10
  Scenario: different material is refused
    Given an HMAC_256 key "K" without key material
    And key material "A" of 32 random bytes
    And key material "B" of 32 random bytes
    When I import material "A" into key "K"
    And I import material "B" into key "K"
    Then the call succeeds

  @GR-5
  Scenario: a created grant's token works
    Given an HMAC_256 key "K"
    When I create a grant "G" on key "K" with:
      | Operations | json:["GenerateMac"] |
    Then the call succeeds
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:x       |
      | MacAlgorithm | HMAC_SHA_256 |
      | GrantTokens  | tokens:G     |
    Then the call succeeds

  @CK-1
  Scenario: naming a created key
    When I call CreateKey with:
      | KeySpec  | HMAC_224            |
      | KeyUsage | GENERATE_VERIFY_MAC |
    Then I name the created key "K"
    When I call DescribeKey for key "K"
    Then the response "KeyMetadata.Arn" is "<key-arn:K>"
`

func TestLifecycleSteps(t *testing.T) {
	res, err := Run(context.Background(), Options{FS: fstest.MapFS{"self.feature": {Data: []byte(lifecycleSelfTest)}}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]results.ScenarioResult{}
	for _, s := range res.Scenarios {
		got[s.Name] = s
	}
	tests := []struct {
		name   string
		want   results.Status
		reason string // part of the failure text
	}{
		{"enum subset holds", results.Passed, ""},
		{"enum subset misses a value", results.Failed, "missing NOT_A_USAGE"},
		{"one of the codes matches", results.Passed, ""},
		{"none of the codes matches", results.Failed, "one of NotFoundException (HTTP 400), DisabledException (HTTP 400)"},
		{"wrapping key size and validity hold", results.Passed, ""},
		{"wrong wrapping key size", results.Failed, "an RSA public key of 2048 bits"},
		{"wrong validity", results.Failed, "ParametersValidTo about"},
		{"imported material is the MAC key", results.Passed, ""},
		{"different material is refused", results.Failed, "IncorrectKeyMaterialException"},
		{"a created grant's token works", results.Passed, ""},
		{"naming a created key", results.Passed, ""},
	}
	for _, tc := range tests {
		s, ok := got[tc.name]
		if !ok {
			t.Errorf("%s: did not run", tc.name)
			continue
		}
		if s.Status != tc.want || !strings.Contains(s.Reason, tc.reason) {
			t.Errorf("%s: %s (%s), want %s mentioning %q", tc.name, s.Status, s.Reason, tc.want, tc.reason)
		}
	}
}
