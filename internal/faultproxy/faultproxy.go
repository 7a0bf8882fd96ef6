// Package faultproxy is a test endpoint: a loopback proxy in front of a
// fresh kmsmac reference that can misbehave per request (stall, cut the
// connection, answer garbage), for the tests of the harness's network
// failure handling. It is for tests only and never listens off loopback.
package faultproxy

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/kmsmac/kmsmac/reference"
)

// Fault decides, for a request to operation op that n earlier requests to
// op preceded, whether to misbehave (write w itself and return true)
// instead of forwarding to the reference.
type Fault func(w http.ResponseWriter, r *http.Request, op string, n int) bool

// Proxy is the running endpoint; both servers stop when the test ends.
type Proxy struct {
	URL   string
	mu    sync.Mutex
	count map[string]int
}

// Seen is how many requests to op arrived.
func (p *Proxy) Seen(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count[op]
}

// New starts a reference and the proxy in front of it; fault may be nil.
func New(t testing.TB, fault Fault) *Proxy {
	t.Helper()
	ref := reference.NewServer(reference.Options{AuthOff: true}) // faults, not identity: any credentials
	t.Cleanup(func() { ref.Close() })
	u, _ := url.Parse(ref.URL())
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &Proxy{count: map[string]int{}}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
		p.mu.Lock()
		n := p.count[op]
		p.count[op]++
		p.mu.Unlock()
		if fault == nil || !fault(w, r, op, n) {
			rp.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	p.URL = ts.URL
	return p
}
