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

// Ratio is a/b: the median and range of the per-repetition ratios.
type Ratio struct{ Median, Lo, Hi float64 }

// PairedRatio divides repetition i of a by repetition i of b (runs made
// back to back, so both saw the same machine) and summarises the ratios.
// Unequal or empty series have no pairing: NaN.
func PairedRatio(a, b []float64) Ratio {
	if len(a) == 0 || len(a) != len(b) {
		return Ratio{math.NaN(), math.NaN(), math.NaN()}
	}
	rs := make([]float64, len(a))
	for i := range a {
		rs[i] = a[i] / b[i]
	}
	st := Summarize(rs)
	return Ratio{Median: st.Median, Lo: st.Min, Hi: st.Max}
}
