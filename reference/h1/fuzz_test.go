package h1

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzConn feeds arbitrary bytes to one connection: the server must answer
// or close, never panic or hang, and every answer must parse as HTTP.
func FuzzConn(f *testing.F) {
	for _, s := range []string{
		"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}",
		"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"GET /?q=%zz HTTP/1.1\r\nHost: h\r\n\r\n",
		"POST / HTTP/1.0\r\n\r\nPOST / HTTP/1.1\r\n\r\n",
		"\r\n\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx",
	} {
		f.Add([]byte(s))
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		w.Write(b)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	s := &Server{Handler: h, IdleTimeout: 2 * time.Second, MaxHeaderBytes: 4 << 10}
	go s.Serve(ln)
	defer s.Close()
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		go func() { c.Write(in); c.(*net.TCPConn).CloseWrite() }()
		// The server answers what it can and then closes: the input ended.
		out, err := io.ReadAll(c)
		if err != nil && !strings.Contains(err.Error(), "reset") {
			t.Fatalf("reading the answers: %v (a hang ends in a timeout)", err)
		}
		if len(out) > 0 && !strings.HasPrefix(string(out), "HTTP/1.1 ") {
			t.Fatalf("answer is not HTTP: %.80q", out)
		}
	})
}
