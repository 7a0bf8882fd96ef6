package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/reference"
)

// ignoreDryRun is the reference behind a proxy that drops DryRun from
// every request: an endpoint that ignores DryRun, as moto does.
func ignoreDryRun(t *testing.T) string {
	ref := reference.NewServer(reference.Options{})
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
	exp, err := ReadExpectations(file)
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
	if exp, err = ReadExpectations(file); err != nil {
		t.Fatal(err)
	}
	c = ref.Compare(exp)
	fixed := false
	for _, d := range c.Improved {
		fixed = fixed || (d.Rule == "DRY-2" && d.Observed == Passed)
	}
	if len(c.Regressions) != 0 || !fixed {
		t.Errorf("fixed endpoint vs broken expectations: %+v", c)
	}
}

func TestReadExpectationsRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"status.yaml": "rules:\n  KID-4: broken\n",
		"id.yaml":     "rules:\n  kid4: failed\n",
		"yaml.yaml":   "rules: [\n",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		if _, err := ReadExpectations(p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ReadExpectations(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("a missing file: no error")
	}
}

func TestJSONReportIsStable(t *testing.T) {
	run := func() []byte {
		res, err := Run(context.Background(), Options{Tags: "@KID-4,@DRY-2", Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		rep := res.JSON()
		rep.Run = JSONRun{}
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

func TestNeutral(t *testing.T) {
	in := `Key 'arn:aws:kms:us-east-1:111122223333:key/0b3c1a55-7f2e-4f4e-9d63-2a1b6c0f9e11' alias/kmsmac-4ef8a43a-12 (seed 7, 34ms) 127.0.0.1:4599 {"GrantId":"fc0b6e44","CreationDate":1796390837.5}`
	want := `Key '<key-arn>' alias/<alias> (seed 7, <duration>) 127.0.0.1:<port> {"GrantId":"<value>","CreationDate":<time>}`
	if got := Neutral(in); got != want {
		t.Errorf("Neutral:\n got %s\nwant %s", got, want)
	}
}
