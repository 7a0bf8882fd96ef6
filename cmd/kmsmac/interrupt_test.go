package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference"
)

// slowProxy forwards to a reference after a delay, so a full run takes
// long enough to interrupt. It remembers keys created for a client that
// had already gone (those the harness cannot know about).
type slowProxy struct {
	mu          sync.Mutex
	creates     int
	undelivered map[string]bool
}

func (p *slowProxy) handler(t *testing.T, refURL string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case <-r.Context().Done():
			return // never forwarded
		case <-time.After(40 * time.Millisecond):
		}
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, refURL+r.URL.Path, bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".CreateKey") {
			var out struct{ KeyMetadata struct{ KeyId string } }
			_ = json.Unmarshal(b, &out)
			p.mu.Lock()
			p.creates++
			if r.Context().Err() != nil {
				p.undelivered[out.KeyMetadata.KeyId] = true
			}
			p.mu.Unlock()
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(b)
	})
}

func (p *slowProxy) created() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.creates
}

// TestInterrupt builds the binary, stops a run with SIGINT or SIGTERM and
// checks the partial summary, the exit status and that every key the run
// created is scheduled for deletion.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "kmsmac")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) { interruptRun(t, bin, sig) })
	}
}

func interruptRun(t *testing.T, bin string, sig os.Signal) {
	ref := reference.NewServer(reference.Options{AuthOff: true}) // the slow proxy re-sends with its own Host
	defer ref.Close()
	p := &slowProxy{undelivered: map[string]bool{}}
	ts := httptest.NewServer(p.handler(t, ref.URL()))
	defer ts.Close()

	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "conform", "--endpoint", ts.URL, "--seed", "1")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for p.created() < 4 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the run created %d keys in 60s\nstderr: %s", p.created(), stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
			t.Errorf("exit: %v, want status %d", err, exitInterrupted)
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("still running 60s after the signal\nstdout: %s\nstderr: %s", stdout.String(), stderr.String())
	}
	if d := time.Since(sent); d > 30*time.Second {
		t.Errorf("stopping took %s", d)
	}
	out, errOut := stdout.String(), stderr.String()
	t.Logf("summary:\n%s", out[max(0, len(out)-700):])
	for _, want := range []string{"NOTE: interrupted:", "scenarios ran before the run was stopped", "kmsmac conform against " + ts.URL, "INTERRUPTED: a partial run, not a verdict (exit status 130)"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, sig.String()+": stopping; cleaning up created keys") {
		t.Errorf("stderr lacks the stop notice:\n%s", errOut)
	}

	// Every key the harness saw created is pending deletion.
	ctx := context.Background()
	raw, err := ref.Service().Call(ctx, "ListKeys", []byte(`{"Limit":1000}`))
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Keys []struct{ KeyId string } }
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Keys) < 4 {
		t.Fatalf("the reference holds %d keys, want at least 4", len(list.Keys))
	}
	for _, k := range list.Keys {
		if p.undelivered[k.KeyId] {
			continue
		}
		d, err := ref.Service().Call(ctx, "DescribeKey", []byte(`{"KeyId":"`+k.KeyId+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		var m struct{ KeyMetadata struct{ KeyState string } }
		_ = json.Unmarshal(d, &m)
		if m.KeyMetadata.KeyState != "PendingDeletion" {
			t.Errorf("key %s is %s after the interrupted run, want PendingDeletion", k.KeyId, m.KeyMetadata.KeyState)
		}
	}
}
