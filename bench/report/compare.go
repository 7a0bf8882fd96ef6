package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"
)

// Compare writes, per unit, each benchmark present in both runs with its
// old and new median ± 95% confidence interval and the change, or "~" when
// a Mann-Whitney U test (benchstat's default) finds no significant
// difference. It returns how many (benchmark, unit) pairs changed
// significantly.
func Compare(w io.Writer, old, new []*Bench) int {
	newByName := map[string]*Bench{}
	for _, b := range new {
		newByName[b.Name] = b
	}
	var units []string
	seen := map[string]bool{}
	for _, b := range old {
		for _, u := range b.Units {
			if !seen[u] {
				seen[u] = true
				units = append(units, u)
			}
		}
	}
	changed := 0
	matched := false
	thr := benchmath.DefaultThresholds
	for _, unit := range units {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		rows := 0
		for _, ob := range old {
			nb, ok := newByName[ob.Name]
			if !ok || ob.Values[unit] == nil || nb.Values[unit] == nil {
				continue
			}
			if rows == 0 {
				fmt.Fprintf(tw, "%s\told\t\tnew\t\tdelta\t\n", unit)
			}
			rows++
			matched = true
			s1 := benchmath.NewSample(append([]float64(nil), ob.Values[unit]...), &thr)
			s2 := benchmath.NewSample(append([]float64(nil), nb.Values[unit]...), &thr)
			a := benchmath.AssumeNothing
			sum1, sum2 := a.Summary(s1, 0.95), a.Summary(s2, 0.95)
			cmp := a.Compare(s1, s2)
			delta := cmp.FormatDelta(sum1.Center, sum2.Center)
			if delta != "~" && delta != "0.00%" {
				changed++
			}
			fmt.Fprintf(tw, "%s\t%s\t± %s\t%s\t± %s\t%s (%s)\t\n", ob.Name,
				scale(sum1.Center, unit), sum1.PctRangeString(),
				scale(sum2.Center, unit), sum2.PctRangeString(),
				delta, cmp)
		}
		tw.Flush()
		if rows > 0 {
			fmt.Fprintln(w)
		}
	}
	if !matched {
		fmt.Fprintln(w, "no benchmark name appears in both runs; names must match exactly (use --label or the same settings)")
	}
	if n := minReps(old, new); n > 0 && n < 6 {
		fmt.Fprintf(w, "note: %s\n", strings.TrimSpace(fmt.Sprintf("only %d repetitions; a significant change needs at least 4 on each side and 6 or more give tighter intervals (--count)", n)))
	}
	return changed
}

func minReps(sets ...[]*Bench) int {
	n := 0
	for _, set := range sets {
		for _, b := range set {
			for _, vs := range b.Values {
				if n == 0 || len(vs) < n {
					n = len(vs)
				}
			}
		}
	}
	return n
}

// scale formats v in unit with an SI prefix; nanosecond units (ns/op,
// p99-ns) are shown as durations.
func scale(v float64, unit string) string {
	if unit == "ns/op" || strings.HasSuffix(unit, "-ns") || strings.HasPrefix(unit, "ns/") || strings.Contains(unit, "-ns/") {
		return benchunit.Scale(v/1e9, benchunit.Decimal) + "s"
	}
	return benchunit.Scale(v, benchunit.ClassOf(unit))
}
