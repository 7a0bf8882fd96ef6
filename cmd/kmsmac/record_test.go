package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/golden"
)

func TestRecordExitCodes(t *testing.T) {
	closedURL := deadURL(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "g.json")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help", []string{"-h"}, 0, "--out"},
		{"no out", []string{"--tags", "@GM-OK-1"}, 2, "--out FILE is required"},
		{"stray argument", []string{"--out", out, "extra"}, 2, "unexpected arguments"},
		{"aws and endpoint", []string{"--out", out, "--aws", "--endpoint", "http://127.0.0.1:1"}, 2, "exclude each other"},
		{"out is a directory", []string{"--out", dir}, 2, "is a directory"},
		{"bad format", []string{"--out", out, "--format", "html"}, 2, "unknown formatter"},
		{"unreachable", []string{"--out", out, "--endpoint", closedURL}, 2, "unreachable"},
		{"no match", []string{"--out", out, "--tags", "@NO-SUCH-1"}, 2, "no scenario matched"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var o, e bytes.Buffer
			code := run(append([]string{"record"}, c.args...), &o, &e)
			if code != c.code || !strings.Contains(o.String()+e.String(), c.want) {
				t.Errorf("exit %d (want %d), output lacks %q?\n%s%s", code, c.code, c.want, o.String(), e.String())
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed record left a recording behind")
	}
}

func TestRecordThenConformGolden(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rec", "golden.json")
	var o, e bytes.Buffer
	if code := run([]string{"record", "--tags", "@GM-OK-1,@DRY-2", "--out", out, "--seed", "3"}, &o, &e); code != 0 {
		t.Fatalf("record: exit %d\n%s%s", code, o.String(), e.String())
	}
	g, err := golden.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if g.Meta.Target != "embedded reference" || g.Meta.Date == "" || g.Meta.Kmsmac == "" || len(g.Scenarios) == 0 {
		t.Errorf("recording metadata: %+v, %d scenarios", g.Meta, len(g.Scenarios))
	}
	if !strings.Contains(o.String(), "written to "+out) {
		t.Errorf("record output does not say where the recording went:\n%s", o.String())
	}
	o.Reset()
	e.Reset()
	if code := run([]string{"conform", "--tags", "@GM-OK-1,@DRY-2", "--golden", out, "--seed", "3"}, &o, &e); code != 0 {
		t.Fatalf("conform --golden: exit %d\n%s%s", code, o.String(), e.String())
	}
	if !strings.Contains(o.String(), " 0 differed, 0 missing") {
		t.Errorf("replay against the reference found differences:\n%s", o.String())
	}
}

// A recording that cannot be read must never let a run pass.
func TestConformBadGolden(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"corrupted": `{"format": "kmsmac-golden", "version": 1, "scenarios": [`,
		"old":       `{"format": "kmsmac-golden", "version": 0}`,
		"unknown":   `{"some": "other json"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name+".json")
			os.WriteFile(p, []byte(body), 0o644)
			var o, e bytes.Buffer
			code := run([]string{"conform", "--tags", "@WIRE-13", "--golden", p}, &o, &e)
			all := o.String() + e.String()
			if code != 2 || !strings.Contains(all, p) || !strings.Contains(all, "kmsmac") {
				t.Errorf("exit %d with a %s recording\n%s", code, name, all)
			}
		})
	}
}
