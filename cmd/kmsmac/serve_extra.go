package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/spf13/pflag"

	"github.com/kmsmac/kmsmac/reference/quota"
)

// quotaFlags adds serve's request-rate quota flags; the result reads them
// once parsed. The rates are configuration, not AWS's numbers (AMB-14).
func quotaFlags(fs *pflag.FlagSet) func() (quota.Config, error) {
	var c quota.Config
	var burst int
	fs.Float64Var(&c.Crypto.PerSecond, "quota-crypto", 0, "cryptographic requests per second per calling account (GenerateMac, VerifyMac, Encrypt, ...); more are answered ThrottlingException (0: no quota)")
	fs.Float64Var(&c.Manage.PerSecond, "quota-manage", 0, "key-management requests per second per calling account (0: no quota)")
	fs.Float64Var(&c.HotKey.PerSecond, "quota-hot-key", 0, "state changes per second of any one key (EnableKey, DisableKey, TagResource, ...) (0: no quota)")
	fs.IntVar(&burst, "quota-burst", 0, "requests a quota lets through at once (0: one second's worth)")
	return func() (quota.Config, error) {
		c.Crypto.Burst, c.Manage.Burst, c.HotKey.Burst = burst, burst, burst
		return c, c.Validate()
	}
}

// startDebug serves /debug/pprof on addr (loopback only) for soak runs to
// read goroutines and heap; "" serves nothing.
func startDebug(ctx context.Context, addr string) (url string, stop func(), err error) {
	if addr == "" {
		return "", func() {}, nil
	}
	if host, far := nonLoopback(ctx, addr); far {
		return "", nil, fmt.Errorf("--debug-addr %s would listen on %s; the profiles are for this machine only", addr, host)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("--debug-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

func quotaErr(read func() (quota.Config, error)) error {
	_, err := read()
	return err
}
