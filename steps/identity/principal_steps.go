package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

// Steps for permissions (rules.md §15, KID-3, GR-5/6/8, DRY-4, SIG-5): keys
// whose key policy leaves out a second principal of the harness's account,
// calls made as that principal or as a principal of another account, and
// the AccessDeniedException they get. The principals come from the target
// (the embedded reference's own, or `principals:` of --keys); without them
// the scenario is blocked, never failed.
func init() {
	steps.Define(func(sc *godog.ScenarioContext) {
		sc.Given(steps.Re(`^an? (HMAC_\d+) key "([^"]+)" whose key policy leaves out the second principal$`),
			func(ctx context.Context, spec, name string) error { return givenPolicyKey(ctx, spec, name, nil) })
		sc.Given(steps.Re(`^an? (HMAC_\d+) key "([^"]+)" whose key policy leaves out the second principal and allows:$`), givenPolicyKey)
		sc.When(steps.Re(`^the (second principal|other-account principal) calls (\S+) with:$`), callAs)
		sc.Step(steps.Re(`^I create a grant "([^"]+)" on key "([^"]+)" for the (second principal|other-account principal) to (\S+)$`), grantTo)
		sc.Then(steps.Re(`^the call is denied to the (second principal|other-account principal) for kms:(\w+) on key "([^"]+)"$`), thenDenied)
		sc.Then(steps.Re(`^the call fails with (\w+) and message in the other account "(.*)"$`), thenFailsOther)
		sc.Then(steps.Re(`^the created key belongs to the other account$`), thenOtherAccountKey)
	})
}

// roleOf maps a phrase to the target's principal role.
func roleOf(who string) string {
	if who == "second principal" {
		return target.RoleSecond
	}
	return target.RoleOtherAccount
}

// principal returns the principal in a role, or blocks the scenario (by
// no rule: nothing the endpoint promised is missing, the harness was given
// no one to sign as).
func principal(w *steps.World, role string) (target.Principal, error) {
	if p, ok := w.Target.PrincipalFor(role); ok && p.ARN != "" && p.AccessKeyID != "" {
		return p, nil
	}
	return target.Principal{}, w.Block("", "no "+role+" principal to sign as: give the endpoint's in `principals:` of --keys (the embedded reference has its own)")
}

// fillPrincipals fills the principals' placeholders: <second-arn>,
// <other-arn>, <other-account>.
func fillPrincipals(w *steps.World, s string) (string, error) {
	for _, ph := range []string{"<second-arn>", "<other-arn>", "<other-account>"} {
		if !strings.Contains(s, ph) {
			continue
		}
		role := target.RoleOtherAccount
		if ph == "<second-arn>" {
			role = target.RoleSecond
		}
		p, err := principal(w, role)
		if err != nil {
			return "", err
		}
		v := p.ARN
		if ph == "<other-account>" {
			v = p.Account()
		}
		s = strings.ReplaceAll(s, ph, v)
	}
	return s, nil
}

// resolve fills the principals' placeholders, then the World's own.
func resolve(ctx context.Context, w *steps.World, s string) (string, error) {
	s, err := fillPrincipals(w, s)
	if err != nil {
		return "", err
	}
	return w.Resolve(ctx, s)
}

