// Package h1 is a lean HTTP/1.1 server for an http.Handler: the reference
// endpoint's default transport. It exists because net/http's server costs
// the reference more than KMS semantics do (issue 14): a 4 KiB read buffer
// that splits a 6 KB request into three reads, a goroutine per request for
// the background read, a context and response writer per request. Here a
// connection is one goroutine with a 16 KiB buffer; the request, its header
// map and the response writer are reused, and a response is one write.
//
// What it serves: HTTP/1.0 and 1.1 requests with a Content-Length or a
// chunked body, keep-alive and pipelining, Expect: 100-continue, HEAD.
// Anything else gets the status net/http would send (400, 413, 431, 501,
// 505) and the connection is closed. No TLS, no HTTP/2, no Hijack or Flush.
//
// The one thing callers get wrong: the *http.Request, its Header and the
// ResponseWriter are reused for the connection's next request. A handler
// must not keep them (or the Header's strings' slices) after it returns;
// the awsjson handler does not.
package h1

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Server serves HTTP/1.1 on a listener. Set the fields before Serve.
type Server struct {
	Handler http.Handler
	// IdleTimeout bounds the wait for a request and the time to read it
	// (header and body) and write its answer; 0 means 2 minutes.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the request line and header; 0 means 64 KiB.
	MaxHeaderBytes int
	// ErrorLog receives handler panics; nil logs nothing.
	ErrorLog *log.Logger

	mu       sync.Mutex
	ln       net.Listener
	conns    map[*conn]struct{}
	closing  atomic.Bool
	wg       sync.WaitGroup
	baseCtx  context.Context
	cancel   context.CancelFunc
	initOnce sync.Once
}

// ErrServerClosed is what Serve returns after Shutdown or Close.
var ErrServerClosed = http.ErrServerClosed

func (s *Server) init() {
	s.initOnce.Do(func() {
		s.conns = map[*conn]struct{}{}
		s.baseCtx, s.cancel = context.WithCancel(context.Background())
	})
}

// Serve accepts connections on ln until Shutdown or Close.
func (s *Server) Serve(ln net.Listener) error {
	s.init()
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	if s.closing.Load() {
		ln.Close()
		return ErrServerClosed
	}
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				// Out of file descriptors and the like: back off, as net/http does.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		cn := newConn(s, c)
		s.mu.Lock()
		if s.closing.Load() {
			s.mu.Unlock()
			c.Close()
			return ErrServerClosed
		}
		s.conns[cn] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go cn.serve()
	}
}

func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// stopAccepting marks the server closing and closes its listener (what
// Shutdown and Close begin with).
func (s *Server) stopAccepting() error {
	s.init()
	s.closing.Store(true)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return s.ln.Close()
	}
	return nil
}

// Shutdown stops accepting, closes idle connections, and waits for the
// requests in flight until ctx ends (then it returns ctx.Err()).
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.stopAccepting()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.closeConns(true)
		select {
		case <-done:
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Close stops accepting and closes every connection at once.
func (s *Server) Close() error {
	err := s.stopAccepting()
	s.cancel()
	s.closeConns(false)
	s.wg.Wait()
	return err
}

func (s *Server) closeConns(idleOnly bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if !idleOnly || c.idle.Load() {
			c.rwc.Close()
		}
	}
}

func (s *Server) idleTimeout() time.Duration {
	if s.IdleTimeout > 0 {
		return s.IdleTimeout
	}
	return 2 * time.Minute
}

func (s *Server) maxHeader() int {
	if s.MaxHeaderBytes > 0 {
		return s.MaxHeaderBytes
	}
	return 64 << 10
}

// conn is one client connection and everything it reuses.
type conn struct {
	s    *Server
	rwc  net.Conn
	br   *bufio.Reader
	idle atomic.Bool

	req    http.Request
	url    url.URL
	hdr    http.Header
	hb     []byte   // the header block, copied out of br
	vals   []string // backing store of the header values
	body   body
	w      response
	remote string
}

