//go:build unix

package motoserver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeTB records Fatalf and Cleanup so the failure paths of start can be
// checked without failing this test. Fatalf ends the goroutine, as the real
// one does.
type fakeTB struct {
	testing.TB
	fatal    string
	cleanups []func()
}

func (f *fakeTB) Helper()                   {}
func (f *fakeTB) Cleanup(fn func())         { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Skipf(string, ...any)      { f.fatal = "skipped"; runtime.Goexit() }
func (f *fakeTB) Fatalf(s string, a ...any) { f.fatal = fmt.Sprintf(s, a...); runtime.Goexit() }

// runStart runs start in its own goroutine (Fatalf calls Goexit), then the
// registered cleanups, and returns the fatal message and how long it took.
func runStart(t *testing.T, bin string, timeout time.Duration) (string, time.Duration) {
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	began := time.Now()
	go func() {
		defer close(done)
		start(f, bin, timeout)
	}()
	<-done
	took := time.Since(began)
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return f.fatal, took
}

func TestStartFailures(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		want         *regexp.Regexp
		maxTime      time.Duration
	}{
		{"exits at once", "echo 'Address already in use' >&2; exit 3",
			regexp.MustCompile(`(?s)exited before answering HTTP: exit status 3.*Address already in use`), 5 * time.Second},
		{"never answers", "sleep 300 & echo \"child $!\"; wait",
			regexp.MustCompile(`(?s)no HTTP answer within 1s.*child \d+`), 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "fake_moto")
			if err := os.WriteFile(bin, []byte("#!/bin/sh\n"+tc.script+"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			msg, took := runStart(t, bin, time.Second)
			if !tc.want.MatchString(msg) {
				t.Fatalf("fatal message %q does not match %v", msg, tc.want)
			}
			if took > tc.maxTime {
				t.Errorf("took %v, want under %v", took, tc.maxTime)
			}
			// The child of the launcher must be gone too: that is why the
			// whole process group is killed.
			if m := regexp.MustCompile(`child (\d+)`).FindStringSubmatch(msg); m != nil {
				pid, _ := strconv.Atoi(m[1])
				if !gone(pid, 5*time.Second) {
					t.Errorf("launcher's child %d survived cleanup", pid)
				}
			}
			if strings.Contains(msg, "skipped") {
				t.Fatal("skipped instead of failing")
			}
		})
	}
}

// gone reports whether pid disappears within d. A killed orphan stays a
// zombie until init reaps it, so one probe is not enough.
func gone(pid int, d time.Duration) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(50 * time.Millisecond) {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}
