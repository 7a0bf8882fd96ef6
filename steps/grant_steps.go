package steps

import (
	"context"
	"fmt"

	"github.com/cucumber/godog"
)

// Steps for grants on HMAC keys (rules.md §14): CreateGrant as the call
// under test, with the grant kept and revoked after the scenario when it
// was created.
func init() {
	registerSteps(func(sc *godog.ScenarioContext) {
		sc.When(`^I create a grant "([^"]+)" on key "([^"]+)" with:$`, createGrantTable)
	})
}

// createGrantTable calls CreateGrant through the SDK with the table's
// members; KeyId defaults to the key's id and GranteePrincipal to the
// caller's account root. The outcome is the scenario's last.
func createGrantTable(ctx context.Context, name, key string, t *godog.Table) error {
	w := WorldFrom(ctx)
	k, err := w.Key(key)
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
	o, err := w.Call(ctx, "CreateGrant", req, false)
	if err != nil {
		return err
	}
	if o.Status == 0 && o.Err != nil {
		return fmt.Errorf("CreateGrant: %s", o.Summary())
	}
	if !o.OK() {
		return nil
	}
	id, _ := o.Member("GrantId")
	tok, _ := o.Member("GrantToken")
	g := &Grant{Name: name, ID: fmt.Sprint(id), Token: fmt.Sprint(tok), Key: k}
	w.AddGrant(g)
	w.OnCleanup(func(ctx context.Context) error {
		r := w.Target.Raw.Send(ctx, "RevokeGrant", mustJSON(map[string]any{"KeyId": k.ID, "GrantId": g.ID}))
		if !r.OK() && r.Type != "NotFoundException" {
			return fmt.Errorf("RevokeGrant %s: %s", g.ID, r.Summary())
		}
		return nil
	})
	return nil
}
