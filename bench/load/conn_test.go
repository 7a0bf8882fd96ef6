package load

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// scripted serves each connection with the canned responses in turn, one
// per request read, then closes it after closeAfter responses (0: never).
func scripted(t *testing.T, responses []string, closeAfter int) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		next := 0
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				br := bufio.NewReader(c)
				for n := 0; closeAfter == 0 || n < closeAfter; n++ {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					resp := responses[next%len(responses)]
					next++
					io.WriteString(c, resp)
				}
			}(c)
		}
	}()
	return ln.Addr().String()
}

func TestH1Conn(t *testing.T) {
	req := []byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
	for _, c := range []struct {
		name       string
		resp       string
		closeAfter int
		status     int
		body       string
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 0, 200, `{"a":1}`},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4;x=y\r\n\":1}\r\n0\r\n\r\n", 0, 200, `{"a":1}`},
		{"close-delimited", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"b\":2}", 1, 200, `{"b":2}`},
		{"server closes after each", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 1, 200, `{}`},
		{"error type header", "HTTP/1.1 400 Bad Request\r\nx-amzn-ErrorType: ThrottlingException:http://x/\r\nContent-Length: 0\r\n\r\n", 0, 400, `{"__type":"ThrottlingException:http://x/"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := &h1conn{addr: scripted(t, []string{c.resp}, c.closeAfter)}
			defer h.close()
			var buf bytes.Buffer
			for i := range 3 { // several requests: keep-alive, or redial after a close
				status, err := h.do(req, &buf)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if status != c.status || buf.String() != c.body {
					t.Fatalf("request %d: %d %q, want %d %q", i, status, buf.String(), c.status, c.body)
				}
			}
			if c.status == 400 && errorCode(buf.Bytes(), 400) != "ThrottlingException" {
				t.Errorf("code %q", errorCode(buf.Bytes(), 400))
			}
		})
	}
	for _, bad := range []string{"garbage\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"} {
		h := &h1conn{addr: scripted(t, []string{bad}, 0)}
		var buf bytes.Buffer
		if _, err := h.do(req, &buf); err == nil {
			t.Errorf("%q accepted", strings.TrimSpace(bad))
		}
		h.close()
	}
}
