package generated

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/keypool"
	"github.com/kmsmac/kmsmac/properties"
	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

// Steps for the generated checks (@property): each runs one check of the
// properties package against the target with the run's seed, and the
// stateful model test (@slow). A failure shows properties.Result.String():
// the seed to replay and the shrunk counterexample.
func init() {
	steps.Define(func(sc *godog.ScenarioContext) {
		sc.When(steps.Re(`^I check the property "([^"]+)" with (\d+) generated cases$`), checkProperty)
		sc.When(steps.Re(`^I check the property "Tamper" for the alteration "([^"]+)" with (\d+) generated cases$`), checkTamper)
		sc.When(steps.Re(`^I check the property "Limits" for the field "([^"]+)" with (\d+) generated cases$`), checkLimits)
		sc.When(steps.Re(`^I check the model with (\d+) command sequences of at most (\d+) commands$`), checkModel)
		sc.Then(steps.Re(`^the property holds$`), thenPropertyHolds)
	})
}

// EnvSeed is read when the run has no seed (go test): set it to replay a
// seed a failure printed.
const EnvSeed = "KMSMAC_SEED"

// seedMu guards the seed a run picks when Settings.Seed is 0; it is
// written back into the Settings so Result.Seed reports it.
var seedMu sync.Mutex

// RunSeed is the run's property seed: --seed, else $KMSMAC_SEED, else one
// picked from the clock on first use and kept in the run's Settings (so
// the run's result reports it) for the rest of the run.
func RunSeed(w *steps.World) int64 {
	seedMu.Lock()
	defer seedMu.Unlock()
	if w.Opts.Seed == 0 {
		if s, err := strconv.ParseInt(os.Getenv(EnvSeed), 10, 64); err == nil && s != 0 {
			w.Opts.Seed = s
		} else {
			w.Opts.Seed = time.Now().UnixNano()
		}
	}
	return w.Opts.Seed
}

// propertyRun is what Then checks, kept in World.Vals.
type propertyRun struct {
	ran    bool
	result properties.Result
}

const propertyKey = "property:result"

func checkProperty(ctx context.Context, name string, n int) error {
	if name == "Model" { // it takes a sequence length too
		return errors.New(`use "I check the model with N command sequences of at most M commands"`)
	}
	c, ok := properties.Checks[name]
	if !ok {
		return fmt.Errorf("no property %q (known: %s)", name, strings.Join(properties.Names(), ", "))
	}
	return runProperty(ctx, name, c, n, 0)
}

func checkTamper(ctx context.Context, kind string, n int) error {
	for _, k := range properties.TamperKinds {
		if k == kind {
			return runProperty(ctx, "Tamper "+kind, properties.TamperOnly(kind), n, 0)
		}
	}
	return fmt.Errorf("no alteration %q (known: %s)", kind, strings.Join(properties.TamperKinds, ", "))
}

func checkLimits(ctx context.Context, field string, n int) error {
	for _, f := range properties.LimitFields {
		if f == field {
			return runProperty(ctx, "Limits "+field, properties.LimitsOnly(field), n, 0)
		}
	}
	return fmt.Errorf("no limit field %q (known: %s)", field, strings.Join(properties.LimitFields, ", "))
}

func checkModel(ctx context.Context, sequences, maxCommands int) error {
	if maxCommands < 1 {
		return errors.New("a command sequence needs at least one command")
	}
	return runProperty(ctx, "Model", properties.Model, sequences, maxCommands)
}

// runProperty runs c against the target with the run's seed and n cases.
// Checks other than Model share one fixture (two generated keys and one
// imported key per HMAC spec), scheduled for deletion after the scenario.
// On a target that cannot import key material, KnownAnswer is blocked by
// IMP-1, the Model runs without imported keys and is blocked by IMP-1 after
// reporting what it found, and the others run without import.
func runProperty(ctx context.Context, label string, c properties.Check, n, maxCommands int) error {
	w := steps.WorldFrom(ctx)
	if n < 1 {
		return errors.New("a property needs at least one generated case")
	}
	cfg := properties.Config{Seed: RunSeed(w), Tests: n, MaxCommands: maxCommands,
		Tags:       map[string]string{target.RunTagKey: w.Target.RunID},
		KeyCreated: func(string) { w.Target.KeysCreated.Add(1) }}
	if w.Opts.AWS {
		cfg.Wait = w.Target.PollTimeout // real KMS is eventually consistent (EC-1)
	}
	pr := &propertyRun{}
	w.Vals[propertyKey] = pr
	var noImport *properties.Block
	if why := importUnsupported(ctx, w); why != "" {
		if label == "KnownAnswer" {
			return w.Block("IMP-1", why) // needs imported material
		}
		cfg.NoImport = true
		if label == "Model" {
			noImport = &properties.Block{Rule: "IMP-1", Reason: why} // IMP-8 goes unjudged
		}
	}
	if maxCommands == 0 {
		fx, err := propertyFixture(ctx, w, cfg)
		if err != nil {
			return err
		}
		cfg.Fixture = fx
	}
	r := c(ctx, w.Target.SDK, propertyRaw(w), cfg)
	if r.Blocked == nil {
		r.Blocked = noImport
	}
	w.NoteCleanupProblems(r.Cleanup...) // keys the check could not delete: in the summary
	if !r.Passed {
		// Quiet unless something failed; then how to replay it.
		godog.Logf(ctx, "%s\nreplay: kmsmac conform --seed %d --tags @property (same endpoint; go test: %s=%d)",
			r, cfg.Seed, EnvSeed, cfg.Seed)
	}
	pr.result, pr.ran = r, true
	return nil
}

