package steps

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/keypool"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// What the run engine (package runner) calls, in order, for each
// scenario: NewWorld and WithWorld, Begin, StepStarted and StepEnded
// around each step, then RunCleanup and Findings (the runner judges them). AddSteps registers the
// vocabulary itself.

// Settings are what a run tells the vocabulary; one value is shared by
// every scenario of the run (package runner fills it from its Options).
type Settings struct {
	Strict     bool          // unverified deviations fail the scenario
	KeepKeys   bool          // do not schedule created keys for deletion
	NoCreate   bool          // never create or change keys: such scenarios skip
	AWS        bool          // real KMS (--aws or an *.amazonaws.com endpoint): waits for eventual consistency
	VectorsDir string        // Wycheproof directory; "" = $KMSMAC_VECTORS, else the embedded set
	Seed       int64         // property seed; 0 picks one on first use (generated.RunSeed)
	Pool       *keypool.Pool // the run's shared keys; nil shares none

	// What the run learns once for all its scenarios (use by pointer only).
	firsts    firstCalls // firstcall.go: refusals the first scenario shares
	described sync.Map   // keys_shared.go: shared key id -> its DescribeKey outcome
}

// stepSets are the step-definition groups, in the order they were defined.
var stepSets []func(*godog.ScenarioContext)

// Define adds a step set: a function that registers phrases (and hooks)
// on a scenario. Call it from an init function, before any run: the
// step files of this package do, and so do the topic packages under
// steps/ (steps/generated, ...), which package runner imports so that
// their init runs. A phrase defined twice is an ambiguous step.
func Define(f func(*godog.ScenarioContext)) { stepSets = append(stepSets, f) }

// AddSteps registers every step phrase (and the vocabulary's own hooks)
// on sc; the engine's hooks are registered before it, so they run first.
func AddSteps(sc *godog.ScenarioContext) {
	for _, f := range stepSets {
		f(sc)
	}
}

// NewWorld is a scenario's empty World.
func NewWorld(t *target.Target, s *Settings) *World {
	return &World{Target: t, Opts: s, Tags: map[string]bool{}, Vals: map[string]any{},
		failedAt: -1, keys: map[string]*Key{}, aliases: map[string]string{}, grants: map[string]*Grant{}, macs: map[string][]byte{}}
}

// WithWorld puts w in ctx, for WorldFrom.
func WithWorld(ctx context.Context, w *World) context.Context {
	return context.WithValue(ctx, worldKey{}, w)
}

// Lookup is the World in ctx, if any (hooks, which must not panic).
func Lookup(ctx context.Context) (*World, bool) {
	w, ok := ctx.Value(worldKey{}).(*World)
	return w, ok
}

// Begin takes the scenario's name, tags, rules and steps; it cuts the
// rule annotations off the steps' text (godog matches the cut text).
func (w *World) Begin(s *godog.Scenario) {
	w.Scenario, w.URI = s.Name, s.Uri
	w.steps = prepareSteps(s)
	for _, tag := range s.Tags {
		w.Tags[tag.Name] = true
		if id := strings.TrimPrefix(tag.Name, "@"); results.RuleTag.MatchString(id) {
			w.Rules = append(w.Rules, id)
		}
	}
	w.ev = scenarioEvidence(w.Rules, w.Tags["@unverified"])
}

// StepStarted charges the step's checks to its rule annotation and
// notes the shared key the step declares.
func (w *World) StepStarted(st *godog.Step) {
	w.sharing = w.shareByStep[st.Id] // the shared key this step declares, if any
	if w.steps == nil {
		return
	}
	w.stepRules = w.steps.rules[st.Id]
	for i, id := range w.steps.ids {
		if id == st.Id {
			w.stepIdx = i
		}
	}
}

// StepEnded notes a step's end: a step may skip the rest of its scenario
// (godog.ErrSkip, wrapped with the reason), which the scenario's After
// hook does not see, so the reason is kept here.
func (w *World) StepEnded(st godog.StepResultStatus, err error) {
	if st == godog.StepSkipped && errors.Is(err, godog.ErrSkip) && w.skipped == "" {
		w.skipped = strings.TrimPrefix(err.Error(), godog.ErrSkip.Error()+": ")
	}
	if st == godog.StepFailed && w.failedAt < 0 {
		w.failedAt = w.stepIdx
	}
	w.stepRules = nil
}

// Aliases are the scenario's alias names (scenario name -> full name).
func (w *World) Aliases() map[string]string {
	out := make(map[string]string, len(w.aliases))
	for k, v := range w.aliases {
		out[k] = v
	}
	return out
}

// GrantNames lists the scenario's grants, sorted.
func (w *World) GrantNames() []string { return textutil.SortedKeys(w.grants) }

// RunCleanup deletes aliases, runs registered cleanups, then schedules
// created keys for deletion (7 days) unless --keep-keys.
func (w *World) RunCleanup(ctx context.Context) {
	// The run's cleanup context (target/lost.go): not cut by Ctrl-C or --timeout,
	// but bounded after them, and ended when the endpoint is lost.
	ctx, cancel := context.WithTimeout(target.CleanupFrom(ctx), time.Minute)
	defer cancel()
	for _, a := range w.ownAlias {
		o := w.Target.Raw.Send(ctx, "DeleteAlias", textutil.MustJSON(map[string]any{"AliasName": a}))
		if !o.OK() && o.Type != "NotFoundException" {
			w.cleaned = append(w.cleaned, fmt.Sprintf("DeleteAlias %s: %s", a, o.Summary()))
		}
	}
	for i := len(w.cleanup) - 1; i >= 0; i-- {
		if err := w.cleanup[i](ctx); err != nil {
			w.cleaned = append(w.cleaned, err.Error())
		}
	}
	if w.Opts.KeepKeys {
		return
	}
	for _, k := range w.ownKeys {
		del := textutil.MustJSON(map[string]any{"KeyId": k, "PendingWindowInDays": 7})
		o := w.Target.Raw.Send(ctx, "ScheduleKeyDeletion", del)
		if o.Type == "KMSInvalidStateException" && !target.AlreadyGone(o) && w.Target.Reference {
			// A state forced through the controls (Creating, Updating, ...)
			// refuses deletion; the reference can be told to let go.
			w.Target.Raw.Send(ctx, "KmsmacReference.SetKeyState", textutil.MustJSON(map[string]any{"KeyId": k, "KeyState": "Disabled"}))
			o = w.Target.Raw.Send(ctx, "ScheduleKeyDeletion", del)
		}
		if !o.OK() && !target.AlreadyGone(o) {
			w.cleaned = append(w.cleaned, fmt.Sprintf("ScheduleKeyDeletion %s: %s", k, o.Summary()))
			w.Target.LeftKey(k)
		}
	}
}

// reCache holds each step phrase compiled once: godog compiles a string
// phrase for every scenario, which cost a fifth of a run's CPU.
var reCache sync.Map // string -> *regexp.Regexp

// Re is phrase compiled (once per process) for sc.Given and the like.
func Re(phrase string) *regexp.Regexp {
	if r, ok := reCache.Load(phrase); ok {
		return r.(*regexp.Regexp)
	}
	r, _ := reCache.LoadOrStore(phrase, regexp.MustCompile(phrase))
	return r.(*regexp.Regexp)
}
