package soak

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference"
)

func TestRunAgainstReference(t *testing.T) {
	srv, err := reference.Start("127.0.0.1:0", reference.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := Config{Endpoint: srv.URL(), Region: "us-east-1", AccessKey: "test", Secret: "test", Rate: 200,
		Duration: 1500 * time.Millisecond, Interval: 500 * time.Millisecond, Workers: 8, Keys: 3, PID: os.Getpid()}
	samples, _, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) < 3 {
		t.Fatalf("%d samples, want the one before the load and one per interval", len(samples))
	}
	reqs := 0
	for _, s := range samples[1:] {
		reqs += s.Requests
		if s.Errors != 0 {
			t.Errorf("sample at %s: %d requests not answered as expected", s.At, s.Errors)
		}
		if s.RSSKiB <= 0 || s.FDs <= 0 {
			t.Errorf("sample at %s: RSS %d KiB, %d fds; want both read from /proc", s.At, s.RSSKiB, s.FDs)
		}
	}
	if reqs < 100 {
		t.Errorf("%d requests in 1.5 s at 200/s offered", reqs)
	}
	var b bytes.Buffer
	WriteMarkdown(&b, "test", cfg, samples, 0)
	if !strings.Contains(b.String(), "| p99 latency | ") {
		t.Errorf("report lacks the p99 row:\n%s", b.String())
	}
	// The keys it made are in the store (scheduled for deletion at the end).
	if n := srv.Service().Store().KeyCount(); n < cfg.Keys {
		t.Errorf("%d keys in the store, want at least the %d the run made", n, cfg.Keys)
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	if _, _, err := Run(context.Background(), Config{Rate: 0, Workers: 1, Keys: 2, Interval: time.Second, Duration: time.Second}); err == nil {
		t.Fatal("rate 0 accepted")
	}
}
