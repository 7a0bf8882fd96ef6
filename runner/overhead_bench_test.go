package runner

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/features"
	"github.com/kmsmac/kmsmac/results"

	"github.com/kmsmac/kmsmac/target"
)

// benchTags is a small subset of the suite (GenerateMac, VerifyMac, key
// identifiers and the wire format), without the property and vector
// scenarios, whose cost is the endpoint's rather than the harness's (the
// vectors' key imports, RSA-OAEP in the reference, were most of it).
const benchTags = "@GM-OK-1,@VM-OK-1,@KID-6,@WIRE-10,@VAL-FMT-1 && ~@property && ~@vectors"

// BenchmarkSuiteOverhead runs benchTags against the embedded reference,
// one target for all iterations, and reports the wall time and the CPU
// time (harness and in-process reference together; the reference's share
// of an HMAC call is small) per scenario: the suite's own overhead, which
// a slow endpoint adds to its latency. make bench runs it.
func BenchmarkSuiteOverhead(b *testing.B) {
	for _, conc := range []int{1, 4} {
		b.Run(map[int]string{1: "sequential", 4: "concurrency=4"}[conc], func(b *testing.B) {
			ctx := context.Background()
			o := Options{Tags: benchTags, Seed: 1, Concurrency: conc}
			t, err := target.New(ctx, o.TargetOptions())
			if err != nil {
				b.Fatal(err)
			}
			defer t.Close(ctx)
			n, err := CountScenarios(features.FS, benchTags)
			if err != nil || n == 0 {
				b.Fatalf("%d scenarios for %q: %v", n, benchTags, err)
			}
			cpu0 := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				res, err := RunOn(ctx, t, o)
				if err != nil {
					b.Fatal(err)
				}
				if c := res.Counts(); c[results.Passed] != n {
					b.Fatalf("%d of %d scenarios passed", c[results.Passed], n)
				}
			}
			b.StopTimer()
			runs := float64(b.N) * float64(n)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/runs, "ns/scenario")
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/runs, "cpu-ns/scenario")
			b.ReportMetric(float64(n), "scenarios")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
