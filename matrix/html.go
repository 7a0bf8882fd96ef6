package matrix

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/kmsmac/kmsmac/results"
)

//go:embed page.html.tmpl
var pageTmpl string

// statusInfo is how a status looks: a CSS class and a symbol, always shown
// next to the status word (colour is never the only signal).
var statusInfo = map[results.Status]struct{ class, sym string }{
	results.Passed:     {"passed", "✓"},
	results.Failed:     {"failed", "✗"},
	results.Deviation:  {"deviation", "≈"},
	results.Blocked:    {"blocked", "⊘"},
	results.NotReached: {"notreached", "…"},
	results.Skipped:    {"skipped", "–"},
	NotRun:             {"notrun", "·"},
}

func class(st results.Status) string {
	if i, ok := statusInfo[st]; ok {
		return i.class
	}
	return "other"
}

func symbol(st results.Status) string {
	if i, ok := statusInfo[st]; ok {
		return i.sym
	}
	return "?"
}

// inline renders the catalogue's `code` spans; everything else is escaped.
func inline(s string) template.HTML {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, p := range parts {
		e := template.HTMLEscapeString(p)
		if i%2 == 1 && i < len(parts)-1 {
			e = "<code>" + e + "</code>"
		} else if i%2 == 1 {
			e = "`" + e // unbalanced backtick: keep it
		}
		b.WriteString(strings.ReplaceAll(e, "**", ""))
	}
	return template.HTML(b.String())
}

func countsText(c map[results.Status]int) string {
	var parts []string
	for _, st := range Statuses {
		if c[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[st], st))
		}
	}
	for st, n := range c { // statuses a newer kmsmac may add
		if _, known := statusInfo[st]; !known && n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	if len(parts) == 0 {
		return "no scenarios"
	}
	return strings.Join(parts, ", ")
}

// Chart geometry (SVG user units).
const (
	chartLabelW = 190
	chartBarW   = 520
	chartRowH   = 34
	chartBarH   = 22
	chartTop    = 8
)

type chartSeg struct {
	X, W   float64
	N      int
	Status results.Status
	Class  string
	ShowN  bool // wide enough to print the count inside
}

type chartRow struct {
	Name   string
	Y, TY  int
	Segs   []chartSeg
	Score  string
	Passed int
	Total  int
}

type chart struct {
	W, H, LabelW, BarW, BarH int
	Rows                     []chartRow
}

func buildChart(m *Matrix) chart {
	c := chart{W: chartLabelW + chartBarW + 210, LabelW: chartLabelW, BarW: chartBarW, BarH: chartBarH}
	total := m.Rules()
	for i, e := range m.Endpoints {
		row := chartRow{Name: e.Name, Y: chartTop + i*chartRowH, Total: total, Passed: m.Totals[i].Passed,
			Score: scoreText(m.Totals[i])}
		row.TY = row.Y + chartBarH/2 + 5
		x := float64(chartLabelW)
		for _, st := range Statuses {
			n := m.Totals[i].Counts[st]
			if n == 0 || total == 0 {
				continue
			}
			w := float64(n) / float64(total) * chartBarW
			row.Segs = append(row.Segs, chartSeg{X: x, W: w, N: n, Status: st, Class: class(st), ShowN: w >= 24})
			x += w
		}
		c.Rows = append(c.Rows, row)
	}
	c.H = chartTop*2 + len(m.Endpoints)*chartRowH
	return c
}

type page struct {
	M        *Matrix
	Chart    chart
	Statuses []results.Status
	Cols     int
}

var funcs = template.FuncMap{
	"class":  class,
	"symbol": symbol,
	"inline": inline,
	"counts": countsText,
	"score":  scoreText,
	"pct": func(s Score) string {
		if s.Judged == 0 {
			return "–"
		}
		return fmt.Sprintf("%.0f%%", 100*float64(s.Passed)/float64(s.Judged))
	},
	"statusList": func(r Row) string { // the row's distinct status classes, for the filter
		seen := map[string]bool{}
		var out []string
		for _, c := range r.Cells {
			if k := class(c.Status); !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
		return strings.Join(out, " ")
	},
	"f":   func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"add": func(a, b int) int { return a + b },
}

var tmpl = template.Must(template.New("page").Funcs(funcs).Parse(pageTmpl))

// WriteHTML writes one self-contained page: inline CSS, JS and SVG, no
// external assets, so it can be attached to an issue or opened offline.
// The table is complete without JS; the script only adds the filters
// (mirrored in the URL hash, e.g. #status=failed&section=WIRE) and the
// expandable details.
func (m *Matrix) WriteHTML(w io.Writer) error {
	return tmpl.Execute(w, page{M: m, Chart: buildChart(m), Statuses: Statuses, Cols: 3 + len(m.Endpoints)})
}
