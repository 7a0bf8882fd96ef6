package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestServeQuotaAndDebugFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--quota-crypto", "-1"}, "cryptographic quota: requests per second -1"},
		{[]string{"--quota-hot-key", "1", "--quota-burst", "-2"}, "burst -2"},
		{[]string{"--quota-manage", "x"}, `invalid value "x" for --quota-manage`},
		{[]string{"--debug-addr", "0.0.0.0:0"}, "profiles are for this machine only"},
	} {
		var stdout, stderr bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		got := serve(ctx, append([]string{"--addr", "127.0.0.1:0", "--quiet"}, c.args...), &stdout, &stderr)
		cancel()
		if got != 2 || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, got, stderr.String(), c.msg)
		}
	}

	_, _, stderr, stop := startServe(t, "--addr", "127.0.0.1:0", "--quota-crypto", "100", "--debug-addr", "127.0.0.1:0")
	defer stop()
	m := regexp.MustCompile(`profiles on (http://127\.0\.0\.1:\d+)/debug/pprof/`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no profiles line on stderr: %q", stderr)
	}
	resp, err := http.Get(m[1] + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "goroutine profile: total ") {
		t.Fatalf("goroutine profile: %d %q", resp.StatusCode, b)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
}
