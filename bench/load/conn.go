package load

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// h1conn is the raw client's fast path for plain-HTTP endpoints: one
// keep-alive HTTP/1.1 connection per worker, the whole request written with
// one write from pre-built bytes, the response parsed in place. It costs a
// fraction of net/http's client (no goroutine hand-offs, no header maps),
// which matters when driver and server share a small machine, as wrk does.
type h1conn struct {
	addr   string
	c      net.Conn
	br     *bufio.Reader
	served int // requests answered on c
}

// requestBytes serialises a prepared request for h1conn.
func requestBytes(p *prepared) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST / HTTP/1.1\r\nHost: %s\r\n", p.tmpl.URL.Host)
	keys := make([]string, 0, len(p.tmpl.Header))
	for k := range p.tmpl.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range p.tmpl.Header[k] {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(p.body))
	b.Write(p.body)
	return b.Bytes()
}

const ioTimeout = 30 * time.Second

// do sends req and reads the response body into buf. A request on a reused
// connection that the server had closed is retried once on a new one.
func (h *h1conn) do(req []byte, buf *bytes.Buffer) (int, error) {
	status, fresh, err := h.try(req, buf)
	if err != nil && !fresh && errors.Is(err, errStale) {
		status, _, err = h.try(req, buf)
	}
	return status, err
}

var errStale = errors.New("connection closed by the server")

func (h *h1conn) try(req []byte, buf *bytes.Buffer) (status int, fresh bool, err error) {
	if h.c == nil {
		c, err := net.DialTimeout("tcp", h.addr, 10*time.Second)
		if err != nil {
			return 0, true, err
		}
		h.c, h.served, fresh = c, 0, true
		if h.br == nil {
			h.br = bufio.NewReaderSize(c, 16<<10)
		} else {
			h.br.Reset(c)
		}
	}
	defer func() {
		if err != nil {
			h.close()
		}
	}()
	h.c.SetDeadline(time.Now().Add(ioTimeout))
	if _, err := h.c.Write(req); err != nil {
		if h.served > 0 {
			return 0, fresh, errStale
		}
		return 0, fresh, err
	}
	line, err := h.br.ReadSlice('\n')
	if err != nil {
		// Nothing read on a reused connection: the server closed it
		// while idle (EOF, or a reset); GenerateMac and VerifyMac are
		// idempotent, so one retry on a new connection is safe.
		if h.served > 0 && len(line) == 0 {
			return 0, fresh, errStale
		}
		return 0, fresh, err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, fresh, fmt.Errorf("bad status line %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fresh, fmt.Errorf("bad status line %q", line)
	}
	length, chunked, closing := -1, false, false
	var errType []byte
	for {
		line, err := h.br.ReadSlice('\n')
		if err != nil {
			return 0, fresh, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		v = bytes.TrimSpace(v)
		switch {
		case asciiEqualFold(k, "content-length"):
			if length, err = strconv.Atoi(string(v)); err != nil || length < 0 {
				return 0, fresh, fmt.Errorf("bad Content-Length %q", v)
			}
		case asciiEqualFold(k, "transfer-encoding"):
			chunked = asciiEqualFold(v, "chunked")
		case asciiEqualFold(k, "connection"):
			closing = asciiEqualFold(v, "close")
		case asciiEqualFold(k, "x-amzn-errortype"):
			errType = append(errType[:0], v...)
		}
	}
	buf.Reset()
	switch {
	case chunked:
		err = readChunked(h.br, buf)
	case length >= 0:
		buf.Grow(length)
		_, err = io.CopyN(buf, h.br, int64(length))
	default:
		_, err = buf.ReadFrom(h.br) // the body ends with the connection
		closing = true
	}
	if err != nil {
		return 0, fresh, err
	}
	if status != http.StatusOK && errType != nil && !bytes.Contains(buf.Bytes(), []byte("__type")) {
		b := fmt.Appendf(nil, `{"__type":%q}`, errType)
		buf.Reset()
		buf.Write(b)
	}
	h.served++
	if closing {
		h.close()
	}
	return status, fresh, nil
}

func readChunked(br *bufio.Reader, buf *bytes.Buffer) error {
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		line = bytes.TrimRight(line, "\r\n")
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 32)
		if err != nil || n < 0 {
			return fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			// Trailers, then the empty line.
			for {
				l, err := br.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimRight(l, "\r\n")) == 0 {
					return nil
				}
			}
		}
		if _, err := io.CopyN(buf, br, n); err != nil {
			return err
		}
		if _, err := br.Discard(2); err != nil { // CRLF after the chunk
			return err
		}
	}
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

func (h *h1conn) close() {
	if h.c != nil {
		h.c.Close()
		h.c = nil
	}
}

// connSet closes every worker's connection at the end of a run.
type connSet struct {
	mu    sync.Mutex
	conns []*h1conn
}

func (s *connSet) add(c *h1conn) {
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
}

func (s *connSet) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.close()
	}
	s.conns = nil
}
