package reference

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/kmsmac/kmsmac/internal/refmut"
	"github.com/kmsmac/kmsmac/reference/auth"
	"github.com/kmsmac/kmsmac/reference/awsjson"
	"github.com/kmsmac/kmsmac/reference/h1"
	"github.com/kmsmac/kmsmac/reference/limits"
)

// Server is the reference endpoint on HTTP: a Service behind the awsJson1_1
// transport, for `kmsmac serve` and for other projects' Go tests, the way
// httptest.NewServer is used:
//
//	srv := reference.NewServer(reference.Options{})
//	defer srv.Close()
//	client := kms.NewFromConfig(cfg, func(o *kms.Options) {
//		o.BaseEndpoint = aws.String(srv.URL())
//	})
//
// It speaks plain HTTP and checks SigV4 signatures against Options.Principals
// (by default test/test and the AWS docs' example keys work); AuthOff
// accepts any credentials. Each Server has its own empty key stores.
type Server struct {
	svc   *Service  // the default account's
	accts *accounts // every account's Service
	ln    net.Listener
	hs    httpServer
	url   string
	done  chan struct{} // closed when Serve returns

	sweeper func() // stops the deletion-window sweeper

	closeOnce sync.Once
	closeErr  error
}

// httpServer is what Server needs of net/http's server and of h1's.
type httpServer interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
	Close() error
}

// The transports a Server can run (Options.Transport).
const (
	// TransportH1 is reference/h1, the lean HTTP/1.1 server: the default.
	TransportH1 = "h1"
	// TransportNetHTTP is net/http's server (HTTP/1.1 only, as h1): the
	// fallback, and the yardstick h1 is measured against.
	TransportNetHTTP = "net/http"
)

// Timeouts and limits of the HTTP server. Requests are small (the transport
// caps bodies at awsjson.DefaultMaxBody), so slow clients are cut off early.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	shutdownTimeout   = 5 * time.Second
)

// NewServer starts a Server on 127.0.0.1 and a free port. Like
// httptest.NewServer it panics if it cannot listen; use Start to get an
// error instead.
func NewServer(opts Options) *Server {
	s, err := Start("127.0.0.1:0", opts)
	if err != nil {
		panic(fmt.Sprintf("reference: failed to listen on a port: %v", err))
	}
	return s
}

// Start starts a Server listening on addr (host:port; port 0 picks a free
// one). The server runs until Close.
func Start(addr string, opts Options) (*Server, error) {
	opts = opts.withDefaults()
	if opts.Principals == nil {
		opts.Principals = auth.Default(opts.Account)
	}
	accts, err := newAccounts(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		accts.Close()
		return nil, err
	}
	if n := opts.Limits.MaxConnections; n > 0 {
		ln = limits.Listener(ln, n)
	}
	errLog := opts.Log
	if errLog == nil {
		errLog = io.Discard
	}
	svc := accts.def
	hopts := awsjson.HandlerOptions{Log: opts.Log, LogErrorsOnly: opts.LogErrorsOnly, MaxBody: opts.Limits.MaxBodyBytes}
	if !opts.AuthOff {
		v := auth.NewVerifier(opts.Principals, opts.Region, nil) // clients sign with the real clock, whatever Now says
		v.Regions = opts.Regions
		v.SkipSignature = opts.mut&refmut.SkipSignature != 0
		v.AllowUnsigned = opts.mut&refmut.AllowUnsigned != 0
		hopts.Authenticate = v.Authenticate
	}
	handler := awsjson.NewHandler(accts, hopts)
	var hs httpServer
	switch opts.Transport {
	case TransportNetHTTP:
		hs = &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: readHeaderTimeout,
			ReadTimeout:       readTimeout,
			WriteTimeout:      writeTimeout,
			IdleTimeout:       idleTimeout,
			MaxHeaderBytes:    maxHeaderBytes,
			ErrorLog:          log.New(errLog, "http: ", 0),
		}
	case TransportH1:
		hs = &h1.Server{
			Handler:        handler,
			IdleTimeout:    idleTimeout,
			MaxHeaderBytes: maxHeaderBytes,
			ErrorLog:       log.New(errLog, "http: ", 0),
		}
	default:
		ln.Close()
		return nil, fmt.Errorf("reference: unknown transport %q (want %q or %q)", opts.Transport, TransportH1, TransportNetHTTP)
	}
	s := &Server{
		svc:   svc,
		accts: accts,
		ln:    ln,
		hs:    hs,
		url:   "http://" + urlHost(ln.Addr()),
		done:  make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		s.hs.Serve(ln) // returns ErrServerClosed on Close
	}()
	s.sweeper = accts.startSweepers()
	return s, nil
}

// urlHost is the host:port a client should dial: a server on an unspecified
// address (":4599", "0.0.0.0:4599", "[::]:4599") is reachable on loopback.
func urlHost(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := ta.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(ta.Port))
}

// URL is the endpoint's base URL, e.g. http://127.0.0.1:41234, for an SDK's
// BaseEndpoint or the aws CLI's --endpoint-url.
func (s *Server) URL() string { return s.url }

// Addr is the address the server listens on, as bound (e.g. 0.0.0.0:4599
// or [::]:4599 for every interface), where URL gives one a client can dial.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Service is the Service of the server's own account (Options.Account),
// for direct calls and controls.
func (s *Server) Service() *Service { return s.svc }

// Close stops the server: it stops accepting, lets requests in flight finish
// (up to a few seconds), then closes every connection. It is safe to call
// more than once; later calls return the first result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		err := s.hs.Shutdown(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = s.hs.Close()
		}
		<-s.done
		s.sweeper()
		if cerr := s.accts.Close(); err == nil {
			err = cerr
		}
		s.closeErr = err
	})
	return s.closeErr
}
