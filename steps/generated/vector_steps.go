package generated

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/properties"
	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
	"github.com/kmsmac/kmsmac/vectors"
)

// Steps for the known-answer vectors (@vectors): Wycheproof through the
// endpoint with imported keys. RFC 4231's keys are outside the lengths KMS
// imports (IMP-12): reference/mac's Go tests run it on the core.
func init() {
	steps.Define(func(sc *godog.ScenarioContext) {
		sc.Given(steps.Re(`^the Wycheproof vectors for (HMAC_SHA_\d+)$`), givenWycheproof)
		sc.When(steps.Re(`^I run the vectors through the endpoint with one imported key per distinct key$`), runVectorsStep)
		sc.Then(steps.Re(`^every vector the endpoint can take gives its expected tag with GenerateMac and VerifyMac$`), thenVectorsPass)
	})
}

// vectorRun is one @vectors scenario's state, kept in World.Vals.
type vectorRun struct {
	alg  string
	dir  string
	vs   []properties.Vector
	skip string // why the scenario cannot run here ("" when it can)
	ran  bool
	rep  properties.VectorsReport
}

const vectorRunKey = "vectors:run"

func givenWycheproof(ctx context.Context, alg string) error {
	w := steps.WorldFrom(ctx)
	file, ok := vectors.WycheproofFiles[alg]
	if !ok {
		return fmt.Errorf("no Wycheproof file for %s", alg)
	}
	vr := &vectorRun{alg: alg}
	w.Vals[vectorRunKey] = vr
	// The embedded set unless --vectors or $KMSMAC_VECTORS names a
	// directory, which must then hold the files (an error, not a skip).
	fsys, dir, err := vectors.OpenWycheproof(w.Opts.VectorsDir)
	if err != nil {
		return err
	}
	tests, err := vectors.LoadWycheproofFileFS(fsys, file)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if len(tests) == 0 {
		return fmt.Errorf("%s: %s has no tests", dir, file)
	}
	vr.dir, vr.vs = dir, properties.FromWycheproof(tests)
	return nil
}

func runVectorsStep(ctx context.Context) error {
	w := steps.WorldFrom(ctx)
	vr, ok := w.Vals[vectorRunKey].(*vectorRun)
	if !ok {
		return errors.New(`no vectors loaded (use "Given the Wycheproof vectors for <algorithm>" first)`)
	}
	if vr.skip != "" {
		return nil // the last step reports the skip
	}
	// An endpoint that cannot import HMAC material blocks the scenario, by
	// the rule its refusal breaks (CK-11 or IMP-1), which fails elsewhere.
	if err := importBlocked(ctx, w); err != nil {
		return err
	}
	// The one runner (properties.RunVectors), with the run's tag on its keys.
	cfg := properties.Config{Tags: map[string]string{target.RunTagKey: w.Target.RunID},
		KeyCreated: func(string) { w.Target.KeysCreated.Add(1) }}
	vr.rep = properties.RunVectors(ctx, w.Target.SDK, vr.vs, cfg)
	w.NoteCleanupProblems(vr.rep.Cleanup...)
	vr.ran = true
	return nil
}

// importProbes remembers, per run (Target), whether the target imports
// HMAC key material: the @import capability.
var importProbes sync.Map // *Target -> *importProbe

type importProbe struct {
	once  sync.Once
	why   string
	block error // the precondition the probe could not get, if any
}

// importBlocked is the blocked verdict of a scenario that needs imported
// HMAC material on a target that cannot import it, or nil.
func importBlocked(ctx context.Context, w *steps.World) error {
	importUnsupported(ctx, w)
	v, _ := importProbes.Load(w.Target)
	if p := v.(*importProbe); p.block != nil {
		rule, why, _ := steps.IsBlocked(p.block)
		return w.Block(rule, "@import: the endpoint cannot import HMAC key material: "+textutil.FirstLine(why))
	}
	return nil
}

// importUnsupported says why the target cannot import HMAC key material,
// or "" when it can; scenarios that need import then fail with that
// reason. It probes once per run with one EXTERNAL key (deleted after the
// scenario that probed); only an operation the endpoint lacks counts, any
// other failure is left to the scenarios to report.
func importUnsupported(ctx context.Context, w *steps.World) string {
	v, _ := importProbes.LoadOrStore(w.Target, &importProbe{})
	p := v.(*importProbe)
	p.once.Do(func() { p.why, p.block = probeImport(ctx, w) })
	return p.why
}

func probeImport(ctx context.Context, w *steps.World) (string, error) {
	material := make([]byte, 32)
	if _, err := rand.Read(material); err != nil {
		return "", nil
	}
	k, err := w.CreateKey(ctx, "kmsmac-import-probe", map[string]any{
		"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC", "Origin": "EXTERNAL",
		"Description": "kmsmac import capability probe"})
	if err == nil {
		err = w.ImportMaterial(ctx, k, material)
	}
	if _, why, ok := steps.IsBlocked(err); ok {
		return "@import: the endpoint cannot import key material (" + textutil.FirstLine(why) + ")", err
	}
	return "", nil // no answer at all, or imported: the scenarios report what they see
}

// maxListed bounds the failures a scenario prints; the count says the rest.
const maxListed = 12

func thenVectorsPass(ctx context.Context) error {
	w := steps.WorldFrom(ctx)
	vr, ok := w.Vals[vectorRunKey].(*vectorRun)
	if !ok {
		return errors.New("no vectors loaded")
	}
	if vr.skip != "" {
		w.Expect("skipped: " + vr.skip)
		return fmt.Errorf("%w: %s", godog.ErrSkip, vr.skip)
	}
	if !vr.ran {
		return errors.New(`the vectors were not run (use "When I run the vectors through the endpoint ...")`)
	}
	r := vr.rep
	expected := fmt.Sprintf("every importable Wycheproof %s vector gives its tag with GenerateMac and the right VerifyMac verdict (%s)", vr.alg, r.Summary())
	if r.Run == 0 {
		return w.Check(steps.KindCode, false, expected, "no vector could run through the endpoint")
	}
	byRule := r.ByRule() // each failing vector is charged to the rule of its check
	var errs []error
	for _, rule := range w.Rules {
		bad := byRule[rule]
		delete(byRule, rule)
		if err := w.CheckRules([]string{rule}, steps.KindCode, len(bad) == 0, expected,
			listed(fmt.Sprintf("%s: %d of %d vectors failed:", rule, len(bad), r.Run), bad)); err != nil {
			errs = append(errs, err)
		}
	}
	for rule, bad := range byRule { // a rule the scenario does not carry: charge them all
		if err := w.Check(steps.KindCode, false, expected, listed(fmt.Sprintf("%s: %d of %d vectors failed:", rule, len(bad), r.Run), bad)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// listed is head followed by at most maxListed items, one a line.
func listed(head string, items []string) string {
	for i, f := range items {
		if i == maxListed {
			head += fmt.Sprintf("\n    ... and %d more", len(items)-maxListed)
			break
		}
		head += "\n    " + f
	}
	return head
}
