package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Options shape a report.
type Options struct {
	Title   string   // default "kmsmac performance report"
	Subject string   // the endpoint(s) ratios are stated for, comma-separated, one table each; default "reference"
	SVG     string   // the chart's file name as linked from the Markdown; "" embeds no chart
	Sources []string // input file names, listed in the report
	Notes   string   // Markdown inserted after the summary (how the run was made)
}

// Markdown renders the report and returns it with the chart's SVG (empty
// when there are no endpoint results).
func Markdown(benches []*Bench, o Options) (md, svg string) {
	if o.Title == "" {
		o.Title = "kmsmac performance report"
	}
	if o.Subject == "" {
		o.Subject = "reference"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", o.Title)
	if m := machine(benches); m != "" {
		fmt.Fprintf(&b, "Machine: %s.", m)
	}
	if len(o.Sources) > 0 {
		fmt.Fprintf(&b, " Data: %s.", strings.Join(quoteAll(o.Sources), ", "))
	}
	b.WriteString("\n\n")
	if o.Notes != "" {
		b.WriteString(strings.TrimSpace(o.Notes) + "\n\n")
	}

	var endpoints, soak, core, coreRatio, other []*Bench
	for _, x := range benches {
		switch {
		case x.Values["req/s"] != nil && strings.HasPrefix(x.Get("label"), "soak"):
			soak = append(soak, x)
		case x.Values["req/s"] != nil:
			endpoints = append(endpoints, x)
		case x.Base == "Core" && x.Get("keying") != "":
			core = append(core, x)
		case x.Base == "CoreRatio" && x.Values["pre/stdlib"] != nil:
			coreRatio = append(coreRatio, x)
		default:
			other = append(other, x)
		}
	}
	groups := groupEndpoints(endpoints)
	if len(groups) > 0 {
		var subjects []string
		for _, s := range strings.Split(o.Subject, ",") {
			if s = strings.TrimSpace(s); s != "" {
				subjects = append(subjects, s)
			}
		}
		for i, s := range subjects {
			ratios(&b, groups, s, subjects[:i])
		}
		if o.SVG != "" {
			fmt.Fprintf(&b, "![Throughput and p99 latency per endpoint and setting](%s)\n\n", o.SVG)
		}
		clientRatios(&b, endpoints)
		endpointTable(&b, groups)
		svg = Chart(chartGroups(groups))
	}
	if len(soak) > 0 {
		soakTable(&b, soak)
	}
	if len(core)+len(coreRatio) > 0 {
		coreTable(&b, core, coreRatio)
	}
	if len(other) > 0 {
		otherTable(&b, other)
	}
	return b.String(), svg
}

type endpointGroup struct {
	setting string
	label   string
	rows    []*Bench
}

func groupEndpoints(bs []*Bench) []endpointGroup {
	var out []endpointGroup
	idx := map[string]int{}
	for _, x := range bs {
		s := x.Setting("endpoint")
		i, ok := idx[s]
		if !ok {
			i = len(out)
			idx[s] = i
			out = append(out, endpointGroup{setting: s, label: settingLabel(x)})
		}
		out[i].rows = append(out[i].rows, x)
	}
	return out
}

// settingLabel is a short human label: "GenerateMac · HMAC_SHA_256 · 4096 B · c=64 · raw".
func settingLabel(x *Bench) string {
	parts := []string{x.Base}
	for _, kv := range x.Keys {
		switch kv.Key {
		case "endpoint":
		case "alg", "client", "":
			parts = append(parts, kv.Value)
		case "size":
			parts = append(parts, kv.Value+" B")
		default:
			parts = append(parts, kv.Key+"="+kv.Value)
		}
	}
	return strings.Join(parts, " · ")
}

func chartGroups(gs []endpointGroup) []Group {
	out := make([]Group, len(gs))
	for i, g := range gs {
		out[i].Setting = g.label
		for _, x := range g.rows {
			out[i].Rows = append(out[i].Rows, Row{
				Endpoint: x.Get("endpoint"),
				Thr:      Summarize(x.Values["req/s"]),
				P99:      Summarize(x.Values["p99-ns"]),
				Errors:   sum(x.Values["errors"]),
			})
		}
	}
	return out
}

// ratios writes the paired ratios of subject to every other endpoint but
// the subjects whose tables came before (their ratio to it is there).
func ratios(b *strings.Builder, gs []endpointGroup, subject string, before []string) {
	var others []string
	for _, g := range gs {
		for _, x := range g.rows {
			if e := x.Get("endpoint"); e != subject && !slices.Contains(others, e) && !slices.Contains(before, e) {
				others = append(others, e)
			}
		}
	}
	if len(others) == 0 {
		return
	}
	var lines []string
	for _, g := range gs {
		var subj *Bench
		for _, x := range g.rows {
			if x.Get("endpoint") == subject {
				subj = x
			}
		}
		if subj == nil {
			continue
		}
		cells := []string{g.label}
		any := false
		for _, o := range others {
			cell := "–"
			for _, x := range g.rows {
				if x.Get("endpoint") == o {
					cell = fmtRatio(PairedRatio(subj.Values["req/s"], x.Values["req/s"]))
					if sc, oc := subj.Values["server-cpu-ns/op"], x.Values["server-cpu-ns/op"]; sc != nil && oc != nil {
						cell += "; CPU/req " + fmtRatio(PairedRatio(sc, oc))
					}
					any = true
				}
			}
			cells = append(cells, cell)
		}
		if any {
			lines = append(lines, "| "+strings.Join(cells, " | ")+" |")
		}
	}
	if len(lines) == 0 {
		return
	}
	if len(before) > 0 {
		fmt.Fprintf(b, "## Ratios of %[1]s\n\nFor **%[1]s**: requests per second of %[1]s divided by the other endpoint's, then server CPU per request of %[1]s divided by the other's, paired per repetition; median (min–max).\n\n", subject)
		writeRatioTable(b, subject, others, lines)
		return
	}
	fmt.Fprintf(b, "## Ratios\n\nEach cell: requests per second of **%[1]s** divided by the other endpoint's, then server CPU per request of %[1]s divided by the other's. Paired per repetition: repetition i of every endpoint ran back to back, so each ratio divides two runs that saw the same machine; median (min–max) of the per-repetition ratios. The req/s ratio holds for this machine with driver and servers sharing its cores (whole-machine throughput); the CPU ratio does not depend on the driver.\n\n", subject)
	writeRatioTable(b, subject, others, lines)
}

func writeRatioTable(b *strings.Builder, subject string, others, lines []string) {
	hdr := []string{"setting"}
	for _, o := range others {
		hdr = append(hdr, subject+" / "+o)
	}
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(hdr, " | "), strings.Repeat(" --- |", len(hdr)))
	b.WriteString(strings.Join(lines, "\n") + "\n\n")
}

