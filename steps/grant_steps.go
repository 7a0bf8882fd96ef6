package steps

import (
	"context"
	"fmt"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/target"
)

// Steps for grants on HMAC keys (rules.md §14): CreateGrant as the call
// under test, with the grant kept and revoked after the scenario when it
// was created.
func init() {
	Define(func(sc *godog.ScenarioContext) {
		sc.When(Re(`^I create a grant "([^"]+)" on key "([^"]+)" with:$`), createGrantTable)
	})
}

// createGrantTable calls CreateGrant through the SDK with the table's
// members; KeyId defaults to the key's id and GranteePrincipal to the
// caller's account root. The outcome is the scenario's last.
func createGrantTable(ctx context.Context, name, key string, t *godog.Table) error {
	w, k, err := ScenarioKey(ctx, key)
	if err != nil {
		return err
	}
	req, err := w.Request(ctx, t)
	if err != nil {
		return err
	}
	if _, ok := req["KeyId"]; !ok {
		req["KeyId"] = k.ID
	}
	if _, ok := req["GranteePrincipal"]; !ok {
		p, a, err := w.Target.Identity(ctx)
		if err != nil {
			return err
		}
		req["GranteePrincipal"] = fmt.Sprintf("arn:%s:iam::%s:root", p, a)
	}
	o, err := w.CallUnderTest(ctx, "CreateGrant", req, false)
	if err != nil {
		return err
	}
	if o.OK() {
		w.keepGrant(name, k, o)
	}
	return nil
}

// keepGrant names the grant a successful CreateGrant on k answered with,
// and revokes it after the scenario (one already gone is fine).
func (w *World) keepGrant(name string, k *Key, o *target.Outcome) {
	id, _ := o.Member("GrantId")
	tok, _ := o.Member("GrantToken")
	g := &Grant{Name: name, ID: fmt.Sprint(id), Token: fmt.Sprint(tok), Key: k}
	w.AddGrant(g)
	w.OnCleanup(func(ctx context.Context) error {
		r := w.Target.Raw.Send(ctx, "RevokeGrant", textutil.MustJSON(map[string]any{"KeyId": k.ID, "GrantId": g.ID}))
		if !r.OK() && r.Type != "NotFoundException" {
			return fmt.Errorf("RevokeGrant %s: %s", g.ID, r.Summary())
		}
		return nil
	})
}
