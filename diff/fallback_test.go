package diff

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/awsjson"
)

// refusing wraps a fresh reference endpoint that answers refuse(op, body)
// instead when it returns a status; 0 passes the request on.
func refusing(t *testing.T, refuse func(op string, body []byte) (int, string)) *httptest.Server {
	t.Helper()
	inner := awsjson.NewHandler(reference.NewService(reference.Options{}), awsjson.HandlerOptions{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
		if status, answer := refuse(op, body); status != 0 {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(status)
			io.WriteString(w, answer)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestImportRefusalFallsBack: whichever step of making an imported key an
// endpoint refuses, on either side, the run completes with generated keys
// and says why in one line.
func TestImportRefusalFallsBack(t *testing.T) {
	external := func(op string, body []byte) bool {
		return op == "CreateKey" && bytes.Contains(body, []byte(`"Origin":"EXTERNAL"`))
	}
	for _, tc := range []struct {
		name   string
		onA    bool
		refuse func(op string, body []byte) (int, string)
		want   string
	}{
		{"CreateKey Origin EXTERNAL refused", false, func(op string, body []byte) (int, string) {
			if external(op, body) {
				return 400, `{"__type":"ValidationException","message":"KeySpec HMAC_224 is not supported for Origin EXTERNAL"}`
			}
			return 0, ""
		}, "(CreateKey Origin EXTERNAL: ValidationException: KeySpec HMAC_224 is not supported for Origin EXTERNAL)"},
		{"only some specs refused, on A", true, func(op string, body []byte) (int, string) {
			if external(op, body) && bytes.Contains(body, []byte("HMAC_512")) {
				return 400, `{"__type":"UnsupportedOperationException","message":"no"}`
			}
			return 0, ""
		}, "A = http://127.0.0.1:"},
		{"GetParametersForImport not implemented", false, func(op string, body []byte) (int, string) {
			if op == "GetParametersForImport" {
				return 500, "<!doctype html><title>500 Internal Server Error</title><h1>Internal Server Error</h1>"
			}
			return 0, ""
		}, "(GetParametersForImport: HTTP 500: 500 Internal Server Error)"},
		{"ImportKeyMaterial refused", false, func(op string, body []byte) (int, string) {
			if op == "ImportKeyMaterial" {
				return 400, `{"__type":"UnsupportedOperationException","message":"ImportKeyMaterial is not supported for key 1234"}`
			}
			return 0, ""
		}, "(ImportKeyMaterial: UnsupportedOperationException: ImportKeyMaterial is not supported for key 1234)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := refusing(t, tc.refuse)
			cfg := Config{A: ReferenceName, B: srv.URL, Seed: 4, Requests: 30, ShrinkBudget: 5}
			if tc.onA {
				cfg.A, cfg.B = srv.URL, ReferenceName
			}
			var progress bytes.Buffer
			cfg.Progress = &progress
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			rep, err := Run(ctx, cfg)
			if err != nil {
				t.Fatalf("run stopped: %v", err)
			}
			if rep.MACBytesCompared || rep.A.Imported || rep.B.Imported || rep.Agreed+len(rep.Divergences) != 30 {
				t.Fatalf("macs compared %v, imported %v/%v, %d agreed + %d diverged", rep.MACBytesCompared, rep.A.Imported, rep.B.Imported, rep.Agreed, len(rep.Divergences))
			}
			line := rep.ImportFallback
			if !strings.HasPrefix(line, "diff: ") || !strings.Contains(line, "cannot import HMAC key material") ||
				!strings.HasSuffix(line, "; comparing with generated keys instead (MAC bytes are not compared)") ||
				!strings.Contains(line, tc.want) || strings.Contains(line, "\n") {
				t.Errorf("fallback line %q, want it to contain %q", line, tc.want)
			}
			if n := strings.Count(progress.String(), "cannot import"); n != 1 {
				t.Errorf("progress says so %d times:\n%s", n, progress.String())
			}
			var text bytes.Buffer
			rep.WriteText(&text)
			if n := strings.Count(text.String(), "cannot import"); n != 1 || strings.Contains(text.String(), "keys: generated") {
				t.Errorf("report says so %d times, or twice over:\n%s", n, text.String())
			}
		})
	}
}

// TestUnreachableIsNoFallback: an endpoint that drops the connection on
// CreateKey is a setup error, not a reason to try generated keys.
func TestUnreachableIsNoFallback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
			c.Close()
		}
	}))
	defer srv.Close()
	var progress bytes.Buffer
	_, err := Run(context.Background(), Config{A: ReferenceName, B: srv.URL, Seed: 1, Requests: 5, PollTimeout: time.Second, Progress: &progress})
	if _, ok := err.(*SetupError); !ok {
		t.Fatalf("err %v, want a SetupError", err)
	}
	if strings.Contains(progress.String(), "cannot import") {
		t.Errorf("a dropped connection reported as an import refusal:\n%s", progress.String())
	}
}

// TestFallbackThatFailsSaysNothing: when generated keys cannot be made
// either, the run is a setup error and no fallback line is printed.
func TestFallbackThatFailsSaysNothing(t *testing.T) {
	srv := refusing(t, func(op string, body []byte) (int, string) {
		if op == "CreateKey" {
			return 400, `{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`
		}
		return 0, ""
	})
	var progress bytes.Buffer
	_, err := Run(context.Background(), Config{A: ReferenceName, B: srv.URL, Seed: 1, Requests: 5, Progress: &progress})
	if _, ok := err.(*SetupError); !ok || !strings.Contains(err.Error(), "UnrecognizedClientException") {
		t.Fatalf("err %v, want a SetupError about the token", err)
	}
	if strings.Contains(progress.String(), "cannot import") {
		t.Errorf("fallback announced, then the run stopped:\n%s", progress.String())
	}
}