func fmtRatio(r Ratio) string {
	f := func(v float64) string {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return "n/a"
		case v >= 10:
			return fmt.Sprintf("%.0f", v)
		case v >= 0.1:
			return fmt.Sprintf("%.2f", v)
		default:
			return fmt.Sprintf("%.3f", v)
		}
	}
	return fmt.Sprintf("%s× (%s–%s)", f(r.Median), f(r.Lo), f(r.Hi))
}

func endpointTable(b *strings.Builder, gs []endpointGroup) {
	b.WriteString("## Endpoints\n\nMedian (min–max) over the repetitions. CPU per request: the driver's (client) and, when its pid was known, the server's; when client CPU × req/s nears the cores the driver has, the driver is the limit.\n\n")
	b.WriteString("| setting | endpoint | req/s | p50 ms | p99 ms | errors | client CPU µs/req | server CPU µs/req | server RSS MiB | runs |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, g := range gs {
		for _, x := range g.rows {
			thr := Summarize(x.Values["req/s"])
			fmt.Fprintf(b, "| %s | %s | %s (%s–%s) | %s | %s (%s–%s) | %.0f | %s | %s | %s | %d |\n",
				g.label, x.Get("endpoint"),
				fmtCount(thr.Median), fmtCount(thr.Min), fmtCount(thr.Max),
				fmtMs(Summarize(x.Values["p50-ns"]).Median),
				fmtMs(Summarize(x.Values["p99-ns"]).Median), fmtMs(Summarize(x.Values["p99-ns"]).Min), fmtMs(Summarize(x.Values["p99-ns"]).Max),
				sum(x.Values["errors"]),
				fmtUs(x.Values["client-cpu-ns/op"]), fmtUs(x.Values["server-cpu-ns/op"]), fmtRange(x.Values["server-rss-MiB"]), thr.N)
		}
	}
	b.WriteString("\n")
}

