package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/awsjson"
)

func TestDiffReferenceAgainstReference(t *testing.T) {
	jsonFile := filepath.Join(t.TempDir(), "out", "diff.json")
	var stdout, stderr bytes.Buffer
	code := run([]string{"diff", "--seed", "42", "--requests", "60", "--quiet", "--json", jsonFile}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"seed 42", "60 requests agreed, 0 diverged", "MAC bytes are compared"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("--quiet run wrote to stderr: %s", stderr.String())
	}
	b, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Seed             int64 `json:"seed"`
		Agreed           int   `json:"agreed"`
		MACBytesCompared bool  `json:"mac_bytes_compared"`
	}
	if err := json.Unmarshal(b, &rep); err != nil || rep.Seed != 42 || rep.Agreed != 60 || !rep.MACBytesCompared {
		t.Errorf("JSON report %+v, err %v", rep, err)
	}
}

// TestDiffFindsDivergences: an endpoint that renames one error code makes
// the command exit 1 and print the divergence with its minimal request.
func TestDiffFindsDivergences(t *testing.T) {
	inner := awsjson.NewHandler(reference.NewService(reference.Options{}), awsjson.HandlerOptions{})
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		inner.ServeHTTP(rec, r)
		body := bytes.Replace(rec.Body.Bytes(), []byte(`"DryRunOperationException"`), []byte(`"ValidationException"`), 1)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	defer broken.Close()
	var stdout, stderr bytes.Buffer
	code := run([]string{"diff", "--against", broken.URL, "--seed", "9", "--requests", "40"}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"error-code", "DryRunOperationException", `"DryRun":true`, "minimal request"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr.String(), "sending 40 requests") {
		t.Errorf("no progress on stderr: %s", stderr.String())
	}
}

// TestDiffFallsBackWhenExternalRefused: an endpoint that refuses Origin
// EXTERNAL HMAC keys gets a completed diff on generated keys and one line
// saying why, not exit 2.
func TestDiffFallsBackWhenExternalRefused(t *testing.T) {
	inner := awsjson.NewHandler(reference.NewService(reference.Options{}), awsjson.HandlerOptions{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Amz-Target") == "TrentService.CreateKey" && bytes.Contains(body, []byte(`"Origin":"EXTERNAL"`)) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(400)
			io.WriteString(w, `{"__type":"ValidationException","message":"KeySpec HMAC_224 is not supported for Origin EXTERNAL"}`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		inner.ServeHTTP(w, r)
	}))
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	code := run([]string{"diff", "--against", srv.URL, "--seed", "3", "--requests", "40"}, &stdout, &stderr)
	if code != 0 && code != 1 {
		t.Fatalf("exit %d, want 0 or 1\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	want := "diff: B = " + srv.URL + " cannot import HMAC key material (CreateKey Origin EXTERNAL: ValidationException: KeySpec HMAC_224 is not supported for Origin EXTERNAL); comparing with generated keys instead (MAC bytes are not compared)\n"
	for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
		if strings.Count(out, want) != 1 || strings.Count(out, "cannot import") != 1 {
			t.Errorf("%s does not say once %q:\n%s", name, want, out)
		}
	}
	if !strings.Contains(stdout.String(), "diverged (") {
		t.Errorf("no summary:\n%s", stdout.String())
	}
}

func TestDiffUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"diff", "--requests", "0"},
		{"diff", "--no-such-flag"},
		{"diff", "extra"},
		{"diff", "--against", "ftp://127.0.0.1/", "--quiet"},
		{"diff", "--endpoint", "nonsense", "--quiet"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2 (stderr %s)", args, code, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"diff", "-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "--against") {
		t.Errorf("-h: exit %d, help %q", code, stderr.String())
	}
}
