package steps

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/progress"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// stepSets are the step-definition groups; each topic file adds its own
// in init with registerSteps.
var stepSets []func(*godog.ScenarioContext)

func registerSteps(f func(*godog.ScenarioContext)) { stepSets = append(stepSets, f) }

// collector gathers scenario results; results() gives them in feature
// order (byPickleOrder), whatever order concurrent scenarios started in.
type collector struct {
	mu    sync.Mutex
	order []string
	byID  map[string]*results.ScenarioResult
	start map[string]time.Time

	golden   *goldenRun    // recording or replay, when the run asks for one
	progress *progress.Bar // kmsmac-progress output, when asked for
	done     sync.Once
}

func newCollector() *collector {
	return &collector{byID: map[string]*results.ScenarioResult{}, start: map[string]time.Time{}}
}

func (c *collector) put(id string, r *results.ScenarioResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byID[id]; !ok {
		c.order = append(c.order, id)
		c.start[id] = time.Now()
	}
	c.byID[id] = r
}

func (c *collector) results() []results.ScenarioResult {
	c.done.Do(func() {
		c.mu.Lock()
		g := c.golden
		c.mu.Unlock()
		g.finish() // write the recording: every scenario has ended
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	byPickleOrder(c.order)
	out := make([]results.ScenarioResult, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, *c.byID[id])
	}
	return out
}

// byPickleOrder sorts scenario (pickle) ids into the order a sequential
// run starts them: godog numbers the nodes and pickles of all feature
// files with one counter (messages.Incrementing), file by file in path
// order and scenario by scenario within a file, so the numeric pickle id is
// the feature order. Ids that are not numbers leave the start order.
func byPickleOrder(ids []string) {
	n := make(map[string]int, len(ids))
	for _, id := range ids {
		v, err := strconv.Atoi(id)
		if err != nil {
			return
		}
		n[id] = v
	}
	slices.SortStableFunc(ids, func(a, b string) int { return cmp.Compare(n[a], n[b]) })
}

// initScenario wires hooks and steps for one scenario.
func initScenario(sc *godog.ScenarioContext, t *target.Target, o *Options, c *collector) {
	g := goldenFor(t, o)
	c.mu.Lock()
	c.golden = g
	c.mu.Unlock()
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		w := newWorld(t, o)
		w.Scenario, w.URI = s.Name, s.Uri
		w.steps = prepareSteps(s)
		for _, tag := range s.Tags {
			w.Tags[tag.Name] = true
			if id := strings.TrimPrefix(tag.Name, "@"); results.RuleTag.MatchString(id) {
				w.Rules = append(w.Rules, id)
			}
		}
		w.ev = scenarioEvidence(w.Rules, w.Tags["@unverified"])
		r := &results.ScenarioResult{Feature: s.Uri, Name: s.Name, Rules: w.Rules, Status: results.Failed,
			Reason: "scenario did not finish"}
		ctx = context.WithValue(ctx, worldKey{}, w)
		if w.Tags["@reference-only"] && !t.Reference {
			r.Status, r.Reason = results.Skipped, "@reference-only: needs the KmsmacReference.* controls, which only a kmsmac reference endpoint has"
			r.RuleOutcomes = w.allRules(results.Skipped, r.Reason)
			c.put(s.Id, r)
			return ctx, godog.ErrSkip
		}
		c.put(s.Id, r)
		return ctx, nil
	})
	// A step may skip the rest of its scenario (godog.ErrSkip, wrapped with
	// the reason): remember why, since the scenario's After hook does not
	// see that error.
	sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
		if w, ok := ctx.Value(worldKey{}).(*World); ok && w.steps != nil {
			w.stepRules = w.steps.rules[st.Id]
			for i, id := range w.steps.ids {
				if id == st.Id {
					w.stepIdx = i
				}
			}
		}
		return ctx, nil
	})
	// The hooks return nil, not the step's error: godog joins a hook's
	// error to the step's, which printed every failure twice.
	sc.StepContext().After(func(ctx context.Context, _ *godog.Step, st godog.StepResultStatus, err error) (context.Context, error) {
		w, ok := ctx.Value(worldKey{}).(*World)
		if !ok {
			return ctx, nil
		}
		if st == godog.StepSkipped && errors.Is(err, godog.ErrSkip) && w.skipped == "" {
			w.skipped = strings.TrimPrefix(err.Error(), godog.ErrSkip.Error()+": ")
		}
		if st == godog.StepFailed && w.failedAt < 0 {
			w.failedAt = w.stepIdx
		}
		w.stepRules = nil
		if g != nil {
			tapeStep(w)
		}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
		w, ok := ctx.Value(worldKey{}).(*World)
		if !ok {
			return ctx, nil
		}
		c.mu.Lock()
		r := c.byID[s.Id]
		start := c.start[s.Id]
		c.mu.Unlock()
		if r == nil {
			return ctx, nil
		}
		if r.Status == results.Skipped {
			if g != nil {
				g.scenarioDone(w, s, r)
			}
			c.progress.ScenarioDone(r.Status)
			return ctx, nil
		}
		w.runCleanup(ctx)
		r.Duration = time.Since(start)
		r.Expected, r.Soft, r.Cleanup = w.expected, w.soft, w.cleaned
		if w.last != nil {
			r.Observed, r.Request = w.last.Summary(), w.last.RequestLine()
		}
		var blocked *precondition
		failed := err != nil && !errors.Is(err, godog.ErrSkip)
		if failed && errors.As(err, &blocked) {
			r.BlockedBy = blocked.rule
		}
		switch {
		case w.skipped != "" && (err == nil || errors.Is(err, godog.ErrSkip)):
			r.Status, r.Reason = results.Skipped, w.skipped
			r.RuleOutcomes = w.allRules(results.Skipped, w.skipped)
		case blocked != nil:
			r.RuleOutcomes = w.ruleOutcomes(w.steps, w.failedAt, err, blocked)
			r.Status, r.Reason, r.Short = results.Blocked, blocked.Error(), textutil.FirstLine(blocked.Error())
			if slices.Contains(w.Rules, blocked.rule) {
				r.Status = results.Failed // blocked by one of its own rules: that rule failed here
			}
		case failed:
			r.RuleOutcomes = w.ruleOutcomes(w.steps, w.failedAt, err, nil)
			r.Status, r.Reason = results.Failed, strings.TrimSpace(err.Error())
			var f *failure
			if errors.As(err, &f) {
				r.Observed, r.Short = f.observed, "expected "+f.expected+"; observed "+f.observed
			} else {
				r.Observed, r.Short = r.Reason, textutil.FirstLine(r.Reason)
			}
		case len(w.soft) > 0:
			r.RuleOutcomes = w.ruleOutcomes(w.steps, -1, nil, nil)
			r.Status, r.Reason = results.Deviation, strings.Join(w.soft, "; ")
		default:
			r.RuleOutcomes = w.ruleOutcomes(w.steps, -1, nil, nil)
			r.Status, r.Reason = results.Passed, ""
		}
		if g != nil {
			g.scenarioDone(w, s, r) // compares calls; never changes the verdict
		}
		c.put(s.Id, r)
		c.progress.ScenarioDone(r.Status)
		return ctx, nil // cleanup problems are reported, never change the verdict
	})
	for _, f := range stepSets {
		f(sc)
	}
}

// runCleanup deletes aliases, runs registered cleanups, then schedules
// created keys for deletion (7 days) unless --keep-keys.
func (w *World) runCleanup(ctx context.Context) {
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
