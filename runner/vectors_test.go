package runner

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/kmsmac/kmsmac/features"
	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/awsjson"
	"github.com/kmsmac/kmsmac/results"
)

// alteringEndpoint serves the reference, with f applied to the JSON body
// of every successful answer to op.
func alteringEndpoint(t *testing.T, op string, f func(map[string]any)) string {
	t.Helper()
	return brokenService(t, alterAnswer(op, f))
}

// alterAnswer is a brokenService fix that applies f to the JSON body of
// every successful answer to op.
func alterAnswer(op string, f func(map[string]any)) func(o string, out []byte, err error) ([]byte, error) {
	return func(o string, out []byte, err error) ([]byte, error) {
		if err != nil || o != op {
			return out, err
		}
		var m map[string]any
		if json.Unmarshal(out, &m) != nil {
			return out, nil
		}
		f(m)
		return json.Marshal(m)
	}
}

type callerFunc func(ctx context.Context, op string, body []byte) ([]byte, error)

func (f callerFunc) Call(ctx context.Context, op string, body []byte) ([]byte, error) {
	return f(ctx, op, body)
}

// serveCaller serves c over HTTP on loopback until the test ends.
func serveCaller(t *testing.T, c awsjson.Caller) string {
	t.Helper()
	ts := httptest.NewServer(awsjson.NewHandler(c, awsjson.HandlerOptions{}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// flipMac flips the last bit of a GenerateMac answer's Mac.
func flipMac(m map[string]any) {
	s, _ := m["Mac"].(string)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return
	}
	b[len(b)-1] ^= 1
	m["Mac"] = base64.StdEncoding.EncodeToString(b)
}

// featureFS holds only the named feature file of the suite.
func featureFS(t *testing.T, name string) fstest.MapFS {
	t.Helper()
	b, err := fs.ReadFile(features.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return fstest.MapFS{name: {Data: b}}
}

// The vector scenarios fail, naming the rule and the vector, against an
// endpoint whose MACs are wrong.
func TestVectorsCatchWrongMACs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the vector scenarios")
	}
	url := alteringEndpoint(t, "GenerateMac", flipMac)
	res, err := Run(context.Background(), Options{Endpoint: url, Tags: "@vectors && @IMP-1",
		FS: featureFS(t, "vectors.feature")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) != 4 {
		t.Fatalf("%d scenarios, want the 4 algorithms", len(res.Scenarios))
	}
	for _, s := range res.Scenarios {
		if s.Status != results.Failed || !strings.Contains(s.Reason, "(GM-OK-4)") || !strings.Contains(s.Reason, "wycheproof") && !strings.Contains(s.Reason, "_test.json") {
			t.Errorf("%s: %s %q; want a failure naming GM-OK-4 and a vector", s.Name, s.Status, s.Reason)
		}
		// A flipped bit leaves the length right: only GM-OK-4 is charged.
		for _, ro := range s.RuleOutcomes {
			if want := map[bool]results.Status{true: results.Failed, false: results.Passed}[ro.Rule == "GM-OK-4"]; ro.Status != want {
				t.Errorf("%s: %s is %s, want %s", s.Name, ro.Rule, ro.Status, want)
			}
		}
		if !strings.Contains(s.Reason, "... and ") {
			t.Errorf("%s: every vector fails, but the list is not clipped: %q", s.Name, s.Reason)
		}
	}
}

// On a target without import, the @import scenarios skip with the reason
// (probed once per run), and the other checks run without imported keys.
func TestImportMissingFails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs scenarios")
	}
	var mu sync.Mutex
	probes := 0
	svc := reference.NewService(reference.Options{})
	call := callerFunc(func(ctx context.Context, op string, body []byte) ([]byte, error) {
		if op == "GetParametersForImport" {
			mu.Lock()
			probes++
			mu.Unlock()
			return nil, awsjson.ClientError("UnknownOperationException", "")
		}
		return svc.Call(ctx, op, body)
	})
	url := serveCaller(t, call)
	fsys := featureFS(t, "vectors.feature")
	for name, f := range featureFS(t, "properties.feature") {
		fsys[name] = f
	}
	res, err := Run(context.Background(), Options{Endpoint: url, Seed: 7, FS: fsys,
		Tags: "@IMP-1,@slow"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) != 6 {
		t.Fatalf("%d scenarios, want 4 vector outlines, KnownAnswer and the model", len(res.Scenarios))
	}
	for _, s := range res.Scenarios {
		said := s.Reason + " " + strings.Join(s.Expected, " ")
		switch {
		case strings.Contains(s.Name, "model"):
			if s.Status != results.Passed {
				t.Errorf("%s: %s (%s); the model should run without import", s.Name, s.Status, s.Reason)
			}
		case s.Status != results.Failed || !strings.Contains(said, "@import: the endpoint cannot import"):
			t.Errorf("%s: %s %q; want a failure naming the @import capability", s.Name, s.Status, said)
		case strings.Contains(s.Name, "Wycheproof"):
			// Blocked by IMP-1, which the scenario carries: IMP-1 fails
			// here, its other rules are blocked, not charged.
			for _, ro := range s.RuleOutcomes {
				if want := map[bool]results.Status{true: results.Failed, false: results.Blocked}[ro.Rule == "IMP-1"]; ro.Status != want {
					t.Errorf("%s: %s is %s, want %s", s.Name, ro.Rule, ro.Status, want)
				}
			}
		}
	}
	if probes != 1 {
		t.Errorf("GetParametersForImport called %d times; want one probe per run", probes)
	}
}

// truncatingEndpoint is the reference, except that VerifyMac accepts any
// non-empty prefix of the right MAC: the behaviour VM-FAIL-2 only infers
// that KMS refuses.
func truncatingEndpoint(t *testing.T) string {
	t.Helper()
	svc := reference.NewService(reference.Options{})
	call := callerFunc(func(ctx context.Context, op string, body []byte) ([]byte, error) {
		out, err := svc.Call(ctx, op, body)
		if op != "VerifyMac" || err == nil {
			return out, err
		}
		var req struct {
			KeyId, MacAlgorithm string
			Message, Mac        []byte
		}
		if json.Unmarshal(body, &req) != nil || len(req.Mac) == 0 {
			return out, err
		}
		gen, gerr := svc.Call(ctx, "GenerateMac", textutil.MustJSON(map[string]any{"KeyId": req.KeyId, "Message": req.Message, "MacAlgorithm": req.MacAlgorithm}))
		var full struct {
			KeyId string
			Mac   []byte
		}
		if gerr != nil || json.Unmarshal(gen, &full) != nil || len(req.Mac) >= len(full.Mac) || !bytes.HasPrefix(full.Mac, req.Mac) {
			return out, err
		}
		return textutil.MustJSON(map[string]any{"KeyId": full.KeyId, "MacValid": true, "MacAlgorithm": req.MacAlgorithm}), nil
	})
	return serveCaller(t, call)
}

// An endpoint that accepts a correct but truncated tag fails VM-FAIL-2
// (only an identical tag verifies), with or without --strict.
func TestVectorsTruncationFails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the vector scenarios")
	}
	url := truncatingEndpoint(t)
	res, err := Run(context.Background(), Options{Endpoint: url, Tags: "@vectors && @IMP-1",
		FS: featureFS(t, "vectors.feature")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) != 4 {
		t.Fatalf("%d scenarios, want the 4 algorithms", len(res.Scenarios))
	}
	for _, s := range res.Scenarios {
		if s.Status != results.Failed || !strings.Contains(s.Reason, "truncated to") || !strings.Contains(s.Reason, "VM-FAIL-2") {
			t.Errorf("%s: %s %q; want failed naming the truncated tags", s.Name, s.Status, s.Reason)
		}
	}
	if res.OK() {
		t.Error("run OK with truncated tags accepted")
	}
}
