package runner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

// selfTest is a feature that checks the harness, not an endpoint: each
// scenario's verdict is known in advance.
const selfTest = `Feature: harness self-test
  Scenario: passes
    Given an HMAC_256 key "K"
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the call succeeds

  @MAC-ENUM-1
  Scenario: wrong code on a hard rule fails
    Given an HMAC_256 key "K"
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the call fails with ValidationException

  @GM-OK-3 @unverified
  Scenario: wrong code on an unverified rule deviates
    Given an HMAC_256 key "K"
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the call fails with ValidationException

  @MAC-SIZE-2
  Scenario: wrong text on a D / I rule deviates
    Given an HMAC_256 key "K"
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | bytes:4097   |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the call fails with ValidationException and message "not the real text"

  @reference-only
  Scenario: needs the reference controls
    Given an HMAC_256 key "K"
    And key "K" is in state Creating
    When I call GenerateMac with:
      | KeyId        | key:K        |
      | Message      | blob:hi      |
      | MacAlgorithm | HMAC_SHA_256 |
    Then the call fails with KMSInvalidStateException

  Scenario: undefined step fails
    Given something nobody defined

  Scenario: a step skips
    Given an HMAC_256 key "K"
    And the harness skips because "no such capability here"
    Then the call succeeds
`

func runSelfTest(t *testing.T, o Options) map[string]results.ScenarioResult {
	t.Helper()
	o.FS = fstest.MapFS{"self.feature": {Data: []byte(selfTest)}}
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]results.ScenarioResult{}
	for _, s := range res.Scenarios {
		out[s.Name] = s
	}
	if len(out) != 7 {
		t.Fatalf("ran %d scenarios, want 7: %+v", len(out), res.Scenarios)
	}
	return out
}

func TestVerdicts(t *testing.T) {
	got := runSelfTest(t, Options{})
	want := map[string]results.Status{
		"passes": results.Passed, "wrong code on a hard rule fails": results.Failed,
		"wrong code on an unverified rule deviates": results.Deviation, "wrong text on a D / I rule deviates": results.Deviation,
		"needs the reference controls": results.Passed, "undefined step fails": results.Failed,
	}
	if s := got["a step skips"]; s.Status != results.Skipped || s.Reason != "no such capability here" {
		t.Errorf("a step skips: %s %q, want skipped with the reason", s.Status, s.Reason)
	}
	for name, st := range want {
		if got[name].Status != st {
			t.Errorf("%s: %s (%s), want %s", name, got[name].Status, got[name].Reason, st)
		}
	}
	// A failure shows request (elided), expected and observed on one screen.
	r := got["wrong code on a hard rule fails"].Reason
	for _, part := range []string{"request:  GenerateMac via sdk", `"Message":"<2 bytes>"`, "expected: ValidationException (HTTP 400)", "observed: HTTP 200", "evidence: MAC-ENUM-1 (S)"} {
		if !strings.Contains(r, part) {
			t.Errorf("failure text lacks %q:\n%s", part, r)
		}
	}
	if strings.Contains(r, "aGk=") {
		t.Errorf("failure text shows the message bytes:\n%s", r)
	}
}

func TestStrictFailsDeviations(t *testing.T) {
	got := runSelfTest(t, Options{Strict: true})
	if s := got["wrong code on an unverified rule deviates"]; s.Status != results.Failed {
		t.Errorf("strict: %s, want failed", s.Status)
	}
}

func TestReferenceOnlySkippedElsewhere(t *testing.T) {
	// A reference behind a proxy that hides the controls: an endpoint
	// without them.
	srv := reference.NewServer(reference.Options{})
	defer srv.Close()
	proxy := proxyTo(t, srv.URL(), func(target string) (int, string, bool) {
		if strings.HasPrefix(target, "KmsmacReference.") {
			return http.StatusBadRequest, `{"__type":"UnknownOperationException"}`, true
		}
		return 0, "", false
	})
	got := runSelfTest(t, Options{Endpoint: proxy})
	s := got["needs the reference controls"]
	if s.Status != results.Skipped || !strings.Contains(s.Reason, "@reference-only") {
		t.Errorf("got %s (%s), want skipped with the reason", s.Status, s.Reason)
	}
	if got["passes"].Status != results.Passed {
		t.Errorf("URL target: passes is %s: %s", got["passes"].Status, got["passes"].Reason)
	}
}

