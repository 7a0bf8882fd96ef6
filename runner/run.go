package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gherkin "github.com/cucumber/gherkin/go/v26"
	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"
	"github.com/kmsmac/kmsmac/features"
	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/keypool"
	"github.com/kmsmac/kmsmac/progress"
	"github.com/kmsmac/kmsmac/results"

	"github.com/kmsmac/kmsmac/target"
)

// Run runs the conformance suite against o's target and returns every
// scenario's verdict. The error is for setup problems (unreachable
// endpoint, bad tags or formats), never for failing scenarios.
func Run(ctx context.Context, o Options) (results.Result, error) {
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	if err := ValidateTags(o.Tags); err != nil {
		return results.Result{}, &target.SetupError{Err: err}
	}
	t, err := target.New(ctx, o.TargetOptions())
	if err != nil {
		return results.Result{}, err
	}
	defer t.Close(context.WithoutCancel(ctx))
	return RunOn(ctx, t, o)
}

// RunOn runs the suite against a target built with NewTarget (the caller
// closes it), so a caller can print t.Describe first. Cancelling ctx (e.g.
// on Ctrl-C) stops the run: scenarios not yet started do not run, the one
// in flight is reported as skipped ("interrupted"), every started scenario
// still cleans up, and Result.Note says so.
func RunOn(ctx context.Context, t *target.Target, o Options) (results.Result, error) {
	start := time.Now()
	if err := ValidateTags(o.Tags); err != nil {
		return results.Result{}, &target.SetupError{Err: err}
	}
	if o.KeysFile != "" { // parsed now, so a bad file is a setup error; its keys are checked on first use
		kf, err := keypool.LoadKeysFile(o.KeysFile)
		if err != nil {
			return results.Result{}, &target.SetupError{Err: err}
		}
		if len(kf.Principals) > 0 { // the identities the §15 scenarios sign as
			t.Principals = kf.Principals
		}
	}
	// golden.go: the recording is read once, here, so a bad one is a setup error.
	if g := goldenFor(t, &o, nil); g != nil && g.loadErr != nil {
		return results.Result{}, &target.SetupError{Err: g.loadErr}
	}
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	// target/lost.go: cleanup outlives a cancel, a timeout or a lost endpoint by
	// a bounded time; the run's own calls end with ctx, or when the
	// endpoint is found lost.
	cleanupCtx, cancelCleanup := target.CleanupContext(ctx, target.CleanupBound(t.RequestTimeout()))
	defer cancelCleanup()
	ctx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	fsys := o.FS
	if fsys == nil {
		fsys = features.FS
	}
	format, junitFiles := SplitFormats(o.Format) // results/junit.go: kmsmac writes junit:FILE itself
	out := o.Output
	if format == "" {
		format = "progress"
	}
	if out == nil {
		out = io.Discard
		if o.Format == "" {
			format = "progress"
		}
	}
	conc := max(o.Concurrency, 1)
	if needsSequential(format) || o.Golden != "" || o.RecordTo != "" {
		conc = 1 // and a recording's rows and their #n numbers follow the order scenarios finish
	}
	total, err := CountScenarios(fsys, o.Tags)
	if err != nil {
		return results.Result{}, &target.SetupError{Err: err}
	}
	if total == 0 {
		return results.Result{}, &target.SetupError{Err: fmt.Errorf("no scenario matched --tags %q", o.Tags)}
	}
	pool := keypool.New(t, o.KeysFile, o.NoCreate)
	settings := o.settings(pool)
	suiteName := fmt.Sprintf("kmsmac %s %d", t.RunID, suiteSeq.Add(1))
	paths, rank, err := startPaths(fsys, conc)
	if err != nil {
		return results.Result{}, &target.SetupError{Err: err}
	}
	c := newCollector()
	c.rank = rank
	c.golden = goldenFor(t, &o, settings)
	t.OnLost(func(e *target.EndpointLostError) {
		c.mu.Lock()
		e.Scenario = len(c.order)
		c.mu.Unlock()
		cancelRun()
		cancelCleanup() // its calls would fail at once anyway
	})
	defer t.OnLost(nil)
	if strings.Contains(format, "progress") {
		c.progress = progress.Register(suiteName, total)
		defer progress.Unregister(suiteName)
	}
	format = progress.GodogFormats(format)
	var notRunMu sync.Mutex
	notRun := map[string]bool{}
	suite := godog.TestSuite{
		Name: suiteName,
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			// Registered first so it runs first: after a cancel, scenarios
			// that have not started do not run at all.
			sc.Before(func(sctx context.Context, s *godog.Scenario) (context.Context, error) {
				sctx = target.WithCleanup(sctx, cleanupCtx)
				if t.Lost() != nil || ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
					notRunMu.Lock()
					notRun[s.Id] = true
					notRunMu.Unlock()
					return sctx, godog.ErrSkip
				}
				return sctx, nil
			})
			initScenario(sc, t, settings, c)
			markSteps(sc)
		},
		Options: &godog.Options{
			Format:         format,
			Output:         out,
			Tags:           o.Tags,
			Strict:         true, // undefined or pending steps fail
			NoColors:       true,
			Paths:          paths,
			FS:             fsys,
			TestingT:       o.TestingT,
			Concurrency:    conc,
			DefaultContext: ctx,
		},
	}
	if status := suite.Run(); status == 2 {
		return results.Result{}, &target.SetupError{Err: errors.New("godog rejected the options (tags expression, formatter or feature files); see the message above")}
	}
	res := results.Result{Target: t.Name, Scenarios: c.resultsExcept(notRun), Wall: time.Since(start), Strict: o.Strict, Seed: settings.Seed, RunID: t.RunID, KeepKeys: o.KeepKeys}
	res.KeysCreated = t.KeysCreated.Load()
	lost := t.Lost()
	switch {
	case lost != nil:
		notRunMu.Lock()
		n := markLost(&res, c, notRun, lost)
		notRunMu.Unlock()
		res.Lost = fmt.Sprintf("endpoint lost at scenario %d (%s)", lost.Scenario, lost.Error())
		res.Note = fmt.Sprintf("the endpoint stopped answering: %d scenarios ran (%d of them cut off, not counted as failures), %d did not start", len(res.Scenarios), n, len(notRun))
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		res.Note = fmt.Sprintf("the run hit its %s timeout; later scenarios failed without a fair chance", o.Timeout)
	case ctx.Err() != nil:
		for i := range res.Scenarios {
			if r := &res.Scenarios[i]; r.Status == results.Failed && strings.Contains(r.Reason, context.Canceled.Error()) {
				r.Status, r.Reason, r.Short = results.Skipped, "interrupted while running: "+textutil.Clip(textutil.FirstLine(r.Reason), 160), "interrupted"
			}
		}
		res.Note = fmt.Sprintf("interrupted: %d scenarios ran before the run was stopped, %d did not start", len(res.Scenarios), len(notRun))
		if !o.KeepKeys {
			res.Note += fmt.Sprintf("; the keys of started scenarios were scheduled for deletion (a key whose CreateKey was cut off may remain: kmsmac cleanup --run-id %s)", t.RunID)
		}
	}
	// Shared keys and the probe key: within the cleanup bound from here.
	sharedCtx, cancelShared := context.WithTimeout(cleanupCtx, target.CleanupBound(t.RequestTimeout()))
	if p := pool.Close(sharedCtx, o.KeepKeys); len(p) > 0 && lost == nil {
		res.Note = strings.TrimPrefix(res.Note+"; cleanup of shared keys: "+strings.Join(p, "; "), "; ")
	}
	t.CloseProbeKey(sharedCtx)
	cancelShared()
	res.KeysLeft = t.KeysLeft()
	if len(res.KeysLeft) > 0 {
		res.Note = strings.TrimPrefix(fmt.Sprintf("%s; %d keys could not be scheduled for deletion (%s): remove them with kmsmac cleanup --run-id %s",
			res.Note, len(res.KeysLeft), strings.Join(res.KeysLeft, ", "), t.RunID), "; ")
	}
	var gs strings.Builder // golden.go: --golden and --record, for the summary
	writeGoldenSummary(&gs, res)
	res.GoldenSummary = gs.String()
	if err := results.WriteJUnitFiles(junitFiles, res); err != nil {
		return res, &target.SetupError{Err: err}
	}
	return res, nil
}