func fmtUs(ns []float64) string {
	if ns == nil {
		return "–"
	}
	return fmt.Sprintf("%.1f", Summarize(ns).Median/1e3)
}

// coreTable compares the reference HMAC core with the standard library's
// HMAC and the bare hash (BenchmarkCore in bench/).
func coreTable(b *strings.Builder, core, coreRatio []*Bench) {
	b.WriteString("## HMAC core\n\n")
	if len(coreRatio) > 0 {
		b.WriteString("The reference core (`mac.Key.Sum`, pre-keyed) against `crypto/hmac` reused with `Reset` (the hash-bound HMAC), timed in alternating batches so machine noise hits both alike (BenchmarkCoreRatio); target: at most 1.05×. Median (min–max) over the repetitions.\n\n")
		b.WriteString("| algorithm | size | core ns/MAC | crypto/hmac ns/MAC | core / crypto/hmac |\n| --- | ---: | ---: | ---: | ---: |\n")
		for _, x := range coreRatio {
			r := Summarize(x.Values["pre/stdlib"])
			fmt.Fprintf(b, "| %s | %s | %.0f | %.0f | %.3f× (%.3f–%.3f) |\n", x.Get("alg"), x.Get("size"),
				Summarize(x.Values["pre-ns/mac"]).Median, Summarize(x.Values["stdlib-ns/mac"]).Median, r.Median, r.Min, r.Max)
		}
		b.WriteString("\n")
	}
	if len(core) > 0 {
		coreDetail(b, core)
	}
}

