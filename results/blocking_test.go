package results

import "testing"

// Every rule a failed setup call blocks by is in the catalogue, and the
// CreateKey request picks the rule that promises that kind of key.
func TestBlockingRule(t *testing.T) {
	for _, c := range []struct {
		op, body, want string
	}{
		{"CreateKey", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`, "CK-1"},
		{"CreateKey", `{"CustomerMasterKeySpec":"HMAC_384"}`, "CK-1"},
		{"CreateKey", `{"KeySpec":"HMAC_256","Origin":"EXTERNAL"}`, "CK-11"},
		{"CreateKey", `{"KeySpec":"HMAC_512","MultiRegion":true}`, "CK-10"},
		{"CreateKey", `{"KeySpec":"SYMMETRIC_DEFAULT"}`, ""},
		{"CreateKey", `not json`, ""},
		{"GetParametersForImport", `{}`, "IMP-1"},
		{"ImportKeyMaterial", `{}`, "IMP-1"},
		{"DeleteImportedKeyMaterial", `{}`, "IMP-8"},
		{"CreateGrant", `{}`, "GR-1"},
		{"CreateAlias", `{}`, "KID-1"},
		{"UpdateAlias", `{}`, "KID-13"},
		{"DisableKey", `{}`, "STATE-10"},
		{"EnableKey", `{}`, "STATE-10"},
		{"ScheduleKeyDeletion", `{}`, "STATE-12"},
		{"CancelKeyDeletion", `{}`, "STATE-11"},
		{"DescribeKey", `{}`, "DK-5"},
		{"GenerateMac", `{}`, "GM-OK-1"},
		{"VerifyMac", `{}`, "VM-OK-1"},
		{"TagResource", `{}`, ""},
	} {
		got := BlockingRule(c.op, []byte(c.body))
		if got != c.want {
			t.Errorf("%s %s: %q, want %q", c.op, c.body, got, c.want)
		}
		if _, ok := Levels()[got]; got != "" && !ok {
			t.Errorf("%s: %s is not in features/RULES.md", c.op, got)
		}
	}
}