var suiteSeq atomic.Int64

// markLost turns the failures of scenarios still running when the
// endpoint stopped answering (they ended after the call that found it
// lost began) into skips: a dead endpoint is no verdict. It returns how
// many it changed.
func markLost(res *results.Result, c *collector, notRun map[string]bool, lost *target.EndpointLostError) int {
	c.mu.Lock()
	var starts []time.Time // in the order of res.Scenarios (resultsExcept)
	for _, id := range c.order {
		if !notRun[id] {
			starts = append(starts, c.start[id])
		}
	}
	c.mu.Unlock()
	reason := "interrupted: the endpoint stopped answering (" + lost.Reason + ")"
	n := 0
	for i := range res.Scenarios {
		r := &res.Scenarios[i]
		if r.Status != results.Failed && r.Status != results.Blocked {
			continue
		}
		if len(starts) == len(res.Scenarios) && starts[i].Add(r.Duration).Before(lost.Since) {
			continue // over before the endpoint stopped answering: a verdict
		}
		r.Status, r.Reason, r.Short, r.BlockedBy = results.Skipped, reason+": "+textutil.Clip(textutil.FirstLine(r.Reason), 160), "endpoint lost", ""
		for j := range r.RuleOutcomes {
			r.RuleOutcomes[j] = results.RuleOutcome{Rule: r.RuleOutcomes[j].Rule, Status: results.Skipped, Reason: reason}
		}
		n++
	}
	return n
}

