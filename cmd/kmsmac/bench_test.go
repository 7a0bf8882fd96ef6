package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/bench/floor"
	"github.com/kmsmac/kmsmac/reference"
)

func TestBenchCommand(t *testing.T) {
	fl := floor.NewServer()
	defer fl.Close()
	ref := reference.NewServer(reference.Options{})
	defer ref.Close()
	dir := t.TempDir()
	var files []string
	for _, e := range []struct{ name, url string }{{"floor", fl.URL()}, {"reference", ref.URL()}} {
		var out, errb bytes.Buffer
		code := run([]string{"bench", "--endpoint", e.url, "--endpoint-name", e.name, "--requests", "40",
			"--concurrency", "2,4", "--count", "2", "--warmup", "0", "--size", "64", "--quiet"}, &out, &errb)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", e.name, code, errb.String())
		}
		if n := strings.Count(out.String(), "BenchmarkGenerateMac/endpoint="+e.name); n != 4 {
			t.Fatalf("%s: %d result lines, want 2 concurrencies × 2 repetitions:\n%s", e.name, n, out.String())
		}
		if strings.Count(out.String(), "goos:") != 1 {
			t.Errorf("header not printed exactly once:\n%s", out.String())
		}
		f := filepath.Join(dir, e.name+".txt")
		os.WriteFile(f, out.Bytes(), 0o644)
		files = append(files, f)
	}

	// report: both endpoints in one report, chart next to it.
	var out, errb bytes.Buffer
	md := filepath.Join(dir, "docs", "perf.md")
	os.MkdirAll(filepath.Dir(md), 0o755)
	if code := run(append([]string{"report", "-o", md}, files...), &out, &errb); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errb.String())
	}
	b, _ := os.ReadFile(md)
	for _, want := range []string{"reference / floor", "](perf.svg)", "c=4"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("report lacks %q:\n%s", want, b)
		}
	}
	if svg, err := os.ReadFile(filepath.Join(dir, "docs", "perf.svg")); err != nil || !strings.HasPrefix(string(svg), "<svg") {
		t.Errorf("no chart: %v", err)
	}

	// compare: same names in both files only when the endpoint is the same.
	out.Reset()
	if code := run([]string{"compare", files[0], files[0]}, &out, &errb); code != 0 || !strings.Contains(out.String(), "req/s") {
		t.Errorf("compare: exit %d:\n%s", code, out.String())
	}
}

func TestBenchCommandUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "--nope"},
		{"bench", "--endpoint", "http://127.0.0.1:1", "--aws"},
		{"bench", "--endpoint", "http://127.0.0.1:1", "--concurrency", "x"},
		{"bench", "--endpoint", "http://127.0.0.1:1", "--op", "Encrypt", "--requests", "1"},
		{"bench", "--endpoint", "http://127.0.0.1:1", "extra"},
		{"bench", "--embedded", "moto"},
		{"bench", "--serve", "moto"},
		{"bench", "--serve", "floor", "--preload-keys", "10"},
		{"bench", "--serve", "reference", "--preload-keys", "-1"},
		{"bench", "--wrk-to-bench", "/nonexistent"},
		{"compare", "one"},
		{"compare", "/nonexistent", "/nonexistent"},
		{"report"},
		{"report", "/nonexistent"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%q: exit %d, want 2 (stderr %q)", args, code, errb.String())
		}
	}
	// Help is not an error.
	var out, errb bytes.Buffer
	if code := run([]string{"bench", "-h"}, &out, &errb); code != 0 || !strings.Contains(errb.String(), "--print-wrk-lua") && !strings.Contains(errb.String(), "print-wrk-lua") {
		t.Errorf("bench -h: exit %d, %q", code, errb.String())
	}
}

func TestBenchEndpointDown(t *testing.T) {
	// Nothing listens on the port: a setup error, exit 2, with a reason.
	fl := floor.NewServer()
	url := fl.URL()
	fl.Close()
	var out, errb bytes.Buffer
	if code := run([]string{"bench", "--endpoint", url, "--requests", "1", "--quiet"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "creating") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// The embedded server runs as a child: "os.Executable() bench --serve ...".
// In tests the executable is the test binary, which becomes kmsmac when
// this variable is set (inherited by the child from TestBenchEmbedded).
func init() {
	if os.Getenv("KMSMAC_TEST_BE_KMSMAC") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
}

func TestBenchEmbedded(t *testing.T) {
	t.Setenv("KMSMAC_TEST_BE_KMSMAC", "1")
	for _, which := range []string{"reference", "floor"} {
		var out, errb bytes.Buffer
		code := run([]string{"bench", "--embedded", which, "--requests", "30", "--concurrency", "2", "--warmup", "0", "--quiet"}, &out, &errb)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", which, code, errb.String())
		}
		for _, want := range []string{"BenchmarkGenerateMac/endpoint=" + which + "/", "server-cpu-ns/op", "server-rss-MiB", "0 errors"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: output lacks %q:\n%s", which, want, out.String())
			}
		}
	}
}

// TestPreloadKeys: the keys exist in the service and the memory line is
// printed.
func TestPreloadKeys(t *testing.T) {
	svc := reference.NewService(reference.Options{})
	var errb bytes.Buffer
	if err := preloadKeys(context.Background(), svc, 50, &errb); err != nil {
		t.Fatal(err)
	}
	if n := svc.Store().KeyCount(); n != 50 {
		t.Errorf("%d keys, want 50", n)
	}
	if !regexp.MustCompile(`50 keys preloaded: heap in use [0-9.]+ MiB, RSS [0-9.]+ MiB`).MatchString(errb.String()) {
		t.Errorf("stderr %q", errb.String())
	}
}
