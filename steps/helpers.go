package steps

import (
	"context"
	"fmt"
	"slices"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// The prologues most step functions share: the last outcome, a named key,
// and the two ways a step treats its call (setup that must succeed, or the
// call under test that only needs an answer).

func lastOrErr(w *World) (*target.Outcome, error) {
	if w.last == nil {
		return nil, fmt.Errorf("no call was made yet")
	}
	return w.last, nil
}

// LastOutcome is the scenario's World and last outcome, for Then steps.
// A call to an operation the endpoint lacks, in a scenario about another
// rule, blocks the scenario by the rule that promises the operation.
func LastOutcome(ctx context.Context) (*World, *target.Outcome, error) {
	w := WorldFrom(ctx)
	o, err := lastOrErr(w)
	if err == nil {
		err = w.lacking(o)
	}
	return w, o, err
}

// capabilityOps are the operations an emulator may lack altogether; a 5xx
// from GenerateMac or CreateKey is a crash, not a missing capability.
var capabilityOps = map[string]bool{"GetParametersForImport": true, "ImportKeyMaterial": true,
	"DeleteImportedKeyMaterial": true, "CreateGrant": true, "CreateAlias": true, "UpdateAlias": true}

func (w *World) lacking(o *target.Outcome) error {
	if o.OK() || !capabilityOps[o.Op] || !NotImplemented(o) {
		return nil
	}
	rule := results.BlockingRule(o.Op, o.Request)
	if slices.Contains(w.Rules, rule) {
		return nil // the scenario is about that operation: its checks judge it
	}
	return w.Block(rule, textutil.FirstLine(RequireText(o)))
}

// LastResolved is LastOutcome and s with its placeholders resolved, in
// that order: with no call yet, that is the error.
func LastResolved(ctx context.Context, s string) (*World, *target.Outcome, string, error) {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return w, nil, "", err
	}
	r, err := w.Resolve(ctx, s)
	return w, o, r, err
}

// ScenarioKey is the scenario's World and the key it calls name.
func ScenarioKey(ctx context.Context, name string) (*World, *Key, error) {
	w := WorldFrom(ctx)
	k, err := w.Key(name)
	return w, k, err
}

// CallRequired makes a setup call: any failure to get a 200 fails the step
// (World.Require says how).
func (w *World) CallRequired(ctx context.Context, op string, req map[string]any, raw bool) (*target.Outcome, error) {
	o, err := w.Call(ctx, op, req, raw)
	if err != nil {
		return nil, err
	}
	if err := w.Require(o); err != nil {
		return nil, err
	}
	return o, nil
}

// CallUnderTest makes the call a scenario asserts on: any HTTP answer,
// error or not, is for the Then steps; no answer at all fails the step.
func (w *World) CallUnderTest(ctx context.Context, op string, req map[string]any, raw bool) (*target.Outcome, error) {
	o, err := w.Call(ctx, op, req, raw)
	if err != nil {
		return nil, err
	}
	if o.Status == 0 && o.Err != nil {
		return nil, fmt.Errorf("%s: %s", op, o.Summary()) // nothing to assert on
	}
	return o, nil
}
