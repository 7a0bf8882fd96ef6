// Package memlimit keeps a long-running server's memory near its live heap.
// Go's default (GOGC=100) lets the heap grow to twice what is live before
// collecting, so the reference with 100,000 keys (56 MiB live) sat at 112-130
// MiB of RSS. Start sets a soft memory limit that follows the live heap:
// max(Floor, live × 1.4), checked twice a second. Small heaps are untouched
// (the floor is far above twice their size); large ones collect at 1.4×
// instead of 2×, costing some GC CPU only when there is that much to keep.
//
// The one thing callers get wrong: a user's GOGC or GOMEMLIMIT wins; Start
// does nothing when either is set, so the runtime's documented knobs still
// work.
package memlimit

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Floor is the smallest limit set: below it nothing changes.
const Floor = 80 << 20

// factor10 is the limit over the live heap, in tenths (1.4×).
const factor10 = 14

// Start runs the limiter until stop is called, which restores the limit
// there was before; it returns false (and a no-op stop) when GOGC or
// GOMEMLIMIT is set in the environment.
func Start() (stop func(), started bool) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}, false
	}
	done, exited := make(chan struct{}), make(chan struct{})
	prev := debug.SetMemoryLimit(-1)
	debug.SetMemoryLimit(Floor)
	go func() {
		defer close(exited)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		cur := int64(Floor)
		for {
			select {
			case <-done:
				debug.SetMemoryLimit(prev)
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				continue
			}
			if lim := Limit(int64(sample[0].Value.Uint64())); lim != cur {
				debug.SetMemoryLimit(lim)
				cur = lim
			}
		}
	}()
	return func() { close(done); <-exited }, true
}

// Limit is the memory limit for a live heap of live bytes, rounded up to a
// MiB so small changes do not reset it.
func Limit(live int64) int64 {
	l := max(Floor, live*factor10/10)
	return (l + 1<<20 - 1) &^ (1<<20 - 1)
}
