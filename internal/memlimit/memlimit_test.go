package memlimit

import (
	"runtime/debug"
	"testing"
)

func TestLimit(t *testing.T) {
	for _, c := range []struct{ live, want int64 }{
		{0, Floor},
		{50 << 20, Floor},        // 70 MiB < floor
		{100 << 20, 140 << 20},   // 1.4×
		{100<<20 + 1, 141 << 20}, // rounded up to a MiB
		{1 << 30, 1434<<20 + 0},  // 1433.6 MiB, rounded up
	} {
		if got := Limit(c.live); got != c.want {
			t.Errorf("Limit(%d) = %d MiB, want %d MiB", c.live, got>>20, c.want>>20)
		}
	}
}

func TestStartRespectsEnvironment(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	before := debug.SetMemoryLimit(-1)
	stop, ok := Start()
	if !ok || debug.SetMemoryLimit(-1) != Floor {
		t.Fatalf("Start: started %v, limit %d", ok, debug.SetMemoryLimit(-1))
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("stop left the limit at %d, want %d", got, before)
	}
	t.Setenv("GOGC", "200")
	stop2, ok := Start()
	defer stop2()
	if ok {
		t.Error("Start ran with GOGC set")
	}
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("Start with GOGC set changed the limit to %d", got)
	}
}