// givenPolicyKey creates a key whose policy lets the harness's account use
// it through IAM except the second principal (so that principal has no
// permission but what a later statement or grant gives), plus one
// statement per table row: | principal | actions | mac algorithm |, the
// principal being "second principal", "other account" (its root) or
// "other-account principal".
func givenPolicyKey(ctx context.Context, spec, name string, t *godog.Table) error {
	w := steps.WorldFrom(ctx)
	second, err := principal(w, target.RoleSecond)
	if err != nil {
		return err
	}
	part, acct, err := w.Target.Identity(ctx)
	if err != nil {
		return err
	}
	stmts := []map[string]any{{
		"Sid": "AccountThroughIAMButTheSecondPrincipal", "Effect": "Allow",
		"Principal": map[string]any{"AWS": "arn:" + part + ":iam::" + acct + ":root"},
		"Action":    "kms:*", "Resource": "*",
		"Condition": map[string]any{"StringNotEquals": map[string]any{"aws:PrincipalArn": second.ARN}},
	}}
	if t != nil {
		for i, row := range t.Rows {
			if len(row.Cells) < 2 || len(row.Cells) > 3 {
				return fmt.Errorf("key policy table row %d: want | principal | actions | [mac algorithm] |", i+1)
			}
			who := row.Cells[0].Value
			if i == 0 && who == "principal" {
				continue // header
			}
			var arn string
			switch who {
			case "second principal":
				arn = second.ARN
			case "other account", "other-account principal":
				p, err := principal(w, target.RoleOtherAccount)
				if err != nil {
					return err
				}
				arn = p.ARN
				if who == "other account" {
					arn = "arn:" + part + ":iam::" + p.Account() + ":root"
				}
			default:
				return fmt.Errorf("key policy table row %d: principal %q: want second principal, other account or other-account principal", i+1, who)
			}
			var actions []string
			for _, a := range strings.Split(row.Cells[1].Value, ",") {
				actions = append(actions, strings.TrimSpace(a))
			}
			st := map[string]any{"Sid": fmt.Sprintf("Row%d", i+1), "Effect": "Allow",
				"Principal": map[string]any{"AWS": arn}, "Action": actions, "Resource": "*"}
			if len(row.Cells) == 3 && row.Cells[2].Value != "" {
				st["Condition"] = map[string]any{"StringEquals": map[string]any{"kms:MacAlgorithm": row.Cells[2].Value}}
			}
			stmts = append(stmts, st)
		}
	}
	doc := textutil.MustJSON(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	_, err = w.CreateKey(ctx, name, map[string]any{"KeySpec": spec, "KeyUsage": "GENERATE_VERIFY_MAC", "Policy": string(doc)})
	return err
}

// callAs sends op, signed as another principal, through the raw client;
// the outcome is the scenario's last. A key that principal creates is
// scheduled for deletion by it after the scenario.
func callAs(ctx context.Context, who, op string, t *godog.Table) error {
	w := steps.WorldFrom(ctx)
	p, err := principal(w, roleOf(who))
	if err != nil {
		return err
	}
	resolved, err := resolvedTable(ctx, w, t)
	if err != nil {
		return err
	}
	req, err := w.Request(ctx, resolved)
	if err != nil {
		return err
	}
	if op == "CreateKey" {
		if _, ok := req["Tags"]; !ok {
			req["Tags"] = []map[string]string{{"TagKey": target.RunTagKey, "TagValue": w.Target.RunID}}
		}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	as := w.Target.RawAs(p.AccessKeyID, p.SecretAccessKey)
	o := as.Send(ctx, op, body)
	w.Record(o)
	if o.Status == 0 && o.Err != nil {
		return fmt.Errorf("%s as %s: %s", op, who, o.Summary())
	}
	if op == "CreateKey" && o.OK() {
		if id, _ := o.Member("KeyMetadata.KeyId"); id != nil {
			w.OnCleanup(func(ctx context.Context) error {
				r := as.Send(ctx, "ScheduleKeyDeletion", textutil.MustJSON(map[string]any{"KeyId": id, "PendingWindowInDays": 7}))
				if !r.OK() {
					return fmt.Errorf("ScheduleKeyDeletion %v as %s: %s", id, who, r.Summary())
				}
				return nil
			})
		}
	}
	return nil
}

// resolvedTable copies a request table with the principals' placeholders
// filled (the World fills the rest).
func resolvedTable(ctx context.Context, w *steps.World, t *godog.Table) (*godog.Table, error) {
	if t == nil {
		return nil, nil
	}
	out := &messages.PickleTable{}
	for _, row := range t.Rows {
		r := &messages.PickleTableRow{}
		for _, c := range row.Cells {
			v, err := fillPrincipals(w, c.Value)
			if err != nil {
				return nil, err
			}
			r.Cells = append(r.Cells, &messages.PickleTableCell{Value: v})
		}
		out.Rows = append(out.Rows, r)
	}
	return out, nil
}

// grantTo creates a grant for another principal as the call under test and
// keeps it (token for tokens:G*1), revoking it after the scenario.
func grantTo(ctx context.Context, name, key, who, ops string) error {
	w, k, err := steps.ScenarioKey(ctx, key)
	if err != nil {
		return err
	}
	p, err := principal(w, roleOf(who))
	if err != nil {
		return err
	}
	o, err := w.CallUnderTest(ctx, "CreateGrant", map[string]any{
		"KeyId": k.ID, "GranteePrincipal": p.ARN, "Operations": strings.Split(ops, ","),
	}, false)
	if err != nil || !o.OK() {
		return err
	}
	id, _ := o.Member("GrantId")
	tok, _ := o.Member("GrantToken")
	g := &steps.Grant{Name: name, ID: fmt.Sprint(id), Token: fmt.Sprint(tok), Key: k}
	w.AddGrant(g)
	w.OnCleanup(func(ctx context.Context) error {
		r := w.Target.Raw.Send(ctx, "RevokeGrant", textutil.MustJSON(map[string]any{"KeyId": k.ID, "GrantId": g.ID}))
		if !r.OK() && r.Type != "NotFoundException" {
			return fmt.Errorf("RevokeGrant %s: %s", g.ID, r.Summary())
		}
		return nil
	})
	return nil
}

// thenDenied checks AccessDeniedException (HTTP 400), then the AUTH-5
// message: "User: <principal ARN> is not authorized to perform:
// kms:<Action> on resource: <key ARN>", optionally with "because ...".
func thenDenied(ctx context.Context, who, action, key string) error {
	w, o, err := steps.LastOutcome(ctx)
	if err != nil {
		return err
	}
	p, err := principal(w, roleOf(who))
	if err != nil {
		return err
	}
	k, err := w.Key(key)
	if err != nil {
		return err
	}
	const code = "AccessDeniedException"
	if err := w.Check(steps.KindCode, o.Type == code, code, o.Summary()); err != nil {
		return err
	}
	if err := w.Check(steps.KindStatus, o.Status == 400, "HTTP 400", o.Summary()); err != nil {
		return err
	}
	want := "User: " + p.ARN + " is not authorized to perform: kms:" + action + " on resource: " + k.ARN
	ok := o.HasMsg && (o.Message == want || strings.HasPrefix(o.Message, want+" because "))
	return w.Check(steps.KindText, ok, fmt.Sprintf("message %q (optionally with a \"because ...\" suffix)", want), o.Summary())
}

// thenFailsOther is "the call fails with X and message M" where M may name
// the other account's principals (<other-account>, <other-arn>).
func thenFailsOther(ctx context.Context, code, msg string) error {
	w, o, err := steps.LastOutcome(ctx)
	if err != nil {
		return err
	}
	want, err := resolve(ctx, w, msg)
	if err != nil {
		return err
	}
	st := steps.StatusFor(code)
	if err := w.Check(steps.KindCode, o.Type == code && o.Status == st, fmt.Sprintf("%s (HTTP %d)", code, st), o.Summary()); err != nil {
		return err
	}
	return w.Check(steps.KindText, o.HasMsg && steps.SameMessage(want, o.Message), fmt.Sprintf("message %q", want), o.Summary())
}

// thenOtherAccountKey checks that a key the other-account principal created
// is in its account: KeyMetadata.AWSAccountId and the account of its ARN.
func thenOtherAccountKey(ctx context.Context) error {
	w, o, err := steps.LastOutcome(ctx)
	if err != nil {
		return err
	}
	p, err := principal(w, target.RoleOtherAccount)
	if err != nil {
		return err
	}
	acct, _ := o.Member("KeyMetadata.AWSAccountId")
	arn, _ := o.Member("KeyMetadata.Arn")
	s, _ := arn.(string)
	f := strings.Split(s, ":")
	ok := o.OK() && acct == p.Account() && len(f) == 6 && f[4] == p.Account()
	return w.Check(steps.KindCode, ok, "a key of account "+p.Account()+" (AWSAccountId and ARN)", o.Summary())
}
