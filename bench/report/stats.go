package report

import (
	"math"
	"slices"
)

// Stat summarises repetitions: median and range.
type Stat struct {
	Median, Min, Max float64
	N                int
}

// Summarize returns the median, min and max of vs.
func Summarize(vs []float64) Stat {
	if len(vs) == 0 {
		return Stat{Median: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stat{Median: m, Min: s[0], Max: s[len(s)-1], N: len(s)}
}

// Ratio is a/b with its range: the worst and best case over the
// repetitions (min a / max b ... max a / min b).
type Ratio struct{ Median, Lo, Hi float64 }

// RatioOf compares two summaries of a higher-is-better unit.
func RatioOf(a, b Stat) Ratio {
	return Ratio{Median: a.Median / b.Median, Lo: a.Min / b.Max, Hi: a.Max / b.Min}
}
