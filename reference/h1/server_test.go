package h1

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// echo answers with what it saw of the request.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/panic":
		panic("boom")
	case "/abort":
		panic(http.ErrAbortHandler)
	case "/unread":
		w.Write([]byte("ok"))
		return
	case "/big":
		w.Header().Set("Content-Length", fmt.Sprint(200<<10))
		w.Write([]byte(strings.Repeat("b", 200<<10)))
		return
	case "/close":
		w.Header().Set("Connection", "close")
	}
	b, err := io.ReadAll(r.Body)
	w.Header().Set("X-Method", r.Method)
	w.Header().Set("X-Host", r.Host)
	w.Header().Set("X-Target", r.Header.Get("X-Amz-Target"))
	w.Header().Set("X-Multi", strings.Join(r.Header.Values("X-Multi"), "|"))
	w.Header().Set("X-Query", r.URL.RawQuery)
	if err != nil {
		w.WriteHeader(500)
	}
	fmt.Fprintf(w, "%d:%s", r.ContentLength, b)
})

func start(t *testing.T, h http.Handler) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Handler: h, MaxHeaderBytes: 8 << 10}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; err != ErrServerClosed {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return s, ln.Addr().String()
}

// exchange writes raw to a new connection and reads n responses.
func exchange(t *testing.T, addr, raw string, n int) ([]*http.Response, []string, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, raw)
	br := bufio.NewReader(c)
	var rs []*http.Response
	var bodies []string
	for i := 0; i < n; i++ {
		resp, err := http.ReadResponse(br, &http.Request{Method: methodOf(raw, i)})
		if err != nil {
			t.Fatalf("response %d to %.60q: %v", i, raw, err)
		}
		b, _ := io.ReadAll(resp.Body)
		rs, bodies = append(rs, resp), append(bodies, string(b))
	}
	return rs, bodies, br
}

func methodOf(raw string, i int) string {
	if strings.HasPrefix(raw, "HEAD") && i == 0 {
		return "HEAD"
	}
	return "POST"
}

func closed(t *testing.T, br *bufio.Reader) bool {
	t.Helper()
	_, err := br.ReadByte()
	return err != nil
}

func TestPipelinedKeepAlive(t *testing.T) {
	_, addr := start(t, echo)
	req := func(body string) string {
		return "POST / HTTP/1.1\r\nHost: h\r\nx-amz-target: T.Op\r\nX-Multi: a\r\nX-Multi: b\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n" + body
	}
	rs, bodies, _ := exchange(t, addr, req("{}")+req(strings.Repeat("x", 20000))+req(""), 3)
	want := []string{"2:{}", "20000:" + strings.Repeat("x", 20000), "0:"}
	for i, r := range rs {
		if r.StatusCode != 200 || bodies[i] != want[i] || r.Header.Get("X-Target") != "T.Op" || r.Header.Get("X-Host") != "h" || r.Header.Get("X-Multi") != "a|b" {
			t.Errorf("response %d: %d %v %.40q", i, r.StatusCode, r.Header, bodies[i])
		}
		if r.Header.Get("Date") == "" || r.Close {
			t.Errorf("response %d: no Date or closing: %v", i, r.Header)
		}
	}
}

func TestChunkedAndContinue(t *testing.T) {
	_, addr := start(t, echo)
	rs, bodies, _ := exchange(t, addr, "POST /?a=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", 1)
	if rs[0].StatusCode != 200 || bodies[0] != "-1:abcde" || rs[0].Header.Get("X-Query") != "a=1" {
		t.Errorf("chunked: %d %q %v", rs[0].StatusCode, bodies[0], rs[0].Header)
	}
	c, _ := net.Dial("tcp", addr)
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
	br := bufio.NewReader(c)
	line, _ := br.ReadString('\n')
	if line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("no 100 Continue: %q", line)
	}
	br.ReadString('\n')
	io.WriteString(c, "{}")
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after 100: %v %v", resp, err)
	}
}