// propertyFixture returns the keys the MAC checks use: one set per run
// (the checks only read them), created on first use and scheduled for
// deletion at the end of the run (keypool); without a pool, one per call,
// deleted with the scenario.
func propertyFixture(ctx context.Context, w *steps.World, cfg properties.Config) (*properties.Fixture, error) {
	mk := func() (keypool.Owner, error) {
		ctx := context.WithoutCancel(ctx) // kept for the run, not this scenario
		fx, err := properties.NewFixtureConfig(ctx, w.Target.SDK, cfg)
		if err != nil {
			return nil, fmt.Errorf("creating the property keys: %w", err)
		}
		if cfg.Wait > 0 {
			err = fx.WaitReady(ctx, cfg.Wait)
		}
		return fx, err
	}
	var v keypool.Owner
	var err error
	if w.Opts.Pool != nil {
		v, err = w.Opts.Pool.Shared(fmt.Sprintf("property (no import: %v)", cfg.NoImport), mk)
	} else if v, err = mk(); v != nil {
		for _, arn := range v.Created() {
			w.TrackKey(keypool.KeyIDOf(arn))
		}
	}
	if err != nil {
		return nil, err
	}
	fx := v.(*properties.Fixture)
	if fx.ImportErr != nil && !cfg.NoImport {
		godog.Logf(ctx, "property keys: no imported material (%v)", fx.ImportErr)
	}
	return fx, nil
}

// propertyRaw adapts the target's raw client to properties.Raw.
func propertyRaw(w *steps.World) properties.Raw {
	return func(ctx context.Context, op string, body []byte) (int, []byte, error) {
		o := w.Target.Raw.Send(ctx, op, body)
		if o.Status == 0 {
			err := o.Err
			if err == nil {
				err = errors.New("no HTTP response")
			}
			return 0, nil, err
		}
		return o.Status, o.Body, nil // an answer, even a cut one, is for the check to judge
	}
}

// thenPropertyHolds charges each violated rule with its counterexample,
// records the rules checked without a violation as passed, and ends the
// scenario as blocked when the check lacked a precondition.
func thenPropertyHolds(ctx context.Context) error {
	w := steps.WorldFrom(ctx)
	pr, ok := w.Vals[propertyKey].(*propertyRun)
	if !ok {
		return errors.New(`no property was checked (use "When I check the property ..." first)`)
	}
	if !pr.ran {
		return errors.New("the property did not run")
	}
	r := pr.result
	holds := func(what string) string {
		return fmt.Sprintf("%s holds for %d generated cases (seed %d)", what, r.Tests, r.Seed)
	}
	if r.Err != nil {
		return w.Check(steps.KindCode, false, holds(r.Name), r.String())
	}
	head, _, _ := strings.Cut(r.String(), "\n")
	var errs []error
	for _, v := range r.Violations {
		kind := steps.KindCode
		if v.Text {
			kind = steps.KindText // only the message wording (VAL-FMT-1)
		}
		observed := head + "\n" + strings.TrimRight(v.String(), "\n")
		// The violated rule's own level decides: GM-OK-3 found by the model
		// in a scenario tagged with stronger rules is still inferred.
		if err := w.CheckAtRuleLevel(v.Rule, kind, false, holds(r.Name+" "+v.Rule), observed); err != nil {
			errs = append(errs, err)
		}
	}
	for _, rule := range r.Checked {
		if !r.Violated(rule) {
			_ = w.CheckRules([]string{rule}, steps.KindCode, true, holds(r.Name+" "+rule), "")
		}
	}
	if r.Blocked != nil {
		if len(r.Checked) == 0 && len(r.Violations) == 0 {
			return w.Block(r.Blocked.Rule, r.Blocked.Reason)
		}
		// It ran without what it lacked: the rules it judged keep their
		// verdicts, the scenario's others are blocked.
		var unjudged []string
		for _, rule := range w.Rules {
			if !r.Violated(rule) && !slices.Contains(r.Checked, rule) {
				unjudged = append(unjudged, rule)
			}
		}
		w.BlockRules(unjudged, r.Blocked.Rule, r.Blocked.Reason)
	}
	var unexercised []string
	for _, rule := range w.Rules {
		if !r.Violated(rule) && !slices.Contains(r.Checked, rule) {
			unexercised = append(unexercised, rule)
		}
	}
	w.Unreached(unexercised, fmt.Sprintf("%s never exercised this rule in %d generated cases (seed %d)", r.Name, r.Tests, r.Seed))
	return errors.Join(errs...)
}
