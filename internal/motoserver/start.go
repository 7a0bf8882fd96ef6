package motoserver

import (
	"errors"
	"fmt"
	"github.com/kmsmac/kmsmac/internal/syncbuf"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// readyTimeout bounds the wait for moto to answer; a cold Python start
// takes a few seconds on a loaded machine.
const readyTimeout = 30 * time.Second

// Start runs moto_server on a free loopback port until the test ends and
// returns its base URL (e.g. http://127.0.0.1:41234). Call it from the
// test's own goroutine: it may Skip or Fatal.
func Start(t testing.TB) (url string) {
	t.Helper()
	return start(t, "moto_server", readyTimeout)
}

func start(t testing.TB, name string, timeout time.Duration) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not on PATH: %v", name, err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("pick a port for %s: %v", name, err)
	}
	out := new(syncbuf.Buffer)
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", port)
	cmd.Stdout, cmd.Stderr = out, out
	ownGroup(cmd)
	// Bounds Wait if something outside the group still holds the pipes.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	var once sync.Once
	stop := func() { once.Do(func() { killGroup(cmd); <-exited }) }
	t.Cleanup(stop)

	url := "http://127.0.0.1:" + port
	if err := waitReady(url, exited, &waitErr, timeout); err != nil {
		stop() // so the output is complete and no writer races the read
		t.Fatalf("%s on %s: %v\n%s", name, url, err, out.String())
	}
	return url
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before moto binds; moto then exits and Start reports its output.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// waitReady polls url until any HTTP answer (status irrelevant: a listening
// socket is not yet a serving moto), the process exits, or timeout passes.
// *waitErr may be read only once exited is closed.
func waitReady(url string, exited <-chan struct{}, waitErr *error, timeout time.Duration) error {
	// No proxy: the request must stay on loopback.
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil}}
	defer c.CloseIdleConnections()
	deadline := time.Now().Add(timeout)
	for {
		resp, err := c.Get(url + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-exited:
			if *waitErr == nil {
				return errors.New("exited before answering HTTP")
			}
			return fmt.Errorf("exited before answering HTTP: %w", *waitErr)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no HTTP answer within %v: %w", timeout, err)
		}
		select {
		case <-exited:
		case <-time.After(100 * time.Millisecond):
		}
	}
}
