package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
)

// lines makes a driver output with reps repetitions per endpoint.
func lines(rps map[string][]float64) string {
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\ncpu: Test CPU\n")
	for _, e := range []string{"reference", "noauth", "floor", "moto"} {
		for _, v := range rps[e] {
			fmt.Fprintf(&b, "BenchmarkGenerateMac/endpoint=%s/alg=HMAC_SHA_256/size=4096/c=64/client=raw\t%d\t%.0f ns/op\t%.1f req/s\t100000 p50-ns\t%d p99-ns\t0 errors\t50000 client-cpu-ns/op\n",
				e, int(v), 1e9/v, v, int(1e9/v*10))
		}
	}
	return b.String()
}

func TestReadGroupsRepetitions(t *testing.T) {
	in := lines(map[string][]float64{"reference": {100, 120, 110}, "floor": {50, 55}}) +
		"some noise line\nBenchmarkCore/alg=HMAC_SHA_256/size=4096/keying=pre-2 \t 1000\t 2500 ns/op\t1600 MB/s\n"
	bs, err := Read(strings.NewReader(in), "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 3 {
		t.Fatalf("%d benchmarks, want 3", len(bs))
	}
	ref := bs[0]
	if ref.Get("endpoint") != "reference" || ref.Base != "GenerateMac" || len(ref.Values["req/s"]) != 3 || ref.Values["p50-ns"][0] != 100000 {
		t.Fatalf("reference parsed as %+v", ref)
	}
	if ref.Setting("endpoint") != bs[1].Setting("endpoint") {
		t.Errorf("settings differ: %q %q", ref.Setting("endpoint"), bs[1].Setting("endpoint"))
	}
	if bs[2].Name != "Core/alg=HMAC_SHA_256/size=4096/keying=pre" || bs[2].Values["ns/op"][0] != 2500 {
		t.Errorf("core parsed as %q %v", bs[2].Name, bs[2].Values)
	}
	if ref.Config["cpu"] != "Test CPU" {
		t.Errorf("config %v", ref.Config)
	}
	if _, err := Read(strings.NewReader("BenchmarkX 12 abc ns/op\n"), "bad"); err == nil {
		t.Error("malformed line accepted")
	}
}

func TestSummarizeAndRatio(t *testing.T) {
	s := Summarize([]float64{3, 1, 2, 10})
	if s.Median != 2.5 || s.Min != 1 || s.Max != 10 || s.N != 4 {
		t.Fatalf("%+v", s)
	}
	if s := Summarize(nil); !math.IsNaN(s.Median) {
		t.Fatalf("empty median %v", s.Median)
	}
	// Paired: repetition i over repetition i, not min/max cross ratios.
	r := PairedRatio([]float64{150, 140, 160}, []float64{100, 100, 80})
	if r.Median != 1.5 || r.Lo != 1.4 || r.Hi != 2 {
		t.Fatalf("%+v", r)
	}
	if r := PairedRatio([]float64{1, 2}, []float64{1}); !math.IsNaN(r.Median) {
		t.Fatalf("unpaired series gave %+v", r)
	}
}

func TestMarkdownStatesRatios(t *testing.T) {
	bs, err := Read(strings.NewReader(lines(map[string][]float64{
		"reference": {3000, 3100, 2900, 3050, 2950}, "floor": {2000, 2000, 1900, 2100, 2050}, "moto": {100, 98, 102, 100, 99},
	})), "x")
	if err != nil {
		t.Fatal(err)
	}
	md, svg := Markdown(bs, Options{SVG: "perf.svg"})
	for _, want := range []string{
		"| GenerateMac · HMAC_SHA_256 · 4096 B · c=64 · raw | 1.50× (1.44–1.55) | 30× (28–32) |",
		"reference / floor", "reference / moto", "![Throughput", "(perf.svg)", "Test CPU", "| 3,000 (2,900–3,100) |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	checkSVG(t, svg, []string{"reference", "floor", "moto", "3,000", "2,000"})
}

// With two subjects each gets its table of paired ratios; the second's
// leaves out the first (its ratio to the second is in the first table).
func TestMarkdownTwoSubjects(t *testing.T) {
	bs, err := Read(strings.NewReader(lines(map[string][]float64{
		"reference": {3000, 3100, 2900, 3050, 2950}, "noauth": {6000, 6200, 5800, 6100, 5900}, "floor": {2000, 2000, 1900, 2100, 2050},
	})), "x")
	if err != nil {
		t.Fatal(err)
	}
	md, _ := Markdown(bs, Options{Subject: "reference, noauth"})
	for _, want := range []string{
		"| setting | reference / noauth | reference / floor |",
		"| GenerateMac · HMAC_SHA_256 · 4096 B · c=64 · raw | 0.50× (0.50–0.50) | 1.50× (1.44–1.55) |",
		"## Ratios of noauth",
		"| setting | noauth / floor |",
		"| GenerateMac · HMAC_SHA_256 · 4096 B · c=64 · raw | 3.00× (2.88–3.10) |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "noauth / reference") {
		t.Error("the second table repeats the first's pair")
	}
}

// checkSVG asserts the chart is well-formed XML holding the given texts
// and one bar per endpoint per panel.
func checkSVG(t *testing.T, svg string, texts []string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var alltext bytes.Buffer
	rects := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if x.Name.Local == "rect" {
				rects++
			}
		case xml.CharData:
			alltext.Write(x)
			alltext.WriteByte('\n')
		}
	}
	for _, s := range texts {
		if !strings.Contains(alltext.String(), s) {
			t.Errorf("chart lacks %q", s)
		}
	}
	if want := 1 + 2*3; rects != want { // background + 2 panels × 3 endpoints
		t.Errorf("%d rects, want %d", rects, want)
	}
}

