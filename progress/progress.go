package progress

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog/formatters"
	messages "github.com/cucumber/messages/go/v21"
	"github.com/kmsmac/kmsmac/results"
)

// kmsmac's formatters stand in for godog's "progress" and "pretty": godog's
// own print a totals line that counts blocked, skipped and deviating
// scenarios differently from kmsmac's verdicts, so the only totals printed
// are kmsmac's (Result.WriteSummary).
func init() {
	formatters.Format("kmsmac-progress", "scenarios done/total, failures so far and an estimate of the time left", newProgressFormatter)
	// The pretty formatter itself, not a wrapper: godog gives it its
	// storage through a method a wrapper would hide. Its writer drops the
	// summary instead.
	formatters.Format("kmsmac-pretty", "godog's pretty output without its totals", func(suite string, w io.Writer) formatters.Formatter {
		return formatters.FindFmt("pretty")(suite, &summaryCut{w: w})
	})
}

// summaryCut passes a formatter's output through, a line at a time, until its summary starts
// ("--- Failed steps:" or the "N scenarios (" totals), then drops the
// rest: kmsmac prints the only summary.
type summaryCut struct {
	w   io.Writer
	buf []byte
	cut bool
}

var (
	summaryStart = regexp.MustCompile(`^(--- Failed steps:|[0-9]+ scenarios? \()`)
	ansi         = regexp.MustCompile("\x1b\\[[0-9;]*m") // colour codes, removed further down the writer chain
)

func (c *summaryCut) Write(p []byte) (int, error) {
	if c.cut {
		return len(p), nil
	}
	c.buf = append(c.buf, p...)
	for {
		i := bytes.IndexByte(c.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := c.buf[:i+1]
		if summaryStart.Match(ansi.ReplaceAll(line, nil)) {
			c.cut, c.buf = true, nil
			return len(p), nil
		}
		if _, err := c.w.Write(line); err != nil {
			return 0, err
		}
		c.buf = c.buf[i+1:]
	}
}

// GodogFormats maps the user's formatter names onto kmsmac's.
func GodogFormats(spec string) string {
	var out []string
	for _, f := range strings.Split(spec, ",") {
		name, file, hasFile := strings.Cut(f, ":")
		switch name {
		case "progress", "pretty":
			name = "kmsmac-" + name
		}
		if hasFile {
			name += ":" + file
		}
		out = append(out, name)
	}
	return strings.Join(out, ",")
}

// Bar is one run's progress printer; the scenario hooks report each
// finished scenario, the formatter gives it godog's writer.
type Bar struct {
	mu      sync.Mutex
	total   int
	start   time.Time
	outs    []io.Writer
	done    int
	counts  map[results.Status]int
	lineLen int
}

var (
	progressMu   sync.Mutex
	progressRuns = map[string]*Bar{} // godog suite name -> run
)

func Register(suite string, total int) *Bar {
	p := &Bar{total: total, start: time.Now(), counts: map[results.Status]int{}}
	progressMu.Lock()
	progressRuns[suite] = p
	progressMu.Unlock()
	return p
}

func Unregister(suite string) {
	progressMu.Lock()
	delete(progressRuns, suite)
	progressMu.Unlock()
}

func newProgressFormatter(suite string, w io.Writer) formatters.Formatter {
	progressMu.Lock()
	p := progressRuns[suite]
	progressMu.Unlock()
	if p != nil {
		p.mu.Lock()
		p.outs = append(p.outs, w)
		p.mu.Unlock()
	}
	return progressFormatter{p}
}

const progressWidth = 50

var progressMark = map[results.Status]string{results.Passed: ".", results.Failed: "F", results.Deviation: "U", results.Blocked: "B", results.Skipped: "S"}

// scenarioDone prints the scenario's mark and, every progressWidth
// scenarios and at the end, how far the run is.
func (p *Bar) ScenarioDone(st results.Status) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.counts[st]++
	p.write(progressMark[st])
	p.lineLen++
	if p.lineLen == progressWidth {
		p.write(" " + p.status() + "\n")
		p.lineLen = 0
	}
}

func (p *Bar) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lineLen > 0 {
		p.write(strings.Repeat(" ", progressWidth-p.lineLen) + " " + p.status() + "\n")
		p.lineLen = 0
	}
}

func (p *Bar) write(s string) {
	for _, w := range p.outs {
		io.WriteString(w, s)
	}
}

func (p *Bar) status() string {
	el := time.Since(p.start)
	s := fmt.Sprintf("%d/%d scenarios", p.done, p.total)
	for _, st := range []results.Status{results.Failed, results.Blocked, results.Deviation, results.Skipped} {
		if p.counts[st] > 0 {
			s += fmt.Sprintf(", %d %s", p.counts[st], st)
		}
	}
	s += fmt.Sprintf(", %s", el.Round(100*time.Millisecond))
	if p.done > 0 && p.done < p.total {
		left := time.Duration(float64(el) / float64(p.done) * float64(p.total-p.done))
		s += fmt.Sprintf(", about %s left", left.Round(time.Second))
	}
	return s
}

// progressFormatter receives godog's events; kmsmac's hooks do the printing.
type progressFormatter struct{ p *Bar }

func (progressFormatter) TestRunStarted()                                   {}
func (progressFormatter) Feature(*messages.GherkinDocument, string, []byte) {}
func (progressFormatter) Pickle(*messages.Pickle)                           {}
func (progressFormatter) Defined(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition) {
}
func (progressFormatter) Failed(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition, error) {
}
func (progressFormatter) Passed(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition) {
}
func (progressFormatter) Skipped(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition) {
}
func (progressFormatter) Undefined(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition) {
}
func (progressFormatter) Pending(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition) {
}
func (progressFormatter) Ambiguous(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition, error) {
}
func (f progressFormatter) Summary() { f.p.finish() }
