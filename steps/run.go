package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/cucumber/godog"
	"github.com/kmsmac/kmsmac/features"
)

// Run runs the conformance suite against o's target and returns every
// scenario's verdict. The error is for setup problems (unreachable
// endpoint, bad tags or formats), never for failing scenarios.
func Run(ctx context.Context, o Options) (Result, error) {
	start := time.Now()
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	if err := ValidateTags(o.Tags); err != nil {
		return Result{}, &SetupError{err}
	}
	t, err := NewTarget(ctx, o)
	if err != nil {
		return Result{}, err
	}
	defer t.Close(context.WithoutCancel(ctx))

	fsys := o.FS
	if fsys == nil {
		fsys = features.FS
	}
	format, out := o.Format, o.Output
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
	if strings.Contains(format, "junit") || strings.Contains(format, "cucumber") || strings.Contains(format, "pretty") {
		conc = 1 // godog's file formatters need a sequential run
	}
	c := newCollector()
	suite := godog.TestSuite{
		Name:                "kmsmac",
		ScenarioInitializer: func(sc *godog.ScenarioContext) { initScenario(sc, t, &o, c) },
		Options: &godog.Options{
			Format:         format,
			Output:         out,
			Tags:           o.Tags,
			Strict:         true, // undefined or pending steps fail
			NoColors:       true,
			Paths:          []string{"."},
			FS:             fsys,
			TestingT:       o.TestingT,
			Concurrency:    conc,
			DefaultContext: ctx,
		},
	}
	if status := suite.Run(); status == 2 {
		return Result{}, &SetupError{errors.New("godog rejected the options (tags expression, formatter or feature files); see the message above")}
	}
	res := Result{Target: t.Name, Scenarios: c.results(), Wall: time.Since(start), Strict: o.Strict, Seed: o.Seed, RunID: t.RunID}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		res.Note = fmt.Sprintf("the run hit its %s timeout; later scenarios failed without a fair chance", o.Timeout)
	}
	return res, nil
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