func TestChartEscapesAndHandlesEmpty(t *testing.T) {
	svg := Chart([]Group{{Setting: `<b>&"x"`, Rows: []Row{{Endpoint: "a<b", Thr: Summarize(nil), P99: Summarize(nil)}}}})
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("invalid SVG with odd names: %v\n%s", err, svg)
	}
}

func TestCompare(t *testing.T) {
	mk := func(center float64) []*Bench {
		var vs []float64
		for i := range 8 {
			vs = append(vs, center+float64(i))
		}
		return []*Bench{{Name: "GenerateMac/c=1", Base: "GenerateMac", Units: []string{"req/s"}, Values: map[string][]float64{"req/s": vs}}}
	}
	var b bytes.Buffer
	if n := Compare(&b, mk(100), mk(200)); n != 1 || !strings.Contains(b.String(), "+96.62%") {
		t.Errorf("doubling not reported (changed=%d):\n%s", n, b.String())
	}
	b.Reset()
	if n := Compare(&b, mk(100), mk(100)); n != 0 || !strings.Contains(b.String(), "~") {
		t.Errorf("identical runs reported as changed (%d):\n%s", n, b.String())
	}
	b.Reset()
	other := mk(100)
	other[0].Name = "VerifyMac/c=1"
	Compare(&b, mk(100), other)
	if !strings.Contains(b.String(), "no benchmark name appears in both") {
		t.Errorf("disjoint runs not explained:\n%s", b.String())
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{fmtCount(12345.6), "12,346"}, {fmtCount(250000), "250k"}, {fmtCount(1.5e6), "1.5M"}, {fmtCount(42), "42"},
		{fmtMs(1.5e6), "1.5"}, {fmtMs(123.4e6), "123"}, {fmtMs(250e3), "0.25"}, {fmtMs(0), "0"},
		{fmt.Sprint(niceCeil(7300)), "8000"}, {fmt.Sprint(niceCeil(31754)), "32000"}, {fmt.Sprint(niceCeil(1800)), "2000"}, {fmt.Sprint(niceCeil(1012)), "1200"}, {fmt.Sprint(niceCeil(0)), "1"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestMarkdownCoreAndWrk(t *testing.T) {
	in := `BenchmarkCoreRatio/alg=HMAC_SHA_256/size=4096-2 	 100	 500000 ns/op	 2500 pre-ns/mac	 2400 stdlib-ns/mac	 1.04 pre/stdlib
BenchmarkCoreRatio/alg=HMAC_SHA_256/size=4096-2 	 100	 500000 ns/op	 2600 pre-ns/mac	 2400 stdlib-ns/mac	 1.08 pre/stdlib
BenchmarkCoreRatio/alg=HMAC_SHA_256/size=4096-2 	 100	 500000 ns/op	 2500 pre-ns/mac	 2500 stdlib-ns/mac	 1.00 pre/stdlib
BenchmarkGenerateMac/endpoint=reference/alg=HMAC_SHA_256/size=4096/c=64/client=raw/label=vs-wrk	1000	50000 ns/op	20000 req/s	1 p50-ns	2 p99-ns	0 errors
BenchmarkGenerateMac/endpoint=reference/alg=HMAC_SHA_256/size=4096/c=64/client=wrk/label=vs-wrk	1000	40000 ns/op	25000 req/s	1 p50-ns	2 p99-ns	0 errors
`
	bs, err := Read(strings.NewReader(in), "x")
	if err != nil {
		t.Fatal(err)
	}
	md, _ := Markdown(bs, Options{})
	for _, want := range []string{
		"| HMAC_SHA_256 | 4096 | 2500 | 2400 | 1.040× (1.000–1.080) |",
		"| 20,000 | 25,000 | 0.80× (0.80–0.80) |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// TestSoakSeries: a soak label's repetitions are a series in order, not a
// median among the endpoints.
func TestSoakSeries(t *testing.T) {
	var in strings.Builder
	for i, rss := range []float64{80.5, 82, 81.25} {
		fmt.Fprintf(&in, "BenchmarkGenerateMac/endpoint=reference/alg=HMAC_SHA_256/size=4096/c=64/client=raw/label=soak\t%d\t10 ns/op\t%d req/s\t1 p50-ns\t1 p99-ns\t0 errors\t%d server-cpu-ns/op\t%.2f server-rss-MiB\n", 100, 1000+i, 20000+i*1000, rss)
	}
	bs, err := Read(strings.NewReader(in.String()), "x")
	if err != nil {
		t.Fatal(err)
	}
	md, _ := Markdown(bs, Options{})
	for _, want := range []string{"## RSS over a long run (soak)", "first 80.5 MiB, last 81.2 MiB, max 82.0 MiB", "| 2 | 1,001 | 21.0 | 82.0 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "## Endpoints") {
		t.Errorf("soak rows counted as an endpoint setting:\n%s", md)
	}
}
