package steps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/keypool"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// Key sharing is declared in the features with @shared-key (SharedKeyTag):
// the scenario promises that it only reads the keys it declares. The run
// engine reads the declaration before the scenario runs
// (runner/share_plan.go) and tells the World which keys are shared
// (ShareKeys). The World serves them (sharedCreateKey) and keeps the
// promise: World.Call refuses any call that is not read-only and names a
// shared key (checkShared), so a wrong tag fails its scenario on every run.

// SharedKeyTag marks a scenario (or a feature or rule) that only reads
// the keys it declares, so they may be shared.
const SharedKeyTag = "@shared-key"

// NoCreateReason is the skip reason of scenarios --no-create cannot run.
const NoCreateReason = "--no-create: this scenario creates or changes keys"

// ReadOps change nothing on the keys they name: the only operations a
// @shared-key scenario may call on a shared key.
var ReadOps = map[string]bool{
	"GenerateMac": true, "VerifyMac": true, "DescribeKey": true, "ListResourceTags": true, "ListGrants": true,
	"ListAliases": true, "ListKeys": true, "GetKeyPolicy": true, "ListKeyPolicies": true, "GetKeyRotationStatus": true,
	"ListKeyRotations": true, "GetPublicKey": true, "Encrypt": true, "Decrypt": true, "ReEncrypt": true, "Sign": true,
	"Verify": true, "GenerateDataKey": true, "GenerateDataKeyWithoutPlaintext": true, "GenerateDataKeyPair": true,
	"GenerateDataKeyPairWithoutPlaintext": true, "GenerateRandom": true, "DeriveSharedSecret": true,
	"NoSuchOperation": true, // answers UnknownOperationException
}

// SharedKeys is what a scenario takes from the run's key pool.
type SharedKeys struct {
	Keys    map[string]keypool.Kind // the scenario's key name -> the pool's key of that kind
	ByStep  map[string]string       // step id -> the shared key its "Given a <spec> key" step declares
	Aliases map[string]string       // the scenario's alias name -> an alias from --keys (never created or deleted)
}

// ShareKeys tells the World, before the scenario's first step, which of
// its keys and aliases are the run's (package runner decides).
func (w *World) ShareKeys(s SharedKeys) {
	for a, name := range s.Aliases {
		w.aliases[a] = name
		w.givenAliases = append(w.givenAliases, name)
	}
	w.share, w.shareByStep = s.Keys, s.ByStep
}

// sharedCreateKey answers the CreateKey of a "Given a <spec> key" step
// with the run-wide key: DescribeKey has the same KeyMetadata shape.
func (w *World) sharedCreateKey(ctx context.Context, req map[string]any) (*target.Outcome, bool, error) {
	pk, ok := w.share[w.sharing]
	w.sharingName, w.sharing = w.sharing, ""
	if !ok {
		return nil, false, nil
	}
	spec, _ := req["KeySpec"].(string)
	usage, _ := req["KeyUsage"].(string)
	origin, _ := req["Origin"].(string)
	if origin == "" {
		origin = "AWS_KMS"
	}
	if spec != pk.Spec || usage != pk.Usage || origin != pk.Origin || len(req) > 3 {
		return nil, false, nil // not the request the plan expected: create as usual
	}
	id, err := w.Opts.Pool.Get(ctx, pk)
	var refused *keypool.CreateError
	if errors.As(err, &refused) { // a missing precondition (verdict.go)
		return nil, true, &precondition{rule: results.BlockingRule(refused.Outcome.Op, refused.Outcome.Request),
			reason: fmt.Sprintf("creating the shared %s %s key: %s", pk.Spec, pk.Usage, RequireText(refused.Outcome))}
	}
	if err != nil {
		return nil, true, err
	}
	o := sharedMetadata(ctx, w, id)
	if w.sharedIDs == nil {
		w.sharedIDs = map[string]string{}
	}
	w.sharedIDs[id] = w.sharingName
	if arn, ok := o.Member("KeyMetadata.Arn"); ok {
		w.sharedIDs[fmt.Sprint(arn)] = w.sharingName
	}
	return o, true, nil
}

// givenAliasCall answers the CreateAlias of an "an alias" step served by
// --keys with DescribeKey of the existing alias (nothing is created).
func (w *World) givenAliasCall(ctx context.Context, req map[string]any) (*target.Outcome, bool) {
	name, _ := req["AliasName"].(string)
	for _, a := range w.givenAliases {
		if a == name {
			return w.Target.CallSDK(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": name})), true
		}
	}
	return nil, false
}

// checkShared refuses a call that is not read-only and names one of the
// scenario's shared keys: the @shared-key tag promised it would not.
func (w *World) checkShared(op string, body []byte) error {
	if len(w.sharedIDs) == 0 || ReadOps[strings.TrimPrefix(op, "TrentService.")] {
		return nil
	}
	for ref, name := range w.sharedIDs {
		if bytes.Contains(body, []byte(ref)) {
			return fmt.Errorf("harness: this scenario is %s but %s names the shared key %q, which would change a key other scenarios use; "+
				"drop the tag, or give the scenario its own key", SharedKeyTag, op, name)
		}
	}
	return nil
}

// sharedMetadata is a shared key's DescribeKey answer, asked once per run
// (Settings.described): no scenario may change a shared key, so its
// metadata does not change, and 178 scenarios asking again cost moto 0.4 s
// of CPU.
func sharedMetadata(ctx context.Context, w *World, id string) *target.Outcome {
	if o, ok := w.Opts.described.Load(id); ok {
		c := *o.(*target.Outcome) // each scenario its own outcome; the body is only read
		return &c
	}
	o := w.Target.CallSDK(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": id}))
	if o.OK() {
		w.Opts.described.Store(id, o)
	}
	return o
}