func coreDetail(b *strings.Builder, core []*Bench) {
	type key struct{ alg, size string }
	var order []key
	ns := map[key]map[string]Stat{}
	for _, x := range core {
		k := key{x.Get("alg"), x.Get("size")}
		if ns[k] == nil {
			ns[k] = map[string]Stat{}
			order = append(order, k)
		}
		ns[k][x.Get("keying")] = Summarize(x.Values["ns/op"])
	}
	b.WriteString("BenchmarkCore, ns per MAC, median over the repetitions (separate runs, so more exposed to noise). `pre`: the reference's pre-keyed `mac.Key.Sum`; `fresh`: a new HMAC per call; `stdlib`: `crypto/hmac` reused with `Reset` (the hash-bound HMAC the 1.05× target is measured against); `hash`: the bare hash.\n\n")
	b.WriteString("| algorithm | size | pre | fresh | stdlib | hash | pre / stdlib |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, k := range order {
		m := ns[k]
		cell := func(s string) string {
			if st, ok := m[s]; ok {
				return fmt.Sprintf("%.0f", st.Median)
			}
			return "–"
		}
		ratio := "–"
		if p, ok := m["pre"]; ok {
			if s, ok := m["stdlib"]; ok {
				ratio = fmt.Sprintf("%.3f× (%.3f–%.3f)", p.Median/s.Median, p.Min/s.Max, p.Max/s.Min)
			}
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", k.alg, k.size, cell("pre"), cell("fresh"), cell("stdlib"), cell("hash"), ratio)
	}
	b.WriteString("\n")
}

// otherTable lists any other benchmark with the median of each unit.
func otherTable(b *strings.Builder, bs []*Bench) {
	var units []string
	for _, x := range bs {
		for _, u := range x.Units {
			if !slices.Contains(units, u) {
				units = append(units, u)
			}
		}
	}
	b.WriteString("## Other benchmarks\n\nMedian over the repetitions.\n\n")
	fmt.Fprintf(b, "| benchmark | %s |\n|---|%s\n", strings.Join(units, " | "), strings.Repeat("---:|", len(units)))
	for _, x := range bs {
		cells := []string{x.Name}
		for _, u := range units {
			if vs, ok := x.Values[u]; ok {
				cells = append(cells, trimZero(fmt.Sprintf("%.2f", Summarize(vs).Median)))
			} else {
				cells = append(cells, "")
			}
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
	}
	b.WriteString("\n")
}

func machine(bs []*Bench) string {
	for _, x := range bs {
		var parts []string
		for _, k := range []string{"cpu", "goos", "goarch"} {
			if v := x.Config[k]; v != "" {
				parts = append(parts, v)
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, ", ")
		}
	}
	return ""
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return out
}

func sum(vs []float64) float64 {
	t := 0.0
	for _, v := range vs {
		t += v
	}
	return t
}

// clientRatios compares the raw driver with wrk (client=wrk lines made by
// kmsmac bench --wrk-to-bench) on the same endpoint and setting.
func clientRatios(b *strings.Builder, bs []*Bench) {
	byName := map[string]*Bench{}
	for _, x := range bs {
		byName[x.Name] = x
	}
	var rows []string
	for _, x := range bs {
		if x.Get("client") != "wrk" {
			continue
		}
		raw, ok := byName[strings.Replace(x.Name, "/client=wrk", "/client=raw", 1)]
		if !ok {
			continue
		}
		r := PairedRatio(raw.Values["req/s"], x.Values["req/s"])
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s |", settingLabel(raw), raw.Get("endpoint"),
			fmtCount(Summarize(raw.Values["req/s"]).Median), fmtCount(Summarize(x.Values["req/s"]).Median), fmtRatio(r)))
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("## Driver vs wrk\n\nRequests per second of `kmsmac bench --client raw` and of `wrk` posting the same request to the same endpoint, alternating: median (min–max) of the per-repetition ratios.\n\n")
	b.WriteString("| setting | endpoint | raw req/s | wrk req/s | raw / wrk |\n| --- | --- | ---: | ---: | ---: |\n")
	b.WriteString(strings.Join(rows, "\n") + "\n\n")
}

// fmtRange is min–max, for values that should stay flat (RSS).
func fmtRange(vs []float64) string {
	if vs == nil {
		return "–"
	}
	st := Summarize(vs)
	lo, hi := fmt.Sprintf("%.0f", st.Min), fmt.Sprintf("%.0f", st.Max)
	if lo == hi {
		return lo
	}
	return lo + "–" + hi
}

// soakTable lists a long run's repetitions in order (label soak...): the
// server's RSS over time, with throughput and CPU beside it.
func soakTable(b *strings.Builder, bs []*Bench) {
	for _, x := range bs {
		rss, thr, cpu := x.Values["server-rss-MiB"], x.Values["req/s"], x.Values["server-cpu-ns/op"]
		if len(rss) == 0 {
			continue
		}
		fmt.Fprintf(b, "## RSS over a long run (%s)\n\n%s: %d consecutive slices; server RSS at the end of each, first %.1f MiB, last %.1f MiB, max %.1f MiB.\n\n",
			x.Get("label"), settingLabel(x), len(rss), rss[0], rss[len(rss)-1], Summarize(rss).Max)
		b.WriteString("| slice | req/s | server CPU µs/req | server RSS MiB |\n| ---: | ---: | ---: | ---: |\n")
		for i := range rss {
			c := "–"
			if i < len(cpu) {
				c = fmt.Sprintf("%.1f", cpu[i]/1e3)
			}
			t := "–"
			if i < len(thr) {
				t = fmtCount(thr[i])
			}
			fmt.Fprintf(b, "| %d | %s | %s | %.1f |\n", i+1, t, c, rss[i])
		}
		b.WriteString("\n")
	}
}
