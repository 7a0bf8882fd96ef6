package runner

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/kmsmac/kmsmac/internal/faultproxy"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// One GenerateMac scenario per client: the When step is the call under
// test, the Given step (CreateKey) is setup.
const netFeature = `Feature: network failures
  Scenario: sdk
    Given an HMAC_256 key "K"
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the call succeeds

  Scenario: raw
    Given an HMAC_256 key "K"
    When I call GenerateMac raw with:
      | KeyId        | key:K        |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the call succeeds
`

// newFaulty is a faultproxy in front of a fresh reference.
func newFaulty(t *testing.T, fault faultproxy.Fault) *faultproxy.Proxy {
	return faultproxy.New(t, fault)
}

func stall(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the client leaving
	select {
	case <-r.Context().Done():
	case <-time.After(20 * time.Second):
	}
}

func answer(status int, ctype, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

var (
	serverFault = answer(500, target.JSONContentType, `{"__type":"KMSInternalException","message":"injected fault"}`)
	throttle    = answer(400, target.JSONContentType, `{"__type":"ThrottlingException","message":"Rate exceeded"}`)
	tooMany     = answer(429, "text/plain", "slow down")
	htmlPage    = answer(200, "text/html", "<html><head><title>Welcome to nginx</title></head><body>hi</body></html>")
)

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// Start-up failures: Run returns a SetupError naming the cause, quickly.
func TestNetFailSetup(t *testing.T) {
	refused := closedPort(t)
	stalled := newFaulty(t, func(w http.ResponseWriter, r *http.Request, _ string, _ int) bool { stall(w, r); return true })
	faulting := newFaulty(t, func(w http.ResponseWriter, _ *http.Request, _ string, _ int) bool { serverFault(w); return true })
	faultingOnce := newFaulty(t, func(w http.ResponseWriter, _ *http.Request, _ string, _ int) bool { serverFault(w); return true })
	html := newFaulty(t, func(w http.ResponseWriter, _ *http.Request, _ string, _ int) bool { htmlPage(w); return true })
	tests := []struct {
		name     string
		f        *faultproxy.Proxy // nil: refused
		retries  int
		want     []string
		listKeys int // requests the endpoint saw, when it is not the closed port
	}{
		{"refused", nil, 0, []string{"endpoint " + refused + " unreachable: connection refused"}, 0},
		{"stall", stalled, 0, []string{"unreachable: no answer to ListKeys within the 300ms request timeout"}, 1},
		{"HTTP 500 retried", faulting, 2, []string{"server fault after 3 attempts", "HTTP 500 KMSInternalException", "injected fault"}, 3},
		{"HTTP 500, --retries 0", faultingOnce, -1, []string{"server fault after 1 attempts"}, 1},
		{"non-JSON 200", html, 0, []string{"answered ListKeys with HTTP 200 and a body that is not JSON", `"text/html"`, "Welcome to nginx"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := refused
			if tc.f != nil {
				u = tc.f.URL
			}
			start := time.Now()
			_, err := Run(context.Background(), Options{Endpoint: u, RequestTimeout: 300 * time.Millisecond, Retries: tc.retries,
				FS: fstest.MapFS{"net.feature": {Data: []byte(netFeature)}}})
			elapsed := time.Since(start)
			var se *target.SetupError
			if !errors.As(err, &se) {
				t.Fatalf("Run error %v, want a SetupError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if elapsed > 10*time.Second {
				t.Errorf("took %s", elapsed)
			}
			if tc.f != nil && tc.f.Seen("ListKeys") != tc.listKeys {
				t.Errorf("endpoint saw %d ListKeys, want %d", tc.f.Seen("ListKeys"), tc.listKeys)
			}
		})
	}
}

// Failures during scenarios: the verdict, its message, and how many
// GenerateMac/CreateKey requests reached the endpoint.
func TestNetFailScenarios(t *testing.T) {
	tests := []struct {
		name    string
		fault   func(w http.ResponseWriter, r *http.Request, op string, n int) bool
		retries int
		status  results.Status
		want    []string // in the failure reason (both scenarios)
		gm      int      // GenerateMac requests seen (two scenarios)
		ck      int      // at least this many CreateKey requests seen (scenarios may share keys)
		only    string   // check only this scenario's verdict
	}{
		{"throttled twice, retried", func(w http.ResponseWriter, _ *http.Request, op string, n int) bool {
			if op == "GenerateMac" && n%3 < 2 { // each scenario's first two attempts
				throttle(w)
				return true
			}
			return false
		}, 3, results.Passed, nil, 6, 1, ""},
		{"HTTP 429 retried", func(w http.ResponseWriter, _ *http.Request, op string, n int) bool {
			if op == "GenerateMac" && n%2 == 0 {
				tooMany(w)
				return true
			}
			return false
		}, 3, results.Passed, nil, 4, 1, ""},
		{"throttled, --retries 0", func(w http.ResponseWriter, _ *http.Request, op string, _ int) bool {
			if op == "GenerateMac" {
				throttle(w)
				return true
			}
			return false
		}, -1, results.Failed, []string{"ThrottlingException"}, 2, 1, ""},
		// The call under test is never retried for a 500: the assertion sees it.
		{"HTTP 500 under test", func(w http.ResponseWriter, _ *http.Request, op string, _ int) bool {
			if op == "GenerateMac" {
				serverFault(w)
				return true
			}
			return false
		}, 3, results.Failed, []string{"500", "KMSInternalException"}, 2, 1, ""},
		// Setup (Given) is retried through a 500.
		{"HTTP 500 in setup, retried", func(w http.ResponseWriter, _ *http.Request, op string, n int) bool {
			if op == "CreateKey" && n == 0 {
				serverFault(w)
				return true
			}
			return false
		}, 3, results.Passed, nil, 2, 2, ""},
		{"stall under test", func(w http.ResponseWriter, r *http.Request, op string, _ int) bool {
			if op == "GenerateMac" {
				stall(w, r)
				return true
			}
			return false
		}, 3, results.Failed, []string{"GenerateMac: no answer from http://127.0.0.1:", "within the 300ms request timeout"}, 2, 1, ""},
		{"non-JSON 200 under test", func(w http.ResponseWriter, _ *http.Request, op string, _ int) bool {
			if op == "GenerateMac" {
				htmlPage(w)
				return true
			}
			return false
		}, 3, results.Failed, []string{"HTTP 200", "<html>"}, 2, 1, "sdk"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFaulty(t, tc.fault)
			start := time.Now()
			res, err := Run(context.Background(), Options{Endpoint: f.URL, RequestTimeout: 300 * time.Millisecond, Retries: tc.retries,
				FS: fstest.MapFS{"net.feature": {Data: []byte(netFeature)}}})
			if err != nil {
				t.Fatal(err)
			}
			if elapsed := time.Since(start); elapsed > 10*time.Second {
				t.Errorf("took %s", elapsed)
			}
			if len(res.Scenarios) != 2 {
				t.Fatalf("%d scenarios", len(res.Scenarios))
			}
			for _, s := range res.Scenarios {
				if tc.only != "" && s.Name != tc.only {
					continue
				}
				if s.Status != tc.status {
					t.Errorf("%s: %s (%s), want %s", s.Name, s.Status, s.Reason, tc.status)
				}
				for _, w := range tc.want {
					if !strings.Contains(s.Reason+" "+s.Observed, w) {
						t.Errorf("%s: reason %q / observed %q lacks %q", s.Name, s.Reason, s.Observed, w)
					}
				}
			}
			if got := f.Seen("GenerateMac"); got != tc.gm {
				t.Errorf("endpoint saw %d GenerateMac, want %d", got, tc.gm)
			}
			if got := f.Seen("CreateKey"); got < tc.ck {
				t.Errorf("endpoint saw %d CreateKey, want at least %d", got, tc.ck)
			}
		})
	}
}