// needsSequential: godog's own formatters (pretty, cucumber, junit to the
// output, events) print as scenarios run and need a sequential run.
// kmsmac's progress formatter and its junit:FILE, JSON and Markdown
// writers do not: results are collected per scenario and put in feature
// order at the end (collector.results).
func needsSequential(format string) bool {
	for _, f := range strings.Split(format, ",") {
		name, _, _ := strings.Cut(strings.TrimSpace(f), ":")
		switch name {
		case "progress", "":
		default:
			return true
		}
	}
	return false
}

// markSteps tells the transports which calls are under test: Given
// (context) steps are setup, When and Then steps carry the calls that
// scenarios assert on, and after a step (cleanup) it is harness again.
// See target/retry.go for what that changes.
func markSteps(sc *godog.ScenarioContext) {
	sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
		if string(st.Type) == "Context" {
			return target.Harness(ctx), nil
		}
		return target.UnderTest(ctx), nil
	})
	sc.StepContext().After(func(ctx context.Context, _ *godog.Step, _ godog.StepResultStatus, _ error) (context.Context, error) {
		return target.Harness(ctx), nil
	})
}

// resultsExcept is results without the scenarios that never started.
func (c *collector) resultsExcept(skip map[string]bool) []results.ScenarioResult {
	all := c.results()
	if len(skip) == 0 {
		return all
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := all[:0]
	for i, id := range c.order {
		if !skip[id] {
			out = append(out, all[i])
		}
	}
	return out
}

var tagName = regexp.MustCompile(`^~?@?[^\s@~,&]+$`)

// ValidateTags checks a godog tag expression ("@a,@b && ~@c") before
// godog sees it: godog panics on an empty operand.
func ValidateTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, and := range strings.Split(expr, "&&") {
		for _, tag := range strings.Split(and, ",") {
			if !tagName.MatchString(strings.TrimSpace(tag)) {
				return fmt.Errorf("--tags %q: %q is not a tag (write @tag, ~@tag, a,b for or, a && b for and)", expr, strings.TrimSpace(tag))
			}
		}
	}
	return nil
}

// startPaths is the feature files in the order a run starts them, and
// each file's place in lexical order (the order of reports). One at a
// time they start in lexical order. Concurrently the files with @slow or
// @property scenarios start first: the longest scenarios (against moto the
// model takes 8 s of a 15 s run) must not start last and leave the other
// workers idle at the end.
func startPaths(fsys fs.FS, conc int) ([]string, map[string]int, error) {
	var files, slow, rest []string
	err := eachFeature(fsys, func(p string, b []byte) error {
		files = append(files, p)
		if bytes.Contains(b, []byte("@slow")) || bytes.Contains(b, []byte("@property")) {
			slow = append(slow, p)
		} else {
			rest = append(rest, p)
		}
		return nil
	})
	rank := make(map[string]int, len(files))
	for i, f := range files {
		rank[f] = i
	}
	if conc <= 1 || len(slow) == 0 {
		return []string{"."}, rank, err
	}
	return append(slow, rest...), rank, err
}

// eachFeature calls f with every .feature file of fsys and its text, in
// lexical order (godog's with Paths ".").
func eachFeature(fsys fs.FS, f func(path string, text []byte) error) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".feature" {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return f(p, b)
	})
}

// CountScenarios is how many scenarios of the features in fsys the tag
// expression selects (godog's filter: "," is or, "&&" is and, "~" is not).
func CountScenarios(fsys fs.FS, tags string) (int, error) {
	n := 0
	err := eachFeature(fsys, func(p string, b []byte) error {
		doc, err := gherkin.ParseGherkinDocument(strings.NewReader(string(b)), (&messages.Incrementing{}).NewId)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		for _, pk := range gherkin.Pickles(*doc, p, (&messages.Incrementing{}).NewId) {
			if matchTags(tags, pk.Tags) {
				n++
			}
		}
		return nil
	})
	return n, err
}

func matchTags(expr string, tags []*messages.PickleTag) bool {
	if strings.TrimSpace(expr) == "" {
		return true
	}
	has := map[string]bool{}
	for _, t := range tags {
		has[strings.TrimPrefix(t.Name, "@")] = true
	}
	for _, and := range strings.Split(expr, "&&") {
		any := false
		for _, tag := range strings.Split(and, ",") {
			tag = strings.ReplaceAll(strings.TrimSpace(tag), "@", "")
			if neg, ok := strings.CutPrefix(tag, "~"); ok {
				any = any || !has[neg]
			} else {
				any = any || has[tag]
			}
		}
		if !any {
			return false
		}
	}
	return true
}
