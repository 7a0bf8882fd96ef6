package diff

import (
	"strings"
	"testing"
)

func TestPattern(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Key 'arn:aws:kms:us-east-1:<account>:key/1111-2222' does not exist", "Key '<value>' does not exist"},
		{"Alias arn:aws:kms:eu-west-2:<account>:alias/kmsmac-diff-missing is not found.", "Alias <key> is not found."},
		{"<key-arn:k6> is disabled.", "<key> is disabled."},
		{"<key-id:k2> is disabled.", "<key> is disabled."},
		{"Invalid keyId 0f3a6c1e-1b2c-4d5e-8f90-123456789abc", "Invalid keyId <key>"},
		{"alias/kmsmac-diff-1234abcd-k1 is pending deletion", "<key> is pending deletion"},
		{"The request is not valid for the key spec HMAC_512.", "The request is not valid for the key spec HMAC_<n>."},
		{"1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]' at 'mac' failed to satisfy constraint: Member must have length greater than or equal to 1",
			"<n> validation error detected: Value '<value>' at 'mac' failed to satisfy constraint: Member must have length greater than or equal to <n>"},
		{`Value "SHA_256" at 'macAlgorithm'`, `Value "<value>" at 'macAlgorithm'`},
		{"Invalid keyId 3499a563217d4e379f13246fa22f9cbb", "Invalid keyId <key>"},
		{"  spaced\n out  ", "spaced out"},
	} {
		if got := pattern(tc.in); got != tc.want {
			t.Errorf("pattern(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestMessagePatternOfAnErrorPage(t *testing.T) {
	page := "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1><p>The server encountered an internal error</p>"
	if got := messagePattern(Outcome{Status: 500, Code: nonJSON, Message: &page}); got != "<n> Internal Server Error" {
		t.Errorf("pattern of an HTML page: %q", got)
	}
	plain := "upstream <timeout> after 30s"
	if got := messagePattern(Outcome{Status: 502, Code: nonJSON, Message: &plain}); got != "upstream after <n>s" {
		t.Errorf("pattern of a text page: %q", got)
	}
}

// div is a divergence of op between two error answers.
func div(id int, kind, op string, a, b Outcome) *Divergence {
	ds := compare(a, b, nil)
	return &Divergence{Case: Case{ID: id, Kind: kind, Req: &Request{Op: op}}, A: a, B: b, Diffs: ds,
		Signature: signature(a, b, ds), Cause: causeOf(op, a, b, ds)}
}

func TestGroupingSeparatesCauses(t *testing.T) {
	fail := func(code, msg string) Outcome { return Outcome{Status: 400, Code: code, Message: ptr(msg)} }
	notFound := func(key string) Outcome { return fail("NotFoundException", "Key '"+key+"' does not exist") }
	results := []*Divergence{
		// Same cause, other keys and ids: one group.
		div(1, "bad-key-id", "GenerateMac", notFound("arn:aws:kms:us-east-1:<account>:key/0f3a6c1e-1b2c-4d5e-8f90-123456789abc"), fail("NotFoundException", "Invalid keyId 0f3a6c1e-1b2c-4d5e-8f90-123456789abc")),
		nil,
		div(3, "bad-key-id", "GenerateMac", notFound("arn:aws:kms:us-east-1:<account>:key/77777777-1b2c-4d5e-8f90-123456789abc"), fail("NotFoundException", "Invalid keyId 77777777-1b2c-4d5e-8f90-123456789abc")),
		// Same codes on both sides, other messages: another cause.
		div(4, "bad-key-id", "GenerateMac", fail("NotFoundException", "Alias arn:aws:kms:us-east-1:<account>:alias/x is not found."), fail("NotFoundException", "Invalid keyId alias/x")),
		// Same codes and messages, another operation: another cause.
		div(5, "bad-key-id", "VerifyMac", notFound("<key-arn:k1>"), fail("NotFoundException", "Invalid keyId <key-id:k1>")),
		// Same message patterns, other codes: another cause.
		div(6, "wrong-algorithm", "VerifyMac", fail("InvalidKeyUsageException", "Algorithm HMAC_SHA_384 is incompatible with key spec HMAC_224."), fail("ValidationException", "The request is not valid for the key spec HMAC_224.")),
		div(7, "wrong-algorithm", "VerifyMac", fail("InvalidKeyUsageException", "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_512."), fail("ValidationException", "The request is not valid for the key spec HMAC_512.")),
		// The same cause reached from another generator category joins it.
		div(8, "unknown-algorithm", "VerifyMac", fail("InvalidKeyUsageException", "Algorithm HMAC_SHA_224 is incompatible with key spec HMAC_256."), fail("ValidationException", "The request is not valid for the key spec HMAC_256.")),
	}
	groups := groupDivergences(results)
	var got []string
	for _, g := range groups {
		got = append(got, g.Cause.Op+" "+caseList(g.Cases))
		if g.Count != len(g.Cases) || g.Example == nil || g.Example.Case.ID != g.Cases[0] || g.ExampleCase != g.Cases[0] {
			t.Errorf("group %+v: count or example wrong", g)
		}
	}
	want := []string{"VerifyMac 6, 7, 8", "GenerateMac 1, 3", "GenerateMac 4", "VerifyMac 5"}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Fatalf("groups %q, want %q", got, want)
	}
	if k := strings.Join(groups[0].Kinds, ","); k != "wrong-algorithm,unknown-algorithm" || groups[0].Kind != "wrong-algorithm" {
		t.Errorf("generated kinds %q (example %q)", k, groups[0].Kind)
	}
	if results[0].Group != 2 || results[6].Group != 1 || results[3].Group != 3 {
		t.Errorf("divergences point at groups %d, %d, %d", results[0].Group, results[6].Group, results[3].Group)
	}
	c := groups[1].Cause
	if c.A != "400 NotFoundException" || c.MessageA != "Key '<value>' does not exist" || c.MessageB != "Invalid keyId <key>" || strings.Join(c.Differs, ",") != KindMessage {
		t.Errorf("cause %+v", c)
	}
}
