package steps

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/kmsspec"
	"github.com/kmsmac/kmsmac/properties"
	"github.com/kmsmac/kmsmac/vectors"

	"github.com/kmsmac/kmsmac/target"
)

// Steps for the known-answer vectors (@vectors): Wycheproof through the
// endpoint with imported keys. RFC 4231's keys are outside the lengths KMS
// imports (IMP-12): reference/mac's Go tests run it on the core.
func init() {
	registerSteps(func(sc *godog.ScenarioContext) {
		sc.Given(`^the Wycheproof vectors for (HMAC_SHA_\d+)$`, givenWycheproof)
		sc.When(`^I run the vectors through the endpoint with one imported key per distinct key$`, runVectorsStep)
		sc.Then(`^every vector the endpoint can take gives its expected tag with GenerateMac and VerifyMac$`, thenVectorsPass)
	})
}

// vectorRun is one @vectors scenario's state, kept in World.Vals.
type vectorRun struct {
	alg  string
	dir  string
	vs   []properties.Vector
	skip string // why the scenario cannot run here ("" when it can)
	ran  bool
	rep  vectorReport
}

// vectorReport counts what happened to each vector.
type vectorReport struct {
	total, run, passed, keys int
	skipped                  map[string]int // reason -> vectors
	failures                 []string
	firstBad                 *target.Outcome // the call of the first failure, shown as the request
}

const vectorRunKey = "vectors:run"

func givenWycheproof(ctx context.Context, alg string) error {
	w := WorldFrom(ctx)
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
	w := WorldFrom(ctx)
	vr, ok := w.Vals[vectorRunKey].(*vectorRun)
	if !ok {
		return errors.New(`no vectors loaded (use "Given the Wycheproof vectors for <algorithm>" first)`)
	}
	if vr.skip != "" {
		return nil // the last step reports the skip
	}
	// An endpoint that cannot import HMAC material blocks the scenario, by
	// the rule its refusal breaks (CK-11 or IMP-1), which fails elsewhere.
	if err := w.ImportBlocked(ctx); err != nil {
		return err
	}
	vr.rep = w.runVectors(ctx, vr.vs)
	vr.ran = true
	return nil
}

// runVectors imports each distinct key once into a fresh EXTERNAL key of
// the algorithm's spec (IMP-1) and checks every vector with GenerateMac
// (GM-OK-2, GM-OK-4) and VerifyMac (VM-OK-1, VM-FAIL-2). Keys are named
// "wycheproof-N" and scheduled for deletion after the scenario.
func (w *World) runVectors(ctx context.Context, vs []properties.Vector) vectorReport {
	rep := vectorReport{total: len(vs), skipped: map[string]int{}}
	keys := map[string]*Key{}
	refused := map[string]string{} // key hex -> skip reason after a refused import
	broken := map[string]string{}  // key hex -> failure after a failed import
	for _, v := range vs {
		if why := vectors.EndpointSkipReason(v.Algorithm, v.Key, v.Msg); why != "" {
			rep.skipped[why]++
			continue
		}
		idx := hex.EncodeToString(v.Key)
		if why, ok := refused[idx]; ok {
			rep.skipped[why]++
			continue
		}
		if why, ok := broken[idx]; ok {
			rep.run++
			rep.failures = append(rep.failures, v.Name+": "+why)
			continue
		}
		k, ok := keys[idx]
		if !ok {
			var err error
			k, err = w.importVectorKey(ctx, v.Algorithm, v.Key, len(keys)+1)
			spec, _ := kmsspec.ByAlgorithm(v.Algorithm)
			switch {
			case err != nil && len(v.Key) != spec.Size:
				// AWS is recorded accepting only the digest size; longer
				// keys up to the block size are an inferred range (IMP-12).
				why := fmt.Sprintf("the endpoint refused a %d-byte key for %s (IMP-12: only %d bytes is recorded as accepted by AWS; the range up to the block size is inferred)",
					len(v.Key), spec.KeySpec, spec.Size)
				refused[idx] = why
				rep.skipped[why]++
				continue
			case err != nil:
				broken[idx] = fmt.Sprintf("importing its %d-byte key (IMP-1): %s", len(v.Key), textutil.FirstLine(err.Error()))
				rep.run++
				rep.failures = append(rep.failures, v.Name+": "+broken[idx])
				continue
			}
			keys[idx] = k
			rep.keys++
		}
		rep.run++
		why, o := w.checkVector(ctx, k, v)
		if why != "" {
			rep.failures = append(rep.failures, v.Name+": "+why)
			if rep.firstBad == nil {
				rep.firstBad = o
			}
			continue
		}
		rep.passed++
	}
	return rep
}

