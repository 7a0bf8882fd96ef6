package steps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/keypool"

	"github.com/kmsmac/kmsmac/target"
)

// Key sharing is declared in the features, on purpose: a scenario tagged
// @shared-key (SharedKeyTag) promises that it only reads the keys it
// declares with "Given a <spec> key "K"" (also "with usage U" and
// "without key material"). Those keys are then run-wide keys of their
// kind (package keypool), created once per run or taken from --keys. The
// promise is enforced: World.Call refuses any call that is not read-only
// and names a shared key (checkShared), so a wrong tag fails its scenario
// on every run. An "an alias "A" for key "K"" step in such a scenario uses
// the --keys alias of K's kind when one is given; otherwise K is the
// scenario's own key, since a new alias would change a shared key.

// SharedKeyTag marks a scenario (or a feature or rule) that only reads
// the keys it declares, so they may be shared.
const SharedKeyTag = "@shared-key"

// NoCreateReason is the skip reason of scenarios --no-create cannot run.
const NoCreateReason = "--no-create: this scenario creates or changes keys"

var (
	shareableKey = []*regexp.Regexp{ // the declaration phrases (common_steps.go, import_steps.go)
		regexp.MustCompile(`^an? (\S+) key "([^"]+)"$`),
		regexp.MustCompile(`^an? (\S+) key "([^"]+)" with usage (\S+)$`),
		regexp.MustCompile(`^an? (HMAC_\d+|SYMMETRIC_DEFAULT) key "([^"]+)" without key material$`),
	}
	aliasStep = regexp.MustCompile(`^an alias "([^"]+)" for key "([^"]+)"$`)
)

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

// sharePlan is what a scenario's declaration allows.
type sharePlan struct {
	slot    map[string]keypool.Kind // shared key name -> pool slot
	creates bool                    // the scenario creates or changes keys of its own
	aliases map[string]string       // alias name -> the key it is made for
}

// planSharing reads a scenario's declaration: without SharedKeyTag
// nothing is shared; with it, every declared key is, one pool slot per
// key of a kind.
func planSharing(tagged bool, steps []*godog.Step) sharePlan {
	p := sharePlan{slot: map[string]keypool.Kind{}, creates: !tagged, aliases: map[string]string{}}
	if !tagged {
		return p
	}
	used := map[keypool.Kind]int{}
	for _, st := range steps {
		if name, k, ok := shareableDecl(st.Text); ok {
			if _, dup := p.slot[name]; dup {
				continue
			}
			kind := k
			kind.Slot = used[k]
			used[k]++
			p.slot[name] = kind
		} else if m := aliasStep.FindStringSubmatch(st.Text); m != nil {
			p.aliases[m[1]] = m[2] // a given alias may serve it (resolveAliases)
		}
	}
	return p
}

// resolveAliases serves each alias step from --keys (an existing alias of
// the given key) or, failing that, unshares its key: a new alias changes it.
// It returns the given alias names by scenario name.
func (p *sharePlan) resolveAliases(given func(keypool.Kind) string) map[string]string {
	out := map[string]string{}
	for a, k := range p.aliases {
		pk, shared := p.slot[k]
		if name := given(pk); shared && name != "" {
			out[a] = name
			continue
		}
		delete(p.slot, k)
		p.creates = true
	}
	return out
}

func shareableDecl(text string) (string, keypool.Kind, bool) {
	for i, re := range shareableKey {
		m := re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		pk := keypool.Kind{Spec: m[1], Usage: DefaultUsage(m[1]), Origin: "AWS_KMS"}
		switch i {
		case 1:
			pk.Usage = m[3]
		case 2:
			pk.Origin = "EXTERNAL"
		}
		return m[2], pk, true
	}
	return "", keypool.Kind{}, false
}

func init() {
	Define(func(sc *godog.ScenarioContext) {
		sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
			w, ok := ctx.Value(worldKey{}).(*World)
			if !ok {
				return ctx, nil
			}
			pool := w.Opts.Pool
			if pool == nil {
				return ctx, nil // nothing is shared
			}
			if err := pool.Load(ctx); err != nil {
				return ctx, err
			}
			plan := planSharing(w.Tags[SharedKeyTag], s.Steps)
			for a, name := range plan.resolveAliases(pool.GivenAlias) {
				w.aliases[a] = name
				w.givenAliases = append(w.givenAliases, name)
			}
			if w.Opts.NoCreate {
				need := plan.creates
				for _, pk := range plan.slot {
					need = need || !pool.Served(pk)
				}
				if need {
					w.skipped = NoCreateReason
					return ctx, godog.ErrSkip
				}
			}
			w.share = plan.slot
			return ctx, nil
		})
		sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
			if w, ok := ctx.Value(worldKey{}).(*World); ok {
				w.sharing = ""
				if name, _, ok := shareableDecl(st.Text); ok {
					if _, shared := w.share[name]; shared {
						w.sharing = name
					}
				}
			}
			return ctx, nil
		})
	})
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
		return nil, true, &precondition{rule: blockingRule(refused.Outcome),
			reason: fmt.Sprintf("creating the shared %s %s key: %s", pk.Spec, pk.Usage, RequireText(refused.Outcome))}
	}
	if err != nil {
		return nil, true, err
	}
	o := w.Target.CallSDK(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": id}))
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