// TestServedReferenceHasControls: a reference reached by URL (kmsmac
// serve --controls) is detected, so @reference-only scenarios run.
func TestServedReferenceHasControls(t *testing.T) {
	srv := reference.NewServer(reference.Options{Controls: true}) // kmsmac serve --controls
	defer srv.Close()
	got := runSelfTest(t, Options{Endpoint: srv.URL()})
	if s := got["needs the reference controls"]; s.Status != results.Passed {
		t.Errorf("got %s (%s), want passed", s.Status, s.Reason)
	}
}

// proxyTo forwards to url, except targets intercept answers itself.
func proxyTo(t *testing.T, url string, intercept func(target string) (int, string, bool)) string {
	return rewritingProxy(t, url, intercept, nil)
}

// refusing is a reference that answers target with status and body: an
// endpoint that lacks that operation.
func refusing(t *testing.T, target string, status int, body string) string {
	ref := reference.NewServer(reference.Options{})
	t.Cleanup(func() { ref.Close() })
	return proxyTo(t, ref.URL(), func(got string) (int, string, bool) {
		return status, body, got == target
	})
}

// rewritingProxy is proxyTo that may also rewrite request bodies on their
// way to url (e.g. drop a member the endpoint should see).
func rewritingProxy(t *testing.T, url string, intercept func(target string) (int, string, bool), rewrite func([]byte) []byte) string {
	t.Helper()
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if intercept != nil {
			if st, body, ok := intercept(r.Header.Get("X-Amz-Target")); ok {
				w.Header().Set("Content-Type", target.JSONContentType)
				w.WriteHeader(st)
				io.WriteString(w, body)
				return
			}
		}
		body, _ := io.ReadAll(r.Body)
		if rewrite != nil {
			body = rewrite(body)
		}
		req, _ := http.NewRequest(r.Method, url+r.URL.Path, bytes.NewReader(body))
		req.Header = r.Header.Clone()
		req.Host = r.Host // the host the client signed (SigV4)
		req.ContentLength = int64(len(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(p.Close)
	return p.URL
}

func TestTagsSelect(t *testing.T) {
	res, err := Run(context.Background(), Options{Tags: "@MAC-ENUM-1 && ~@unverified",
		FS: fstest.MapFS{"self.feature": {Data: []byte(selfTest)}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) != 1 || res.Scenarios[0].Name != "wrong code on a hard rule fails" {
		t.Errorf("tags selected %+v", res.Scenarios)
	}
}

func TestUnreachableEndpointIsSetupError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	_, err := Run(context.Background(), Options{Endpoint: url})
	var se *target.SetupError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("got %v, want a SetupError saying unreachable", err)
	}
}

// TestNotImplemented: an endpoint without an operation fails the
// scenario with a reason that says so.
func TestNotImplemented(t *testing.T) {
	proxy := refusing(t, "TrentService.GenerateMac", http.StatusInternalServerError, `{"__type":"InternalFailure","message":"not here"}`)
	got := runSelfTest(t, Options{Endpoint: proxy})
	r := got["passes"]
	if r.Status != results.Failed || !strings.Contains(r.Reason, "GenerateMac not implemented: HTTP 500 InternalFailure") {
		t.Errorf("got %s: %s", r.Status, r.Reason)
	}
}

// TestConcurrentRun: scenarios at once share the Target and collector
// safely (run under -race), and verdicts do not change.
func TestConcurrentRun(t *testing.T) {
	res, err := Run(context.Background(), Options{Concurrency: 4, Tags: "@KID-1,@MAC-ENUM-1,@VM-FAIL-2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) < 10 {
		t.Fatalf("only %d scenarios ran", len(res.Scenarios))
	}
	for _, s := range res.Scenarios {
		if s.Status != results.Passed {
			t.Errorf("%s: %s %s", s.Name, s.Status, s.Reason)
		}
	}
}

// A test-only step that skips the rest of its scenario, as a topic step
// does for a capability the harness cannot have.
func init() {
	steps.Define(func(sc *godog.ScenarioContext) {
		sc.Given(`^the harness skips because "([^"]*)"$`, func(ctx context.Context, why string) error {
			return steps.WorldFrom(ctx).Skip(why)
		})
	})
}
