package main

import (
	"bytes"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/results"
)

func TestFailPolicyExitCode(t *testing.T) {
	counts := func(passed, failed, dev, skipped int) map[results.Status]int {
		return map[results.Status]int{results.Passed: passed, results.Failed: failed, results.Deviation: dev, results.Skipped: skipped}
	}
	tests := []struct {
		name   string
		policy failPolicy
		strict bool
		c      map[results.Status]int
		want   int
	}{
		{"all passed", failOnFailed, false, counts(5, 0, 0, 0), 0},
		{"all passed, any", failOnAny, false, counts(5, 0, 0, 0), 0},
		{"empty counts", failOnAny, true, map[results.Status]int{}, 0},
		{"failed", failOnFailed, false, counts(5, 1, 0, 0), 1},
		{"failed, any", failOnAny, false, counts(0, 1, 0, 0), 1},
		{"deviation tolerated", failOnFailed, false, counts(5, 0, 2, 0), 0},
		{"deviation, unverified", failOnUnverified, false, counts(5, 0, 2, 0), 1},
		{"deviation, strict", failOnFailed, true, counts(5, 0, 1, 0), 1},
		{"deviation, any", failOnAny, false, counts(5, 0, 1, 0), 1},
		{"skipped tolerated", failOnFailed, false, counts(5, 0, 0, 3), 0},
		{"skipped, unverified", failOnUnverified, true, counts(5, 0, 0, 3), 0},
		{"skipped, any", failOnAny, false, counts(5, 0, 0, 3), 1},
		{"strict does not lower any", failOnAny, true, counts(5, 0, 0, 1), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.policy.withStrict(tt.strict).exitCode(tt.c, 0); got != tt.want {
				t.Fatalf("exit %d, want %d", got, tt.want)
			}
		})
	}
}

func TestFailPolicyFlag(t *testing.T) {
	tests := []struct {
		args []string
		want failPolicy
		ok   bool
	}{
		{nil, failOnFailed, true},
		{[]string{"--fail-on", "failed"}, failOnFailed, true},
		{[]string{"--fail-on=unverified"}, failOnUnverified, true},
		{[]string{"--fail-on", "ANY"}, failOnAny, true},
		{[]string{"--fail-on", "skipped"}, 0, false},
		{[]string{"--fail-on", ""}, 0, false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var p failPolicy
		fs.Var(&p, "fail-on", "")
		err := fs.Parse(tt.args)
		if (err == nil) != tt.ok || tt.ok && p != tt.want {
			t.Fatalf("%q: policy %v, error %v", tt.args, p, err)
		}
		if tt.ok && p.String() != failPolicyNames[tt.want] {
			t.Fatalf("String() = %q", p.String())
		}
	}
	if s := failPolicy(7).String(); !strings.Contains(s, "7") {
		t.Fatalf("out-of-range String() = %q", s)
	}
}

// The policy reaches the command's exit status: the reference passes
// @WIRE-13 under every policy; a bad value is a usage error.
func TestConformFailOn(t *testing.T) {
	cases := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"--fail-on", "nope"}, 2, "want one of failed, unverified, any"},
		{[]string{"-h"}, 0, "--fail-on any         also a blocked scenario"},
		{[]string{"--tags", "@WIRE-13", "--fail-on", "any"}, 0, "0 failed"},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		code := run(append([]string{"conform"}, c.args...), &out, &errb)
		all := out.String() + errb.String()
		if code != c.code || !strings.Contains(all, c.out) {
			t.Fatalf("%q: exit %d (want %d), output lacks %q?\n%s", c.args, code, c.code, c.out, all)
		}
	}
}
