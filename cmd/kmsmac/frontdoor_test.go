package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/reference"
)

// benchFile writes a small Go benchmark output and returns its path.
func benchFile(t *testing.T, name string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\n")
	for i := range 5 {
		fmt.Fprintf(&b, "BenchmarkGenerateMac/endpoint=reference/alg=HMAC_SHA_256/size=64/c=4/client=raw\t1000\t%d ns/op\n", 50000+i)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Flags may follow file names, and every spelling of -o works.
func TestReportFlagsAfterFiles(t *testing.T) {
	in := benchFile(t, "new.txt")
	for _, args := range [][]string{
		{"report", in, "-o", "OUT"},
		{"report", "-o", "OUT", in},
		{"report", in, "--output", "OUT", "--title", "T"},
		{"report", in, "--o=OUT", "-title", "T"}, // the Go flag package's spellings
	} {
		out := filepath.Join(t.TempDir(), "report.md")
		args = slices.Clone(args)
		for i, a := range args {
			args[i] = strings.Replace(a, "OUT", out, 1)
		}
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Errorf("%q: exit %d: %s", args, code, stderr.String())
			continue
		}
		if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "HMAC_SHA_256") {
			t.Errorf("%q: report %q, %v", args, b, err)
		}
	}
}

// A wrong flag or command is one line naming it, the nearest right one
// and where the flags are listed, not the whole help.
func TestDidYouMean(t *testing.T) {
	in := benchFile(t, "new.txt")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"conform", "--endpont", "http://127.0.0.1:1"}, "kmsmac conform: unknown flag --endpont: did you mean --endpoint? (run kmsmac conform -h for the flags)"},
		{[]string{"conform", "-endpont", "http://127.0.0.1:1"}, "kmsmac conform: unknown flag -endpont: did you mean --endpoint?"},
		{[]string{"conform", "--expect", "e.yaml"}, "did you mean --expectations?"},
		{[]string{"report", in, "--outptu", "x.md"}, "kmsmac report: unknown flag --outptu: did you mean --output?"},
		{[]string{"bench", "--concurency", "4"}, "did you mean --concurrency?"},
		{[]string{"serve", "--adr", "127.0.0.1:0"}, "did you mean --addr?"},
		{[]string{"compare", "--zzz", in, in}, "kmsmac compare: unknown flag --zzz (run kmsmac compare -h for the flags)"},
		{[]string{"conform", "--seed", "soon"}, `kmsmac conform: invalid value "soon" for --seed: invalid syntax`},
		{[]string{"comform"}, `kmsmac: unknown command "comform": did you mean conform? (run kmsmac help for the commands)`},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", c.args, code, stderr.String(), c.want)
		}
		if n := strings.Count(stderr.String(), "\n"); n != 1 || stdout.Len() > 0 {
			t.Errorf("%q: %d lines on stderr, stdout %q; want one line", c.args, n, stdout.String())
		}
	}
	if got := closestFlag(newFlagSet("x", "", &bytes.Buffer{}), "anything"); got != "" {
		t.Errorf("closestFlag in an empty set = %q", got)
	}
}

func TestLongForms(t *testing.T) {
	fs := newFlagSet("x", "", &bytes.Buffer{})
	fs.String("tags", "", "")
	fs.Int64("seed", 0, "")
	fs.Bool("aws", false, "")
	fs.StringP("output", "o", "", "")
	got := longForms(fs, []string{"-seed=3", "-aws", "-tags", "-seed", "f.txt", "-o", "-x", "-help", "--", "-aws"})
	want := []string{"--seed=3", "--aws", "--tags", "-seed", "f.txt", "-o", "-x", "--help", "--", "-aws"}
	if !slices.Equal(got, want) {
		t.Errorf("longForms = %q\nwant %q", got, want)
	}
}

