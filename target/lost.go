package target

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Endpoint loss. A call that gets no HTTP answer (timeout, connection
// refused or reset) may be one operation stalling, which a scenario
// reports, or the endpoint gone, which is no verdict at all. The health
// check tells them apart with a probe that asks nothing of KMS (GET /:
// any HTTP answer, even 404 or 405, shows the endpoint alive). A call
// still waiting at half its request timeout starts a probe, so that when
// it times out the probe has had the other half: a stopped endpoint is
// declared lost within one request timeout. Once lost, every call fails
// at once with *EndpointLostError (cleanup included), later scenarios do
// not start, and the run ends with exit status 2.

// EndpointLostError is what every call returns once the endpoint is lost.
type EndpointLostError struct {
	Op     string // the call that got no answer
	Reason string // why: netReason of its error
	Probe  string // what the probe got
	Since  time.Time
	// Scenario is the ordinal (1-based) of the scenario being run when
	// the loss was found; 0 before any scenario.
	Scenario int
}

func (e *EndpointLostError) Error() string {
	return fmt.Sprintf("endpoint lost: %s got no answer (%s) and a probe of the endpoint got none either (%s)", e.Op, e.Reason, e.Probe)
}

// health watches one target's transport.
type health struct {
	url     string
	rt      http.RoundTripper
	timeout time.Duration // the request timeout

	lost   atomic.Pointer[EndpointLostError]
	active atomic.Bool // during RunOn only: a setup failure keeps its own error

	mu     sync.Mutex
	probe  *probeRun
	onLost func(*EndpointLostError) // set by RunOn: cancels the run and fills Scenario
}

type probeRun struct {
	start time.Time
	done  chan struct{}
	err   error
}

// Lost is the loss found, or nil while the endpoint answers.
func (t *Target) Lost() *EndpointLostError {
	if t == nil || t.health == nil {
		return nil
	}
	return t.health.lost.Load()
}

func (h *health) lostErr() error {
	if h == nil {
		return nil
	}
	if e := h.lost.Load(); e != nil {
		return e
	}
	return nil
}

// probeDelay is how long a call waits for its answer before a probe
// starts; pingTimeout bounds the probe. A stopped endpoint is so found
// lost within probeDelay+pingTimeout (at most 7 s), and sooner when a call
// times out or is refused.
func (h *health) probeDelay() time.Duration { return min(h.timeout/2, 2*time.Second) }
func (h *health) pingTimeout() time.Duration {
	return max(min(h.timeout/2, 5*time.Second), 100*time.Millisecond)
}

// startProbe starts a probe unless one started at or after since is
// running or done; it returns that probe. A probe that gets no answer
// declares the endpoint lost, cancelling the calls still waiting (op is
// the call that started it).
func (h *health) startProbe(since time.Time, op, reason string) *probeRun {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p := h.probe; p != nil && !p.start.Before(since) {
		return p
	}
	p := &probeRun{start: time.Now(), done: make(chan struct{})}
	h.probe = p
	go func() {
		defer close(p.done)
		p.err = h.ping()
		if p.err != nil {
			if reason == "" { // the call is still waiting
				reason = fmt.Sprintf("no answer after %s", time.Since(since).Round(time.Millisecond))
			}
			h.declare(&EndpointLostError{Op: op, Reason: reason, Probe: p.err.Error(), Since: since})
		}
	}()
	return p
}

// ping: GET / within pingTimeout.
func (h *health) ping() error {
	d := h.pingTimeout()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(h.url, "/")+"/", nil)
	if err != nil {
		return nil // nothing to probe with: never declare a loss on that
	}
	resp, err := h.rt.RoundTrip(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("no answer to GET / within %s", d)
		}
		return errors.New(netReason(err))
	}
	resp.Body.Close()
	return nil
}

// noAnswer is told of a call started at start that got no HTTP answer
// (err), and not because its context ended at once. It waits for a probe started
// since and declares the endpoint lost when the probe got no answer
// either.
func (h *health) noAnswer(op string, start time.Time, err error) {
	if h == nil || !h.active.Load() || h.lost.Load() != nil {
		return
	}
	p := h.startProbe(start, op, netReason(err))
	<-p.done // bounded by pingTimeout
	if p.err == nil {
		return
	}
	h.declare(&EndpointLostError{Op: op, Reason: netReason(err), Probe: p.err.Error(), Since: start})
}

// declare records the loss, once, while a run watches.
func (h *health) declare(e *EndpointLostError) {
	if !h.active.Load() {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.lost.Load() != nil {
		return
	}
	if h.onLost != nil {
		h.onLost(e) // fills e.Scenario before others can see e
	}
	h.lost.Store(e)
}

// OnLost calls f once when the endpoint is found lost (nil: no longer).
func (t *Target) OnLost(f func(*EndpointLostError)) {
	if t.health != nil {
		t.health.setOnLost(f)
	}
}

func (h *health) setOnLost(f func(*EndpointLostError)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.onLost = f
	h.active.Store(f != nil)
}

// CleanupBound is how long cleanup may take in all once the run is
// cancelled, times out or loses its endpoint: a few request timeouts, at
// most 30 s.
func CleanupBound(requestTimeout time.Duration) time.Duration {
	return min(3*requestTimeout, 30*time.Second)
}

type cleanupKey struct{}

// CleanupContext returns a context for the cleanup of a run whose calls
// use ctx: it keeps ctx's values, is not cancelled with ctx, but ends
// bound after ctx does (or at once when the endpoint is lost). The cancel
// func releases it.
func CleanupContext(ctx context.Context, bound time.Duration) (context.Context, context.CancelFunc) {
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(bound, cancel)
		context.AfterFunc(cctx, func() { t.Stop() })
	})
	return cctx, func() { stop(); cancel() }
}

// WithCleanup stores the run's cleanup context in a scenario context.
func WithCleanup(ctx, cleanup context.Context) context.Context {
	return context.WithValue(ctx, cleanupKey{}, cleanup)
}

// CleanupFrom is the run's cleanup context carried by ctx, or ctx without
// its cancellation when there is none.
func CleanupFrom(ctx context.Context) context.Context {
	if c, ok := ctx.Value(cleanupKey{}).(context.Context); ok {
		// the scenario's values (harness marking, world) over the run's lifetime
		return valuesOf{Context: c, values: ctx}
	}
	return context.WithoutCancel(ctx)
}

// valuesOf has the deadline and cancellation of Context and the values of
// values.
type valuesOf struct {
	context.Context
	values context.Context
}

func (v valuesOf) Value(k any) any { return v.values.Value(k) }

// LeftKey records a key the run could not schedule for deletion.
func (t *Target) LeftKey(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.keysLeft = append(t.keysLeft, id)
}

// KeysLeft are the keys the run could not schedule for deletion.
func (t *Target) KeysLeft() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.keysLeft...)
}
