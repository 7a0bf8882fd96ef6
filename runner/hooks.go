package runner

import (
	"cmp"
	"context"
	"path"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/progress"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

// collector gathers scenario results; results() gives them in feature
// order (byPickleOrder), whatever order concurrent scenarios started in.
type collector struct {
	mu    sync.Mutex
	order []string
	byID  map[string]*results.ScenarioResult
	start map[string]time.Time
	rank  map[string]int // feature file -> its place in lexical order (startPaths); nil: all equal

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
	c.byPickleOrder()
	out := make([]results.ScenarioResult, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, *c.byID[id])
	}
	return out
}

// byPickleOrder sorts scenario (pickle) ids into the order a sequential
// run starts them: feature files in lexical order (c.rank, from
// startPaths), and within a file by pickle id, which godog numbers with
// one counter (messages.Incrementing) scenario by scenario. A concurrent
// run starts the files in another order (startPaths), so the file comes
// first. Ids that are not numbers leave the start order.
func (c *collector) byPickleOrder() {
	n := make(map[string]int, len(c.order))
	for _, id := range c.order {
		v, err := strconv.Atoi(id)
		if err != nil {
			return
		}
		n[id] = v
	}
	rank := func(id string) int { return c.rank[path.Clean(c.byID[id].Feature)] }
	slices.SortStableFunc(c.order, func(a, b string) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(n[a], n[b]))
	})
}

// initScenario wires the engine's hooks for one scenario, then the
// vocabulary (steps.AddSteps), whose own hooks run after these.
func initScenario(sc *godog.ScenarioContext, t *target.Target, st *steps.Settings, c *collector) {
	c.mu.Lock()
	g := c.golden
	c.mu.Unlock()
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		w := steps.NewWorld(t, st)
		w.Begin(s)
		r := &results.ScenarioResult{Feature: s.Uri, Name: s.Name, Rules: w.Rules, Status: results.Failed,
			Reason: "scenario did not finish"}
		ctx = steps.WithWorld(ctx, w)
		if w.Tags["@reference-only"] && !t.Reference {
			r.Status, r.Reason = results.Skipped, "@reference-only: needs the KmsmacReference.* controls, which only a kmsmac reference endpoint has"
			r.RuleOutcomes = allRules(w.Rules, results.Skipped, r.Reason)
			c.put(s.Id, r)
			return ctx, godog.ErrSkip
		}
		skip, err := shareKeys(ctx, w, s, st) // @shared-key, --keys, --no-create
		if skip != "" {
			r.Status, r.Reason = results.Skipped, skip
			r.RuleOutcomes = allRules(w.Rules, results.Skipped, r.Reason)
			c.put(s.Id, r)
			return ctx, godog.ErrSkip
		}
		c.put(s.Id, r)
		return ctx, err // a pool that cannot load fails the scenario (After judges it)
	})
	sc.StepContext().Before(func(ctx context.Context, s *godog.Step) (context.Context, error) {
		if w, ok := steps.Lookup(ctx); ok {
			w.StepStarted(s)
		}
		return ctx, nil
	})
	// The hooks return nil, not the step's error: godog joins a hook's
	// error to the step's, which printed every failure twice.
	sc.StepContext().After(func(ctx context.Context, _ *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		w, ok := steps.Lookup(ctx)
		if !ok {
			return ctx, nil
		}
		w.StepEnded(status, err)
		if g != nil {
			tapeStep(w)
		}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
		w, ok := steps.Lookup(ctx)
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
		w.RunCleanup(ctx)
		r.Duration = time.Since(start)
		judge(w.Findings(), r, err)
		if g != nil {
			g.scenarioDone(w, s, r) // compares calls; never changes the verdict
		}
		c.put(s.Id, r)
		c.progress.ScenarioDone(r.Status)
		return ctx, nil // cleanup problems are reported, never change the verdict
	})
	steps.AddSteps(sc)
}