func newConn(s *Server, c net.Conn) *conn {
	cn := &conn{s: s, rwc: c, br: bufio.NewReaderSize(c, 16<<10), hdr: make(http.Header, 16), remote: c.RemoteAddr().String()}
	cn.idle.Store(true)
	cn.w.hdr = make(http.Header, 8)
	cn.w.c = cn
	return cn
}

func (c *conn) serve() {
	ctx, cancel := context.WithCancel(c.s.baseCtx)
	defer func() {
		cancel()
		c.rwc.Close()
		c.s.mu.Lock()
		delete(c.s.conns, c)
		c.s.mu.Unlock()
		c.s.wg.Done()
	}()
	c.req = *c.req.WithContext(ctx)
	for !c.s.closing.Load() {
		c.idle.Store(true)
		c.rwc.SetDeadline(time.Now().Add(c.s.idleTimeout()))
		if _, err := c.br.Peek(1); err != nil {
			return
		}
		c.idle.Store(false)
		status, msg := c.readRequest()
		if status != 0 {
			c.refuse(status, msg)
			c.lingerClose()
			return
		}
		if !c.serveOne() {
			c.lingerClose()
			return
		}
	}
}

// lingerTime bounds how long a closing connection waits for its client.
const lingerTime = 500 * time.Millisecond

// lingerClose ends a connection the server chose to close after answering,
// as net/http does: closing with unread bytes in the socket (the rest of an
// oversized body) sends a reset, and the client loses the answer while it
// is still writing. So: half-close, read and discard what the client still
// sends until it closes too, for at most lingerTime and 4 MiB.
func (c *conn) lingerClose() {
	cw, ok := c.rwc.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		return
	}
	c.rwc.SetReadDeadline(time.Now().Add(lingerTime))
	io.CopyN(io.Discard, c.rwc, 4<<20)
}

// refuse answers a request that cannot be parsed, the way net/http does,
// and the connection closes.
func (c *conn) refuse(status int, msg string) {
	b := []byte("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) +
		"\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: " +
		strconv.Itoa(len(msg)) + "\r\n\r\n" + msg)
	c.rwc.Write(b)
}

// serveOne runs the handler on the parsed request and writes the answer;
// false means the connection must close.
func (c *conn) serveOne() (keep bool) {
	w := &c.w
	w.reset(c.req.Method == http.MethodHead, c.req.ProtoMinor)
	defer func() {
		if p := recover(); p != nil {
			if p != http.ErrAbortHandler && c.s.ErrorLog != nil {
				c.s.ErrorLog.Printf("h1: panic serving %s: %v", c.remote, p)
			}
			keep = false
		}
	}()
	c.s.Handler.ServeHTTP(w, &c.req)
	keep = !c.req.Close && !c.s.closing.Load()
	// The rest of an unread body must go before the next request can be
	// read; a large rest is not worth reading, so the connection closes.
	if !c.body.drain() {
		keep = false
	}
	if w.hdr.Get("Connection") == "close" {
		keep = false
	}
	return w.finish(keep) && keep
}

// body is the request body: Content-Length bytes of br, or a chunked reader.
type body struct {
	br      *bufio.Reader
	n       int64     // bytes left with a Content-Length
	chunked io.Reader // non-nil for chunked bodies
	err     error
}

func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.chunked != nil {
		n, err := b.chunked.Read(p)
		if err != nil {
			b.err = err
		}
		return n, err
	}
	if b.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.br.Read(p)
	b.n -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		b.err = err
	}
	return n, err
}

func (*body) Close() error { return nil }

// drain discards what the handler left unread, up to 256 KiB; false when
// more is left or the body was broken.
func (b *body) drain() bool {
	if b.err != nil && b.err != io.EOF {
		return false
	}
	n, err := io.CopyN(io.Discard, b, 256<<10+1)
	return n <= 256<<10 && (err == nil || err == io.EOF)
}
