package steps

import (
	"fmt"
	"testing"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/kmsmac/kmsmac/keypool"
)

func step(text string, table ...string) *godog.Step {
	st := &godog.Step{Text: text}
	if len(table) > 0 {
		dt := &messages.PickleTable{}
		for i := 0; i+1 < len(table); i += 2 {
			dt.Rows = append(dt.Rows, &messages.PickleTableRow{Cells: []*messages.PickleTableCell{{Value: table[i]}, {Value: table[i+1]}}})
		}
		st.Argument = &messages.PickleStepArgument{DataTable: dt}
	}
	return st
}

func TestPlanSharingGivenAlias(t *testing.T) {
	pk := kind("HMAC_256", "GENERATE_VERIFY_MAC", "AWS_KMS", 0)
	steps := []*godog.Step{step(`an HMAC_256 key "K"`), step(`an alias "A" for key "K"`),
		step("I call GenerateMac with:", "KeyId", "alias:A")}
	p := planSharing(steps)
	got := p.resolveAliases(func(k keypool.Kind) string { return map[keypool.Kind]string{pk: "alias/mine"}[k] })
	if got["A"] != "alias/mine" || p.slot["K"] != pk || p.creates {
		t.Fatalf("given alias: %v, plan %+v", got, p)
	}
	// Without a given alias of that key, the alias is created: K is not shared.
	p = planSharing(steps)
	if got := p.resolveAliases(func(k keypool.Kind) string {
		return map[keypool.Kind]string{kind("HMAC_512", "GENERATE_VERIFY_MAC", "AWS_KMS", 0): "alias/x"}[k]
	}); len(got) != 0 || len(p.slot) != 0 || !p.creates {
		t.Fatalf("no given alias: %v, plan %+v", got, p)
	}
}

func TestPlanSharing(t *testing.T) {
	gen := step("I call GenerateMac with:", "KeyId", "key:K", "MacAlgorithm", "HMAC_SHA_256")
	cases := []struct {
		name    string
		steps   []*godog.Step
		shared  map[string]keypool.Kind
		creates bool
	}{
		{"read only", []*godog.Step{step(`an HMAC_256 key "K"`), gen, step("the call succeeds")},
			map[string]keypool.Kind{"K": kind("HMAC_256", "GENERATE_VERIFY_MAC", "AWS_KMS", 0)}, false},
		{"two keys of a spec stay distinct", []*godog.Step{step(`an HMAC_256 key "A"`), step(`an HMAC_256 key "B"`),
			step(`I generate a MAC of "x" with key "A" and HMAC_SHA_256 as "m"`)},
			map[string]keypool.Kind{"A": kind("HMAC_256", "GENERATE_VERIFY_MAC", "AWS_KMS", 0), "B": kind("HMAC_256", "GENERATE_VERIFY_MAC", "AWS_KMS", 1)}, false},
		{"state change", []*godog.Step{step(`an HMAC_256 key "K"`), step(`key "K" is in state Disabled`), gen},
			map[string]keypool.Kind{}, true},
		{"call for key", []*godog.Step{step(`an HMAC_256 key "K"`), step(`I call DisableKey for key "K"`)},
			map[string]keypool.Kind{}, true},
		{"read call for key", []*godog.Step{step(`an HMAC_256 key "K"`), step(`I call DescribeKey for key "K"`)},
			map[string]keypool.Kind{"K": kind("HMAC_256", "GENERATE_VERIFY_MAC", "AWS_KMS", 0)}, false},
		{"alias", []*godog.Step{step(`an HMAC_256 key "K"`), step(`an alias "A" for key "K"`), gen},
			map[string]keypool.Kind{}, true},
		{"grant", []*godog.Step{step(`an HMAC_256 key "K"`), step(`a grant "G" on key "K" for GenerateMac`)},
			map[string]keypool.Kind{}, true},
		{"tag through a table", []*godog.Step{step(`an HMAC_256 key "K"`), step(`an HMAC_256 key "L"`),
			step("I call TagResource with:", "KeyId", "key-arn:L")},
			map[string]keypool.Kind{"K": kind("HMAC_256", "GENERATE_VERIFY_MAC", "AWS_KMS", 0)}, true},
		{"import", []*godog.Step{step(`an HMAC_256 key "K" without key material`), step(`key material "M" of 32 random bytes`),
			step(`I import material "M" into key "K"`)}, map[string]keypool.Kind{}, true},
		{"external read", []*godog.Step{step(`an HMAC_384 key "K" without key material`), gen},
			map[string]keypool.Kind{"K": kind("HMAC_384", "GENERATE_VERIFY_MAC", "EXTERNAL", 0)}, false},
		{"usage", []*godog.Step{step(`a SYMMETRIC_DEFAULT key "E" with usage ENCRYPT_DECRYPT`), gen},
			map[string]keypool.Kind{"E": kind("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", 0)}, false},
		{"property", []*godog.Step{step(`I check the property "RoundTrip" with 10 generated cases`)}, map[string]keypool.Kind{}, true},
		{"raw mutation naming the last key", []*godog.Step{step(`an HMAC_256 key "K"`),
			{Text: "I send a raw ScheduleKeyDeletion request with body:", Argument: &messages.PickleStepArgument{DocString: &messages.PickleDocString{Content: `{"KeyId": "<key-id>"}`}}}},
			map[string]keypool.Kind{}, true},
	}
	for _, c := range cases {
		p := planSharing(c.steps)
		p.resolveAliases(func(keypool.Kind) string { return "" }) // no --keys
		if fmt.Sprint(p.slot) != fmt.Sprint(c.shared) || p.creates != c.creates {
			t.Errorf("%s: shared %v creates %v; want %v %v", c.name, p.slot, p.creates, c.shared, c.creates)
		}
	}
}

func kind(spec, usage, origin string, slot int) keypool.Kind {
	return keypool.Kind{Spec: spec, Usage: usage, Origin: origin, Slot: slot}
}
