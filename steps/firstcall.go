package steps

import (
	"context"
	"sync"
)

// firstCalls (one per run, in Settings) lets the run's first scenario try
// something whose refusal holds for the whole run (an endpoint without
// EXTERNAL keys or without import), while later scenarios wait for its
// verdict: a refusal is then theirs too, with the same words, and costs them
// no key. Waiting rather than racing keeps the run's key count and reports
// the same whatever the concurrency.
type firstCalls struct {
	mu sync.Mutex
	m  map[any]*firstCall
}

type firstCall struct {
	done   chan struct{}
	shared error // the refusal every later caller gets; nil: go ahead
}

// wait returns the first caller's refusal for key (nil: go ahead), or
// ctx's error if it ends first; the first caller gets finish, to report
// its refusal (nil: none to share), which it must call (later calls do
// nothing).
func (f *firstCalls) wait(ctx context.Context, key any) (refused error, finish func(shared error)) {
	f.mu.Lock()
	if f.m == nil {
		f.m = map[any]*firstCall{}
	}
	c, seen := f.m[key]
	if !seen {
		c = &firstCall{done: make(chan struct{})}
		f.m[key] = c
	}
	f.mu.Unlock()
	if seen {
		select {
		case <-c.done:
			return c.shared, func(error) {}
		case <-ctx.Done():
			return ctx.Err(), func(error) {}
		}
	}
	var once sync.Once
	return nil, func(shared error) {
		once.Do(func() {
			c.shared = shared
			close(c.done)
		})
	}
}