// importProbes remembers, per run (Target), whether the target imports
// HMAC key material: the @import capability.
var importProbes sync.Map // *Target -> *importProbe

type importProbe struct {
	once  sync.Once
	why   string
	block error // the precondition the probe could not get, if any
}

// ImportBlocked is the blocked verdict of a scenario that needs imported
// HMAC material on a target that cannot import it, or nil.
func (w *World) ImportBlocked(ctx context.Context) error {
	w.ImportUnsupported(ctx)
	v, _ := importProbes.Load(w.Target)
	if p := v.(*importProbe); p.block != nil {
		rule, why, _ := IsBlocked(p.block)
		return w.Block(rule, "@import: the endpoint cannot import HMAC key material: "+textutil.FirstLine(why))
	}
	return nil
}

// ImportUnsupported says why the target cannot import HMAC key material,
// or "" when it can; scenarios that need import then fail with that reason. It probes once per run with one EXTERNAL key (deleted
// after the scenario that probed); only an operation the endpoint lacks
// counts, any other failure is left to the scenarios to report.
func (w *World) ImportUnsupported(ctx context.Context) string {
	v, _ := importProbes.LoadOrStore(w.Target, &importProbe{})
	p := v.(*importProbe)
	p.once.Do(func() { p.why, p.block = w.probeImport(ctx) })
	return p.why
}

func (w *World) probeImport(ctx context.Context) (string, error) {
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
	if _, why, ok := IsBlocked(err); ok {
		return "@import: the endpoint cannot import key material (" + textutil.FirstLine(why) + ")", err
	}
	return "", nil // no answer at all, or imported: the scenarios report what they see
}

// importVectorKey creates an EXTERNAL HMAC key and imports material into it.
func (w *World) importVectorKey(ctx context.Context, alg string, material []byte, n int) (*Key, error) {
	spec, ok := kmsspec.ByAlgorithm(alg)
	if !ok {
		return nil, fmt.Errorf("%s is not a MAC algorithm", alg)
	}
	k, err := w.CreateKey(ctx, fmt.Sprintf("wycheproof-%d", n), map[string]any{
		"KeySpec": spec.KeySpec, "KeyUsage": "GENERATE_VERIFY_MAC", "Origin": "EXTERNAL",
		"Description": "kmsmac Wycheproof vector key"})
	if err != nil {
		return nil, err
	}
	if err := w.ImportMaterial(ctx, k, material); err != nil {
		return nil, err
	}
	return k, nil
}

