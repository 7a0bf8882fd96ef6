package progress

import (
	"strings"
	"testing"
)

// godog's pretty output keeps its steps and failures but loses its own
// summary, whose totals disagree with kmsmac's.
func TestSummaryCut(t *testing.T) {
	var out strings.Builder
	c := &summaryCut{w: &out}
	for _, r := range "Scenario: x\n  Then y\n\n--- \x1b[31mFailed steps:\x1b[0m\n\n  Scenario: x\n1 scenarios (1 failed)\n" {
		c.Write([]byte(string(r))) // godog's colour filter writes a rune at a time
	}
	if got := out.String(); got != "Scenario: x\n  Then y\n\n" {
		t.Errorf("kept %q", got)
	}
}
