package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Real runs (reference, moto, local-kms) with the scenarios dropped.
const matrixData = "../../matrix/testdata/"

func TestMatrixCommand(t *testing.T) {
	dir := t.TempDir()
	md, page := filepath.Join(dir, "m.md"), filepath.Join(dir, "m.html")
	var stdout, stderr bytes.Buffer
	// Flags first, then the files.
	code := run([]string{"matrix", "--md", md, "--html", page,
		"reference=" + matrixData + "reference.json", "moto=" + matrixData + "moto.json", matrixData + "local-kms.json"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	// The unnamed column is labelled with the run's target.
	if want := "| Section | Rules | reference | moto | http://127.0.0.1:41541 |"; !strings.Contains(string(b), want) {
		t.Errorf("Markdown lacks %q:\n%.2000s", want, b)
	}
	h, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(h), "<!DOCTYPE html>") || !strings.Contains(string(h), `class="ep">moto`) {
		t.Errorf("HTML page: %.500s", h)
	}
	if !strings.Contains(stderr.String(), "141 rules × 3 endpoints written to "+page) {
		t.Errorf("stderr: %s", stderr.String())
	}

	stdout.Reset()
	if code := run([]string{"matrix", matrixData + "reference.json"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "# KMS HMAC conformance matrix") {
		t.Errorf("no --md/--html: exit %d, stdout %.300s", code, stdout.String())
	}
}

func TestMatrixCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ref := matrixData + "reference.json"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no reports", nil, "no reports given"},
		{"missing file", []string{ref, filepath.Join(dir, "nope.json")}, "nope.json: no such file"},
		{"Markdown report", []string{write("r.md", "# kmsmac conformance report\n")}, "r.md: not a kmsmac conform report"},
		{"other JSON", []string{write("o.json", `{"rules":[]}`)}, "o.json: not a kmsmac conform report"},
		{"format version", []string{write("v9.json", `{"format":"kmsmac-conform/9"}`)}, `report format "kmsmac-conform/9"; this kmsmac reads "kmsmac-conform/1"`},
		{"same label twice", []string{ref, ref}, "both labelled"},
		{"bad flag", []string{"--nope", ref}, ""}, // the message is the flag package's
	} {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"matrix"}, tc.args...), &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.name, code, stderr.String(), tc.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"help", "matrix"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "--html") {
		t.Errorf("help: exit %d, %s", code, stderr.String())
	}
}