func TestCompareArgs(t *testing.T) {
	old := benchFile(t, "old.txt")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"compare", old}, "kmsmac compare: missing NEW.txt: got only " + old},
		{[]string{"compare"}, "kmsmac compare: missing OLD.txt and NEW.txt"},
		{[]string{"compare", old, old, old}, "3 files given, want two"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		if code := run(c.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line with %q", c.args, code, stderr.String(), c.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"compare", old, old}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "ns/op") {
		t.Errorf("compare old old: exit %d: %s%s", code, stdout.String(), stderr.String())
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "kmsmac ") ||
			!strings.Contains(stdout.String(), runtime.Version()) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout.String(), stderr.String())
		}
	}
	bi := &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2025-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"}}}
	want := "kmsmac v1.2.3 (commit 0123456789ab, 2025-01-02T03:04:05Z, modified) " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if got := versionLine(bi, true); got != want {
		t.Errorf("versionLine = %q, want %q", got, want)
	}
	if got := versionLine(nil, false); !strings.HasPrefix(got, "kmsmac unknown (no VCS commit recorded") {
		t.Errorf("versionLine without build info = %q", got)
	}
}

// host:port is taken as http://host:port, with a note; other non-URLs are
// refused before anything runs.
func TestEndpointWithoutScheme(t *testing.T) {
	srv := reference.NewServer(reference.Options{})
	defer srv.Close()
	hostPort := strings.TrimPrefix(srv.URL(), "http://")
	var stdout, stderr bytes.Buffer
	code := run([]string{"conform", "--endpoint", hostPort, "--tags", "@WIRE-13"}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stderr.String(), "kmsmac conform: --endpoint "+hostPort+" has no scheme: using "+srv.URL()+"\n") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout.String(), stderr.String())
	}
	cases := []struct{ endpoint, want string }{
		{"localhost", `"localhost" is not a URL: did you mean http://localhost?`},
		{"127.0.0.1:4599/kms", `did you mean http://127.0.0.1:4599/kms?`},
		{"ftp://127.0.0.1:4599", `is not an http(s) URL`},
		{"http://", `has no host`},
		{"127.0.0.1:99999", `is not a URL: want e.g. http://127.0.0.1:4599`},
	}
	for _, c := range cases {
		for _, cmd := range []string{"conform", "record", "bench", "cleanup"} {
			var stdout, stderr bytes.Buffer
			args := []string{cmd, "--endpoint", c.endpoint}
			switch cmd {
			case "record":
				args = append(args, "--out", filepath.Join(t.TempDir(), "g.json"))
			case "cleanup":
				args = append(args, "--older-than", "1h")
			}
			if code := run(args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) {
				t.Errorf("%q: exit %d, stderr %q; want 2 and %q", args, code, stderr.String(), c.want)
			}
		}
	}
}

// Credentials that are missing or refused are said to be, not taken for
// an unreachable endpoint.
func TestCredentialProblems(t *testing.T) {
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(400)
		w.Write([]byte(`{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`))
	}))
	defer refusing.Close()
	var stdout, stderr bytes.Buffer
	code := run([]string{"conform", "--endpoint", refusing.URL}, &stdout, &stderr)
	if msg := stderr.String(); code != 2 || !strings.Contains(msg, "rejected the credentials") ||
		!strings.Contains(msg, "UnrecognizedClientException") || !strings.Contains(msg, "AWS_ACCESS_KEY_ID") {
		t.Errorf("refused credentials: exit %d, stderr %s", code, msg)
	}

	// --aws with no credentials anywhere (and no instance metadata).
	empty := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(empty, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(empty, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_ROLE_ARN": "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
	} {
		t.Setenv(k, v)
	}
	stdout.Reset()
	stderr.Reset()
	code = run([]string{"conform", "--aws", "--region", "us-east-1"}, &stdout, &stderr)
	if msg := stderr.String(); code != 2 || !strings.Contains(msg, "no AWS credentials") || strings.Contains(msg, "unreachable") {
		t.Errorf("--aws without credentials: exit %d, stderr %s", code, msg)
	}
}