func TestCloseAndHTTP10(t *testing.T) {
	_, addr := start(t, echo)
	for _, c := range []struct {
		raw   string
		close bool
	}{
		{"POST / HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", true},
		{"POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n", true},
		{"POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false},
		{"POST /close HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", true},
		{"POST /unread HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc", false},
		{"POST /unread HTTP/1.1\r\nHost: h\r\nContent-Length: 400000\r\n\r\n" + strings.Repeat("z", 400000), true},
	} {
		rs, _, br := exchange(t, addr, c.raw, 1)
		if rs[0].StatusCode != 200 {
			t.Errorf("%.50q: %d", c.raw, rs[0].StatusCode)
		}
		if c.close {
			if !closed(t, br) || !rs[0].Close {
				t.Errorf("%.50q: connection not closed, or no Connection: close (%v)", c.raw, rs[0].Header)
			}
		} else if rs[0].Close {
			t.Errorf("%.50q: closed a keep-alive connection", c.raw)
		}
	}
}

func TestHeadAndLargeBody(t *testing.T) {
	_, addr := start(t, echo)
	rs, bodies, _ := exchange(t, addr, "HEAD / HTTP/1.1\r\nHost: h\r\n\r\nPOST /big HTTP/1.1\r\nHost: h\r\n\r\n", 2)
	if rs[0].StatusCode != 200 || bodies[0] != "" || rs[0].ContentLength != 2 {
		t.Errorf("HEAD: %d %q length %d", rs[0].StatusCode, bodies[0], rs[0].ContentLength)
	}
	if rs[1].StatusCode != 200 || len(bodies[1]) != 200<<10 {
		t.Errorf("big: %d, %d bytes", rs[1].StatusCode, len(bodies[1]))
	}
}

func TestRefusals(t *testing.T) {
	_, addr := start(t, echo)
	for _, c := range []struct {
		raw    string
		status int
	}{
		{"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 400},                                          // no Host
		{"POST / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},                                         // two Hosts
		{"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n", 400},                               // bad length
		{"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},          // two lengths
		{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501},                         // unknown coding
		{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n", 400}, // smuggling
		{"POST / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
		{"POST / FTP/1.0\r\nHost: h\r\n\r\n", 400},
		{"POST /\r\n\r\n", 400},
		{"PO ST / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
		{"POST / HTTP/1.1\r\nHost: h\r\nBad Name: v\r\n\r\n", 400},
		{"POST / HTTP/1.1\r\nHost: h\r\nX: a\x00b\r\n\r\n", 400},
		{"POST / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n", 400},
		{"POST / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\n\r\n", 417},
		{"POST / HTTP/1.1\r\nHost: h\r\nX: " + strings.Repeat("a", 9<<10) + "\r\n\r\n", 431},
		{"POST / HTTP/1.1\r\nHost: h\r\n" + strings.Repeat("X: a\r\n", 2000) + "\r\n", 431},
	} {
		rs, _, br := exchange(t, addr, c.raw, 1)
		if rs[0].StatusCode != c.status || !closed(t, br) {
			t.Errorf("%.60q: %d, want %d and a closed connection", c.raw, rs[0].StatusCode, c.status)
		}
	}
	// A header just under the limit is served.
	rs, _, _ := exchange(t, addr, "POST / HTTP/1.1\r\nHost: h\r\nX-Amz-Target: "+strings.Repeat("t", 7<<10)+"\r\n\r\n", 1)
	if rs[0].StatusCode != 200 || len(rs[0].Header.Get("X-Target")) != 7<<10 {
		t.Errorf("7 KiB header: %d", rs[0].StatusCode)
	}
}

func TestPanicsCloseTheConnection(t *testing.T) {
	_, addr := start(t, echo)
	for _, p := range []string{"/panic", "/abort"} {
		c, _ := net.Dial("tcp", addr)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, "POST "+p+" HTTP/1.1\r\nHost: h\r\n\r\n")
		if b, _ := io.ReadAll(c); len(b) != 0 {
			t.Errorf("%s: answered %q", p, b)
		}
		c.Close()
	}
	// The server still serves.
	if rs, _, _ := exchange(t, addr, "POST / HTTP/1.1\r\nHost: h\r\n\r\n", 1); rs[0].StatusCode != 200 {
		t.Errorf("after panics: %d", rs[0].StatusCode)
	}
}

func TestShutdownWaitsForRequests(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	s, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		w.Write([]byte("late"))
	}))
	idle, _ := net.Dial("tcp", addr) // never sends: closed at once by Shutdown
	defer idle.Close()
	c, _ := net.Dial("tcp", addr)
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: h\r\n\r\n")
	<-started
	done := make(chan error, 1)
	go func() { done <- s.Shutdown(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || !resp.Close {
		t.Fatalf("in-flight request: %v %v", resp, err)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	idle.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err == nil {
		t.Error("idle connection still open after Shutdown")
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("listener still accepts after Shutdown")
	}
}

func TestIdleTimeout(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	s := &Server{Handler: echo, IdleTimeout: 100 * time.Millisecond}
	go s.Serve(ln)
	defer s.Close()
	c, _ := net.Dial("tcp", ln.Addr().String())
	defer c.Close()
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab") // stalls mid-body
	c.SetDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	io.ReadAll(c)
	if time.Since(start) > 3*time.Second {
		t.Errorf("a stalled request held the connection for %v", time.Since(start))
	}
}
