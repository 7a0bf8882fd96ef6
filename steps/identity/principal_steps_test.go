package identity

import (
	"strings"
	"testing"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

func TestFillPrincipals(t *testing.T) {
	w := steps.NewWorld(&target.Target{Name: "none", Principals: target.EmbeddedPrincipals}, &steps.Settings{})
	w.Begin(&godog.Scenario{})
	got, err := fillPrincipals(w, "<second-arn> <other-arn> <other-account> <key-arn:K>")
	want := "arn:aws:iam::111122223333:user/kmsmac-second arn:aws:iam::444455556666:user/kmsmac-other 444455556666 <key-arn:K>"
	if err != nil || got != want {
		t.Fatalf("fillPrincipals = %q, %v; want %q", got, err, want)
	}
}

// Without principals a step is blocked (by no rule), never failed.
func TestNoPrincipalsBlocks(t *testing.T) {
	w := steps.NewWorld(&target.Target{Name: "none"}, &steps.Settings{})
	w.Begin(&godog.Scenario{})
	_, err := fillPrincipals(w, "<other-account>")
	rule, reason, ok := steps.IsBlocked(err)
	if !ok || rule != "" || !strings.Contains(reason, "other-account") {
		t.Fatalf("err = %v, want blocked by no rule, naming the other-account principal", err)
	}
	if _, err := fillPrincipals(w, "no placeholder"); err != nil {
		t.Fatalf("a string without placeholders: %v", err)
	}
}