// checkVector runs one vector; it returns what went wrong ("" when nothing
// did) and the call that showed it. VerifyMac must refuse every tag that is
// not the full MAC, a correct but truncated one too (VM-FAIL-2: only an
// identical tag verifies).
func (w *World) checkVector(ctx context.Context, k *Key, v properties.Vector) (string, *target.Outcome) {
	var why []string
	var bad *target.Outcome
	note := func(o *target.Outcome, format string, args ...any) {
		why = append(why, fmt.Sprintf(format, args...))
		if bad == nil {
			bad = o
		}
	}
	o, err := w.Call(ctx, "GenerateMac", map[string]any{"KeyId": k.ID, "MacAlgorithm": v.Algorithm, "Message": v.Msg}, false)
	if err != nil {
		return err.Error(), o
	}
	got, berr := o.Blob("Mac")
	switch {
	case !o.OK():
		note(o, "GenerateMac: %s (GM-OK-4)", o.Summary())
	case berr != nil:
		note(o, "GenerateMac: %v (GM-OK-4)", berr)
	case v.Correct && v.Prefix && !bytes.HasPrefix(got, v.Tag):
		note(o, "GenerateMac = %x, want a MAC starting with %x (GM-OK-4)", got, v.Tag)
	case v.Correct && !v.Prefix && !bytes.Equal(got, v.Tag):
		rule := "GM-OK-4"
		if len(got) != len(v.Tag) {
			rule = "GM-OK-2" // the length is wrong, whatever the bytes
		}
		note(o, "GenerateMac = %x, want %x (%s)", got, v.Tag, rule)
	}
	if len(v.Tag) == 0 {
		// An empty Mac is a validation error (VM-FAIL-5), not a MAC
		// comparison; the SDK would not send it. No Wycheproof file has one.
		return strings.Join(why, "; "), bad
	}
	o, err = w.Call(ctx, "VerifyMac", map[string]any{"KeyId": k.ID, "MacAlgorithm": v.Algorithm, "Message": v.Msg, "Mac": v.Tag}, false)
	if err != nil {
		return err.Error(), o
	}
	valid, _ := o.Member("MacValid")
	refused := o.Status == 400 && o.Type == "KMSInvalidMacException"
	switch {
	case v.Valid && (!o.OK() || valid != true):
		note(o, "VerifyMac of the expected tag: %s, want HTTP 200 with MacValid true (VM-OK-1)", o.Summary())
	case !v.Valid && v.Prefix && v.Correct && !refused:
		note(o, "VerifyMac of the correct tag truncated to %d bytes: %s, want HTTP 400 KMSInvalidMacException (VM-FAIL-2: only an identical tag verifies)",
			len(v.Tag), o.Summary())
	case !v.Valid && !refused:
		what := "a modified tag"
		if v.Prefix {
			what = fmt.Sprintf("a modified %d-byte truncated tag", len(v.Tag))
		}
		note(o, "VerifyMac of %s: %s, want HTTP 400 KMSInvalidMacException (VM-FAIL-2)", what, o.Summary())
	}
	return strings.Join(why, "; "), bad
}

func (r vectorReport) String() string {
	skipped := 0
	for _, n := range r.skipped {
		skipped += n
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d vectors: %d run, %d passed, %d failed, %d skipped (%d keys imported)",
		r.total, r.run, r.passed, len(r.failures), skipped, r.keys)
	reasons := make([]string, 0, len(r.skipped))
	for why := range r.skipped {
		reasons = append(reasons, why)
	}
	sort.Strings(reasons)
	for _, why := range reasons {
		fmt.Fprintf(&b, "\n  skipped %d: %s", r.skipped[why], why)
	}
	return b.String()
}

// maxListed bounds the failures a scenario prints; the count says the rest.
const maxListed = 12

func thenVectorsPass(ctx context.Context) error {
	w := WorldFrom(ctx)
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
	if r.firstBad != nil {
		w.Record(r.firstBad)
	}
	expected := fmt.Sprintf("every importable Wycheproof %s vector gives its tag with GenerateMac and the right VerifyMac verdict (%s)", vr.alg, r)
	if r.run == 0 {
		return w.Check(KindCode, false, expected, "no vector could run through the endpoint")
	}
	// Each failing vector is charged to the rule its check names.
	byRule := map[string][]string{}
	for _, f := range r.failures {
		rule := "IMP-1" // a key that could not be imported
		if m := vectorRule.FindStringSubmatch(f); m != nil {
			rule = m[1]
		}
		byRule[rule] = append(byRule[rule], f)
	}
	var errs []error
	for _, rule := range w.Rules {
		bad := byRule[rule]
		delete(byRule, rule)
		if err := w.CheckRules([]string{rule}, KindCode, len(bad) == 0, expected,
			listed(fmt.Sprintf("%s: %d of %d vectors failed:", rule, len(bad), r.run), bad)); err != nil {
			errs = append(errs, err)
		}
	}
	for rule, bad := range byRule { // a rule the scenario does not carry: charge them all
		if err := w.Check(KindCode, false, expected, listed(fmt.Sprintf("%s: %d of %d vectors failed:", rule, len(bad), r.run), bad)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// vectorRule is the rule id a vector failure names, e.g. "(VM-FAIL-2".
var vectorRule = regexp.MustCompile(`\(([A-Z]+(?:-[A-Z]+)?-[0-9]+)`)

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
