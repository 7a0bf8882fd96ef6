package h1

import (
	"bufio"
	"bytes"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
)

// common are canonical names of the headers clients send; one of these
// costs no allocation.
var common = []string{
	"Host", "Content-Type", "Content-Length", "X-Amz-Target", "X-Amz-Date",
	"Authorization", "User-Agent", "Accept-Encoding", "Accept", "Connection",
	"Amz-Sdk-Invocation-Id", "Amz-Sdk-Request", "X-Amz-Security-Token",
	"X-Amz-Content-Sha256", "Expect", "Transfer-Encoding",
}

func canonical(k []byte) string {
	for _, c := range common {
		if len(c) == len(k) && bytes.EqualFold(k, []byte(c)) {
			return c
		}
	}
	return textproto.CanonicalMIMEHeaderKey(string(k))
}

// readRequest parses the next request into c.req. A non-zero status is
// the refusal to send (and close) instead.
func (c *conn) readRequest() (int, string) {
	c.hb = c.hb[:0]
	type line struct{ k, v [2]int } // offsets into hb
	var lines [32]line
	hl := lines[:0]
	var reqLine [2]int
	limit := c.s.maxHeader()
	first := true
	for {
		start := len(c.hb)
		for {
			frag, err := c.br.ReadSlice('\n')
			c.hb = append(c.hb, frag...)
			if len(c.hb) > limit {
				return http.StatusRequestHeaderFieldsTooLarge, "431 Request Header Fields Too Large"
			}
			if err == nil {
				break
			}
			if err != bufio.ErrBufferFull {
				if len(c.hb) == 0 {
					return 0, "" // unreachable: serve peeked a byte
				}
				return http.StatusBadRequest, "400 Bad Request: truncated request"
			}
		}
		l := c.hb[start:]
		l = bytes.TrimSuffix(bytes.TrimSuffix(l, []byte("\n")), []byte("\r"))
		end := start + len(l)
		if first {
			if len(l) == 0 && start == 0 {
				c.hb = c.hb[:0] // RFC 9112 2.2: ignore a leading empty line
				continue
			}
			reqLine = [2]int{start, end}
			first = false
			continue
		}
		if len(l) == 0 {
			break
		}
		if l[0] == ' ' || l[0] == '\t' {
			return http.StatusBadRequest, "400 Bad Request: obsolete line folding"
		}
		i := bytes.IndexByte(l, ':')
		if i <= 0 || !validName(l[:i]) {
			return http.StatusBadRequest, "400 Bad Request: malformed header line"
		}
		vs, ve := start+i+1, end
		for vs < ve && (c.hb[vs] == ' ' || c.hb[vs] == '\t') {
			vs++
		}
		for ve > vs && (c.hb[ve-1] == ' ' || c.hb[ve-1] == '\t') {
			ve--
		}
		for _, b := range c.hb[vs:ve] {
			if b < 0x20 && b != '\t' || b == 0x7f {
				return http.StatusBadRequest, "400 Bad Request: invalid header value"
			}
		}
		hl = append(hl, line{k: [2]int{start, start + i}, v: [2]int{vs, ve}})
	}

	// One string holds every value; the header map points into it.
	blk := string(c.hb)
	rl := blk[reqLine[0]:reqLine[1]]
	method, rest, ok1 := strings.Cut(rl, " ")
	target, proto, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || method == "" || target == "" || !validMethod(method) {
		return http.StatusBadRequest, "400 Bad Request: malformed request line"
	}
	r := &c.req
	switch proto {
	case "HTTP/1.1":
		r.ProtoMinor = 1
	case "HTTP/1.0":
		r.ProtoMinor = 0
	default:
		if strings.HasPrefix(proto, "HTTP/") {
			return http.StatusHTTPVersionNotSupported, "505 HTTP Version Not Supported"
		}
		return http.StatusBadRequest, "400 Bad Request: malformed HTTP version"
	}
	r.Method, r.Proto, r.ProtoMajor, r.RequestURI = method, proto, 1, target
	if target == "/" {
		c.url = url.URL{Path: "/"}
		r.URL = &c.url
	} else {
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return http.StatusBadRequest, "400 Bad Request: malformed request target"
		}
		r.URL = u
	}

	clear(c.hdr)
	if cap(c.vals) < len(hl) {
		c.vals = make([]string, len(hl))
	}
	c.vals = c.vals[:len(hl)]
	for i, l := range hl {
		k := canonical(c.hb[l.k[0]:l.k[1]])
		c.vals[i] = blk[l.v[0]:l.v[1]]
		if old, ok := c.hdr[k]; ok {
			c.hdr[k] = append(old[:len(old):len(old)], c.vals[i])
			continue
		}
		c.hdr[k] = c.vals[i : i+1 : i+1]
	}
	r.Header = c.hdr
	r.RemoteAddr = c.remote
	r.Trailer = nil
	r.Form, r.PostForm, r.MultipartForm = nil, nil, nil

	// Host: required in HTTP/1.1, one value, moved out of the map as
	// net/http does.
	hosts := c.hdr["Host"]
	if len(hosts) > 1 || (r.ProtoMinor == 1 && len(hosts) == 0) {
		return http.StatusBadRequest, "400 Bad Request: missing or repeated Host header"
	}
	r.Host = ""
	if len(hosts) == 1 {
		r.Host = hosts[0]
	}
	delete(c.hdr, "Host")

	r.Close = shouldClose(r.ProtoMinor, c.hdr["Connection"])
	c.body = body{br: c.br}
	r.Body = &c.body
	r.TransferEncoding = nil
	te, cl := c.hdr["Transfer-Encoding"], c.hdr["Content-Length"]
	switch {
	case len(te) > 0:
		if len(cl) > 0 {
			return http.StatusBadRequest, "400 Bad Request: both Transfer-Encoding and Content-Length"
		}
		if len(te) != 1 || !strings.EqualFold(te[0], "chunked") || r.ProtoMinor == 0 {
			return http.StatusNotImplemented, "501 Not Implemented: unsupported transfer encoding"
		}
		r.TransferEncoding = chunked
		r.ContentLength = -1
		c.body.chunked = httputil.NewChunkedReader(c.br)
		delete(c.hdr, "Transfer-Encoding")
	case len(cl) > 0:
		n, err := strconv.ParseInt(cl[0], 10, 64)
		for _, v := range cl[1:] {
			if v != cl[0] {
				err = strconv.ErrSyntax
			}
		}
		if err != nil || n < 0 || cl[0][0] == '+' {
			return http.StatusBadRequest, "400 Bad Request: bad Content-Length"
		}
		r.ContentLength, c.body.n = n, n
	default:
		r.ContentLength = 0
	}

	if ex := c.hdr["Expect"]; len(ex) > 0 {
		if len(ex) != 1 || !strings.EqualFold(ex[0], "100-continue") {
			return http.StatusExpectationFailed, "417 Expectation Failed"
		}
		// Eager: the transport reads every body it accepts.
		if r.ProtoMinor == 1 && r.ContentLength != 0 {
			c.rwc.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
		}
		// Kept in the header, as net/http does: a signature may cover it.
	}
	return 0, ""
}

var chunked = []string{"chunked"}

func shouldClose(minor int, conn []string) bool {
	for _, v := range conn {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			if strings.EqualFold(t, "close") {
				return true
			}
			if minor == 0 && strings.EqualFold(t, "keep-alive") {
				return false
			}
		}
	}
	return minor == 0
}

// tchar of RFC 9110 5.6.2.
func isTchar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

func validName(b []byte) bool {
	for _, c := range b {
		if !isTchar(c) {
			return false
		}
	}
	return true
}

func validMethod(m string) bool {
	for i := 0; i < len(m); i++ {
		if !isTchar(m[i]) {
			return false
		}
	}
	return true
}
