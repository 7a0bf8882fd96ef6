package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/results"
)

// ignoreDryRun is the reference behind a proxy that drops DryRun from
// every request: an endpoint that ignores DryRun, as moto does.
func ignoreDryRun(t *testing.T) string {
	ref := reference.NewServer(reference.Options{AuthOff: true}) // the proxy rewrites signed bodies
	t.Cleanup(func() { ref.Close() })
	return rewritingProxy(t, ref.URL(), nil, func(body []byte) []byte {
		var m map[string]any
		if json.Unmarshal(body, &m) != nil {
			return body
		}
		delete(m, "DryRun")
		out, _ := json.Marshal(m)
		return out
	})
}

func TestExpectationsGate(t *testing.T) {
	const tags = "@DRY-2,@MAC-ENUM-1"
	ref, err := Run(context.Background(), Options{Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	// The reference's own expectations: everything passes.
	file := filepath.Join(t.TempDir(), "reference.yaml")
	var buf bytes.Buffer
	if err := ref.WriteExpectations(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	exp, err := results.ReadExpectations(file)
	if err != nil {
		t.Fatalf("reading what WriteExpectations wrote: %v\n%s", err, buf.String())
	}
	if c := ref.Compare(exp); len(c.Regressions)+len(c.Improved) != 0 || c.Matched == 0 {
		t.Fatalf("the reference against its own expectations: %+v", c)
	}

	// A reference that ignores DryRun regresses on DRY-2, and only there.
	broken, err := Run(context.Background(), Options{Tags: tags, Endpoint: ignoreDryRun(t)})
	if err != nil {
		t.Fatal(err)
	}
	c := broken.Compare(exp)
	var regressed []string
	for _, d := range c.Regressions {
		regressed = append(regressed, d.Rule)
	}
	if r := " " + strings.Join(regressed, " ") + " "; !strings.Contains(r, " DRY-2 ") || strings.Contains(r, "MAC-ENUM-1") {
		t.Errorf("regressions %v, want DRY-2 and not MAC-ENUM-1", regressed)
	}
	var out bytes.Buffer
	c.Write(&out, file)
	if !strings.Contains(out.String(), "REGRESSION DRY-2: expected passed, now failed") {
		t.Errorf("comparison text:\n%s", out.String())
	}

	// The broken endpoint's expectations, run against the fixed one: the
	// fixed deviation is an unexpected pass, not a regression.
	buf.Reset()
	if err := broken.WriteExpectations(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "DRY-2: failed  # expected DryRunOperationException") {
		t.Errorf("expectations of the broken run:\n%s", buf.String())
	}
	os.WriteFile(file, buf.Bytes(), 0o644)
	if exp, err = results.ReadExpectations(file); err != nil {
		t.Fatal(err)
	}
	c = ref.Compare(exp)
	fixed := false
	for _, d := range c.Improved {
		fixed = fixed || (d.Rule == "DRY-2" && d.Observed == results.Passed)
	}
	if len(c.Regressions) != 0 || !fixed {
		t.Errorf("fixed endpoint vs broken expectations: %+v", c)
	}
}

func TestJSONReportIsStable(t *testing.T) {
	run := func() []byte {
		res, err := Run(context.Background(), Options{Tags: "@KID-4,@DRY-2", Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		rep := res.JSON()
		rep.Run = results.JSONRun{}
		b, _ := json.Marshal(rep)
		return b
	}
	a, b := run(), run()
	if !bytes.Equal(a, b) {
		t.Errorf("two runs differ outside \"run\":\n%s\n%s", a, b)
	}
	if bytes.Contains(a, []byte("arn:aws")) {
		t.Errorf("the report carries key ARNs:\n%s", a)
	}
}
