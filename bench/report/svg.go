package report

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Group is one setting (everything but the endpoint) and its endpoints.
type Group struct {
	Setting string // human label, e.g. "GenerateMac · HMAC_SHA_256 · 4096 B · c=64 · raw"
	Rows    []Row
}

// Row is one endpoint's throughput and p99 in a setting.
type Row struct {
	Endpoint string
	Thr, P99 Stat // req/s; p99 in nanoseconds
	Errors   float64
}

var palette = []string{"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"}

// fixedColors keeps the usual endpoints' colours stable across reports.
var fixedColors = map[string]string{"reference": "#4e79a7", "floor": "#9a9a9a", "moto": "#f28e2b"}

// Chart draws a horizontal bar chart with two panels: throughput (req/s,
// higher is better) and p99 latency (ms, lower is better), one bar per
// endpoint and setting, with the min–max over repetitions as a whisker
// and the median written at the bar.
func Chart(groups []Group) string {
	const (
		width    = 1000
		labelW   = 330 // setting and endpoint labels
		panelW   = 300
		gap      = 35
		top      = 58
		barH     = 16
		rowH     = 22
		groupGap = 26
	)
	ax := float64(labelW)
	bx := ax + panelW + gap
	maxThr, maxP99 := 0.0, 0.0
	nrows := 0
	for _, g := range groups {
		for _, r := range g.Rows {
			maxThr = math.Max(maxThr, finite(r.Thr.Max))
			maxP99 = math.Max(maxP99, finite(r.P99.Max))
			nrows++
		}
	}
	maxThr, maxP99 = niceCeil(maxThr), niceCeil(maxP99)
	height := top + nrows*rowH + len(groups)*groupGap + 30

	colors := map[string]string{}
	for _, g := range groups {
		for _, r := range g.Rows {
			if _, ok := colors[r.Endpoint]; !ok {
				if c, ok := fixedColors[r.Endpoint]; ok {
					colors[r.Endpoint] = c
				} else {
					colors[r.Endpoint] = palette[(len(colors)+1)%len(palette)]
				}
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="22" font-size="14" font-weight="bold">Throughput (req/s) — higher is better</text>`+"\n", ax)
	fmt.Fprintf(&b, `<text x="%.0f" y="22" font-size="14" font-weight="bold">p99 latency (ms) — lower is better</text>`+"\n", bx)
	fmt.Fprintf(&b, `<text x="%.0f" y="40" fill="#555">bar: median of repetitions; whisker: min–max</text>`+"\n", ax)
	axisBottom := height - 26
	for _, p := range []struct {
		x   float64
		max float64
		fmt func(float64) string
	}{{ax, maxThr, fmtCount}, {bx, maxP99, func(v float64) string { return fmtMs(v) }}} {
		for i := 0; i <= 4; i++ {
			x := p.x + float64(panelW)*float64(i)/4
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e3e3e3"/>`+"\n", x, top-8, x, axisBottom)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#555" font-size="11">%s</text>`+"\n", x, axisBottom+14, p.fmt(p.max*float64(i)/4))
		}
	}
	y := top
	for _, g := range groups {
		fmt.Fprintf(&b, `<text x="8" y="%d" font-weight="bold">%s</text>`+"\n", y+4, html.EscapeString(g.Setting))
		y += 10
		for _, r := range g.Rows {
			c := colors[r.Endpoint]
			label := r.Endpoint
			if r.Errors > 0 {
				label += fmt.Sprintf(" (%.0f errors)", r.Errors)
			}
			fmt.Fprintf(&b, `<text x="%.0f" y="%d" text-anchor="end">%s</text>`+"\n", ax-8, y+barH-4, html.EscapeString(label))
			bar(&b, ax, float64(y), panelW, barH, r.Thr, maxThr, c, fmtCount(r.Thr.Median))
			bar(&b, bx, float64(y), panelW, barH, r.P99, maxP99, c, fmtMs(r.P99.Median))
			y += rowH
		}
		y += groupGap - 10
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func bar(b *strings.Builder, x0, y, w, h float64, s Stat, max float64, color, text string) {
	if max <= 0 || math.IsNaN(s.Median) {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" fill="#555">n/a</text>`+"\n", x0+4, y+h-4)
		return
	}
	scale := func(v float64) float64 { return x0 + w*math.Min(finite(v), max)/max }
	end := scale(s.Median)
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", x0, y, math.Max(end-x0, 1), h, color)
	if s.N > 1 {
		lo, hi, mid := scale(s.Min), scale(s.Max), y+h/2
		fmt.Fprintf(b, `<path d="M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f" stroke="#222" stroke-width="1.2" fill="none"/>`+"\n",
			lo, mid, hi, lo, y+3, y+h-3, hi, y+3, y+h-3)
	}
	// The value goes right of the whisker, or inside the bar when there is no room.
	tx := math.Max(end, scale(s.Max)) + 5
	if tx+60 > x0+w+30 {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" fill="#fff" font-weight="bold">%s</text>`+"\n", math.Min(end, scale(s.Min))-5, y+h-4, text)
		return
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", tx, y+h-4, text)
}

func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// niceCeil rounds v up to a round number (1, 1.2, 1.6, 2, 2.4, 3.2, 4, 6
// or 8 times a power of ten), for axis ticks.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	// Each step divides into four readable ticks.
	for _, m := range []float64{1, 1.2, 1.6, 2, 2.4, 3.2, 4, 6, 8, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// fmtCount writes a count with thousands separators, or k/M above 100k.
func fmtCount(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case v >= 1e6:
		return trimZero(fmt.Sprintf("%.2fM", v/1e6))
	case v >= 1e5:
		return fmt.Sprintf("%.0fk", v/1e3)
	case v >= 100:
		s := fmt.Sprintf("%.0f", v)
		if len(s) > 3 {
			s = s[:len(s)-3] + "," + s[len(s)-3:]
		}
		return s
	default:
		return trimZero(fmt.Sprintf("%.1f", v))
	}
}

// fmtMs writes nanoseconds as milliseconds with 3 significant digits.
func fmtMs(ns float64) string {
	ms := ns / 1e6
	switch {
	case math.IsNaN(ms):
		return "n/a"
	case ms == 0:
		return "0"
	case ms >= 100:
		return fmt.Sprintf("%.0f", ms)
	case ms >= 10:
		return trimZero(fmt.Sprintf("%.1f", ms))
	case ms >= 1:
		return trimZero(fmt.Sprintf("%.2f", ms))
	default:
		return trimZero(fmt.Sprintf("%.3f", ms))
	}
}

func trimZero(s string) string {
	unit := strings.TrimLeft(s, "0123456789.")
	num := strings.TrimSuffix(s, unit)
	if strings.Contains(num, ".") {
		num = strings.TrimRight(strings.TrimRight(num, "0"), ".")
	}
	return num + unit
}
