package quota

import (
	"context"
	"testing"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

// Against an endpoint without the control the scenario is blocked by its
// rule, with the reason, never failed.
func TestQuotaBlockedWithoutControl(t *testing.T) {
	w := steps.NewWorld(&target.Target{Name: "moto"}, &steps.Settings{})
	w.Begin(&godog.Scenario{Tags: []*messages.PickleTag{{Name: "@QUO-2"}}})
	w.AddKey(&steps.Key{Name: "K", ID: "1234abcd-12ab-34cd-56ef-1234567890ab"})
	ctx := steps.WithWorld(context.Background(), w)
	err := setQuotaOn(ctx, "Cryptographic", "K", "1")
	rule, reason, ok := steps.IsBlocked(err)
	if !ok || rule != "" || reason == "" {
		t.Fatalf("got %v (blocked %v by %q), want blocked (by no rule: its own would count as failed) with a reason", err, ok, rule)
	}
	if err := setQuotaOn(ctx, "Cryptographic", "K", "0"); err == nil {
		t.Fatal("a quota of 0 requests was accepted")
	}
	if err := setQuotaOn(ctx, "Cryptographic", "NOPE", "1"); err == nil {
		t.Fatal("an unknown key was accepted")
	}
}

func TestOtherAccountBlockedWithoutPrincipal(t *testing.T) {
	w := steps.NewWorld(&target.Target{Name: "moto"}, &steps.Settings{})
	w.Begin(&godog.Scenario{Tags: []*messages.PickleTag{{Name: "@QUO-4"}}})
	ctx := steps.WithWorld(context.Background(), w)
	_, _, ok := steps.IsBlocked(callAsOtherAccount(ctx, "GenerateMac", nil))
	if !ok {
		t.Fatal("calling as another account without its principal was not blocked")
	}
}
