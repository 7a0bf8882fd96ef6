package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/internal/syncbuf"
	"github.com/kmsmac/kmsmac/reference"
)

// faultProxy forwards to a reference until paused (requests then hang,
// as with kill -STOP of the endpoint) or killed (connections closed and
// the port refuses, as with kill -9).
type faultProxy struct {
	ts     *httptest.Server
	seen   atomic.Int64
	paused atomic.Bool
	mu     sync.Mutex
	stop   chan struct{}
}

func newFaultProxy(t *testing.T) *faultProxy {
	ref := reference.NewServer(reference.Options{})
	t.Cleanup(func() { ref.Close() })
	u, _ := url.Parse(ref.URL())
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &faultProxy{stop: make(chan struct{})}
	p.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.seen.Add(1)
		if p.paused.Load() {
			_, _ = io.Copy(io.Discard, r.Body)
			select { // never answers while paused
			case <-r.Context().Done():
			case <-p.stop:
			}
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { close(p.stop); p.ts.Close() })
	return p
}

// kill closes every connection and stops listening: new connections are refused.
func (p *faultProxy) kill() {
	p.ts.Listener.Close()
	p.ts.CloseClientConnections()
	p.paused.Store(true) // a request already read gets no answer
}

// TestConformEndpointLost stops the endpoint mid-run (paused: no answers;
// killed: connections refused) and checks that conform ends within about
// one request timeout, prints the partial summary with "endpoint lost at
// scenario N", charges no failure, and exits 2.
func TestConformEndpointLost(t *testing.T) {
	const requestTimeout = time.Second
	for _, tc := range []struct {
		name  string
		fault func(*faultProxy)
		bound time.Duration // from the fault to the exit
	}{
		// Bounds against a hang (the run used to go on for minutes), loose
		// enough for a loaded CI machine under -race; typical: 1.6 s and 0.6 s.
		{"paused", func(p *faultProxy) { p.paused.Store(true) }, 30 * time.Second},
		{"killed", (*faultProxy).kill, 30 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newFaultProxy(t)
			var stdout, stderr syncbuf.Buffer
			exit := make(chan int, 1)
			go func() {
				exit <- runConform([]string{"--endpoint", p.ts.URL, "--request-timeout", requestTimeout.String(), "--timeout", "5m", "--seed", "1"}, &stdout, &stderr)
			}()
			deadline := time.Now().Add(60 * time.Second)
			for p.seen.Load() < 150 {
				select {
				case code := <-exit:
					t.Fatalf("conform exited %d before the fault\n%s\n%s", code, stdout.String(), stderr.String())
				case <-time.After(5 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					t.Fatalf("only %d requests in 60s", p.seen.Load())
				}
			}
			start := time.Now()
			tc.fault(p)
			var code int
			select {
			case code = <-exit:
			case <-time.After(60 * time.Second):
				t.Fatalf("conform still running 60s after the endpoint was %s\n%s", tc.name, stdout.String())
			}
			elapsed := time.Since(start)
			t.Logf("endpoint %s: conform exited %d after %s", tc.name, code, elapsed.Round(time.Millisecond))
			out := stdout.String()
			if code != 2 {
				t.Errorf("exit %d, want 2\n%s\n%s", code, out, stderr.String())
			}
			if elapsed > tc.bound {
				t.Errorf("took %s after the fault, want at most %s", elapsed, tc.bound)
			}
			if !regexp.MustCompile(`endpoint lost at scenario \d+ \(`).MatchString(out) || !strings.Contains(out, "NO VERDICT") {
				t.Errorf("output lacks the loss:\n%s", out)
			}
			if !regexp.MustCompile(`scenarios: \d+ passed, 0 failed`).MatchString(out) {
				t.Errorf("a lost endpoint was charged as failures:\n%s", out)
			}
			if strings.Contains(out, "could not be scheduled for deletion") && !strings.Contains(out, "kmsmac cleanup --run-id") {
				t.Errorf("keys left without the cleanup hint:\n%s", out)
			}
			if bytes.Contains([]byte(out), []byte("\nPASS")) {
				t.Errorf("a partial run says PASS:\n%s", out)
			}
		})
	}
}
