package steps

import (
	"strings"
	"testing"
)

func TestSplitStepRules(t *testing.T) {
	for in, want := range map[string]string{
		`the response "KeyId" is "x" [KID-4]`:           `the response "KeyId" is "x"|KID-4`,
		`the response "A" is "y" [GM-OK-1, MAC-SIZE-2]`: `the response "A" is "y"|GM-OK-1 MAC-SIZE-2`,
		`the response "A" equals JSON ["HMAC_SHA_256"]`: `the response "A" equals JSON ["HMAC_SHA_256"]|`,
		`plain`: `plain|`,
	} {
		text, ids := SplitStepRules(in)
		if got := text + "|" + strings.Join(ids, " "); got != want {
			t.Errorf("SplitStepRules(%q) = %q, want %q", in, got, want)
		}
	}
}
