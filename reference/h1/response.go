package h1

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// response buffers the whole answer and writes it with one write when the
// handler returns (or when the buffer passes flushAt).
type response struct {
	c          *conn
	hdr        http.Header
	status     int
	wrote      bool // WriteHeader called
	headSent   bool // status line and header on the wire (a large body)
	head       bool // a HEAD request: no body on the wire
	minor      int
	contentLen int64  // from the handler's Content-Length, or -1
	buf        []byte // body not yet written
	out        []byte // head + body, the one write
	bodyStart  int
	written    int64
	err        error
}

const flushAt = 64 << 10

func (w *response) reset(head bool, minor int) {
	clear(w.hdr)
	w.status, w.wrote, w.headSent, w.head, w.minor = 0, false, false, head, minor
	w.contentLen, w.written, w.err = -1, 0, nil
	w.buf = w.buf[:0]
	w.bodyStart = 0
}

func (w *response) Header() http.Header { return w.hdr }

func (w *response) WriteHeader(code int) {
	if w.wrote {
		return
	}
	if code < 100 || code > 999 {
		panic("h1: invalid WriteHeader code " + strconv.Itoa(code))
	}
	if code < 200 {
		return // 1xx from a handler: not supported, ignored
	}
	w.wrote, w.status = true, code
	if cl := w.hdr.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			w.contentLen = n
		}
	}
}

func (w *response) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.err != nil {
		return 0, w.err
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if w.contentLen >= 0 && w.written+int64(len(p)) > w.contentLen {
		return 0, http.ErrContentLength
	}
	w.written += int64(len(p))
	if w.head {
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	if len(w.buf) >= flushAt && w.contentLen >= 0 {
		// A large body with a known length streams; one without a length
		// stays buffered so its length can be sent.
		err := w.flush(true)
		w.err = err
		if err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func bodyAllowed(status int) bool {
	return status != http.StatusNoContent && status != http.StatusNotModified && status >= 200
}

// flush writes the head (the first time) and the buffered body in one write.
func (w *response) flush(keep bool) error {
	w.out = w.out[:0]
	if !w.headSent {
		w.out = w.appendHead(w.out, keep)
		w.headSent = true
	}
	w.out = append(w.out, w.buf...)
	w.buf = w.buf[:0]
	_, err := w.c.rwc.Write(w.out)
	return err
}

// appendHead appends the status line and header.
func (w *response) appendHead(h []byte, keep bool) []byte {
	h = append(h, "HTTP/1.1 "...)
	h = strconv.AppendInt(h, int64(w.status), 10)
	h = append(h, ' ')
	h = append(h, http.StatusText(w.status)...)
	h = append(h, "\r\n"...)
	for k, vs := range w.hdr {
		if k == "Connection" {
			continue
		}
		for _, v := range vs {
			h = append(h, k...)
			h = append(h, ": "...)
			h = appendClean(h, v)
			h = append(h, "\r\n"...)
		}
	}
	if _, ok := w.hdr["Date"]; !ok {
		h = append(h, "Date: "...)
		h = append(h, date()...)
		h = append(h, "\r\n"...)
	}
	if _, ok := w.hdr["Content-Length"]; !ok && bodyAllowed(w.status) {
		h = append(h, "Content-Length: "...)
		h = strconv.AppendInt(h, w.written, 10)
		h = append(h, "\r\n"...)
	}
	if !keep {
		h = append(h, "Connection: close\r\n"...)
	} else if w.minor == 0 {
		h = append(h, "Connection: keep-alive\r\n"...)
	}
	return append(h, "\r\n"...)
}

// finish writes whatever is buffered; false when the connection broke or
// the handler wrote less than its Content-Length.
func (w *response) finish(keep bool) bool {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.err != nil {
		return false
	}
	short := w.contentLen >= 0 && w.written != w.contentLen && !w.head
	if short {
		keep = false
	}
	if !w.headSent || len(w.buf) > 0 {
		if err := w.flush(keep); err != nil {
			return false
		}
	}
	if cap(w.out) > flushAt*2 {
		w.buf, w.out = nil, nil // one huge answer must not pin memory
	}
	return !short
}

// appendClean appends a header value with CR and LF replaced by spaces, as
// net/http does, so a value cannot split the header.
func appendClean(dst []byte, v string) []byte {
	if !strings.ContainsAny(v, "\r\n") {
		return append(dst, v...)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}

// date is the Date header value, formatted at most once a second.
func date() string {
	now := time.Now().Unix()
	if d := cachedDate.Load(); d != nil && d.sec == now {
		return d.s
	}
	d := &dateValue{sec: now, s: time.Unix(now, 0).UTC().Format(http.TimeFormat)}
	cachedDate.Store(d)
	return d.s
}

type dateValue struct {
	sec int64
	s   string
}

var cachedDate atomic.Pointer[dateValue]
