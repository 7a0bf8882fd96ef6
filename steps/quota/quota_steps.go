package quota

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"
	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

// setQuota is the control's target. A quota a scenario sets refills one
// request per 1,000 s: no token comes back within the scenario (nor within
// the harness's throttling retries), so the counts are exact.
const (
	setQuota  = "KmsmacReference.SetQuota"
	refillRPS = 0.001
)

func init() {
	steps.Define(func(sc *godog.ScenarioContext) {
		sc.Given(steps.Re(`^the endpoint can set request-rate quotas$`), givenQuotaControl)
		sc.Given(steps.Re(`^the (Cryptographic|KeyManagement|HotKey) quota on key "([^"]+)" allows (\d+) requests?$`), givenQuota)
		sc.Given(steps.Re(`^key "([^"]+)" lets the other account use it$`), givenOtherAccountPolicy)
		sc.When(steps.Re(`^I call (\w+) as the other account with:$`), callAsOtherAccount)
		sc.Then(steps.Re(`^a GenerateMac through the SDK on key "([^"]+)" fails with ThrottlingException, an error GenerateMac does not model$`), thenSDKUnmodeled)
	})
}

// blockRule is the rule a missing precondition blocks by: none. No
// catalogued rule promises the control or a second account, and blocking by
// the scenario's own rule would count as that rule failing.
func blockRule(*steps.World) string { return "" }

// givenQuotaControl blocks a scenario, before it creates keys, on an
// endpoint that cannot be a kmsmac reference (whose SetQuota control the
// quota steps use).
func givenQuotaControl(ctx context.Context) error {
	w := steps.WorldFrom(ctx)
	if !w.Target.Reference {
		return w.Block(blockRule(w), "the endpoint has no "+setQuota+" control to set a request-rate quota (only a kmsmac reference has it); AWS's own quotas are not asserted (AMB-14)")
	}
	return nil
}

// givenQuota sets the quota and returns ctx marked ThrottlingTested: the
// scenario's later calls are not retried on throttling, which they assert.
func givenQuota(ctx context.Context, class, keyName, n string) (context.Context, error) {
	err := setQuotaOn(ctx, class, keyName, n)
	return target.ThrottlingTested(ctx), err
}

func setQuotaOn(ctx context.Context, class, keyName, n string) error {
	w := steps.WorldFrom(ctx)
	k, err := w.Key(keyName)
	if err != nil {
		return err
	}
	burst, err := strconv.Atoi(n)
	if err != nil || burst < 1 {
		return fmt.Errorf("a quota allows at least 1 request, not %q", n)
	}
	if err := givenQuotaControl(ctx); err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"Quota": class, "RequestsPerSecond": refillRPS, "Burst": burst, "KeyId": k.ID})
	o := w.Target.Raw.Send(target.Harness(ctx), setQuota, body)
	if o.Type == "UnknownOperationException" {
		return w.Block(blockRule(w), "the endpoint does not answer "+setQuota+" (kmsmac serve without --controls?)")
	}
	if !o.OK() {
		return fmt.Errorf("%s: %s", setQuota, o.Summary())
	}
	off, _ := json.Marshal(map[string]any{"Quota": class, "RequestsPerSecond": 0, "KeyId": k.ID})
	w.OnCleanup(func(ctx context.Context) error {
		if o := w.Target.Raw.Send(ctx, setQuota, off); !o.OK() {
			return fmt.Errorf("turning the %s quota on key %s off: %s", class, keyName, o.Summary())
		}
		return nil
	})
	return nil
}

func otherAccount(w *steps.World) (target.Principal, string, error) {
	p, ok := w.Target.PrincipalFor(target.RoleOtherAccount)
	if !ok || p.Account() == "" {
		return p, "", w.Block(blockRule(w), "no principal of another account is configured (role "+target.RoleOtherAccount+")")
	}
	return p, p.Account(), nil
}

// givenOtherAccountPolicy puts a key policy that keeps the default
// statement (the owner's root may do anything) and lets the other
// account's root use the key for MACs.
func givenOtherAccountPolicy(ctx context.Context, keyName string) error {
	w := steps.WorldFrom(ctx)
	k, err := w.Key(keyName)
	if err != nil {
		return err
	}
	_, other, err := otherAccount(w)
	if err != nil {
		return err
	}
	partition, owner := w.Target.Account()
	if partition == "" || owner == "" {
		return w.Block(blockRule(w), "the harness does not know its own account (GetCallerIdentity/ARN), so it cannot write the key policy")
	}
	root := func(acct string) string { return "arn:" + partition + ":iam::" + acct + ":root" }
	policy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Sid": "Owner", "Effect": "Allow", "Principal": map[string]any{"AWS": root(owner)}, "Action": "kms:*", "Resource": "*"},
		map[string]any{"Sid": "OtherAccount", "Effect": "Allow", "Principal": map[string]any{"AWS": root(other)},
			"Action": []string{"kms:GenerateMac", "kms:VerifyMac", "kms:DescribeKey"}, "Resource": "*"},
	}})
	body, _ := json.Marshal(map[string]any{"KeyId": k.ID, "PolicyName": "default", "Policy": string(policy)})
	if o := w.Target.Raw.Send(target.Harness(ctx), "PutKeyPolicy", body); !o.OK() {
		return w.Block(blockRule(w), "PutKeyPolicy letting the other account in was refused: "+o.Summary())
	}
	return nil
}

func callAsOtherAccount(ctx context.Context, op string, t *godog.Table) error {
	w := steps.WorldFrom(ctx)
	p, _, err := otherAccount(w)
	if err != nil {
		return err
	}
	req, err := w.Request(ctx, t)
	if err != nil {
		return err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	w.Record(w.Target.RawAs(p.AccessKeyID, p.SecretAccessKey).Send(ctx, op, body))
	return nil
}

// thenSDKUnmodeled calls GenerateMac through the SDK with its retries off
// (the harness retries throttling) and checks what the SDK makes of the
// answer: a generic API error with the code, not one of the operation's
// modeled exception types (QUO-3).
func thenSDKUnmodeled(ctx context.Context, keyName string) error {
	w := steps.WorldFrom(ctx)
	k, err := w.Key(keyName)
	if err != nil {
		return err
	}
	_, err = w.Target.SDK.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: aws.String(k.ID), Message: []byte("hello"),
		MacAlgorithm: "HMAC_SHA_256"}, func(o *kms.Options) { o.Retryer = aws.NopRetryer{} })
	var api smithy.APIError
	code := "success"
	if errors.As(err, &api) {
		code = api.ErrorCode()
	} else if err != nil {
		code = "no API error: " + err.Error()
	}
	if err := w.Check(steps.KindCode, code == "ThrottlingException", "ThrottlingException", code); err != nil {
		return err
	}
	var generic *smithy.GenericAPIError
	typ := fmt.Sprintf("%T", api)
	return w.Check(steps.KindCode, errors.As(err, &generic), "a *smithy.GenericAPIError (no modeled type)", typ)
}
