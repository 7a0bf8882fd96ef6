package reference

import (
	"io"
	"time"

	"github.com/kmsmac/kmsmac/internal/refmut"
	"github.com/kmsmac/kmsmac/reference/auth"
	"github.com/kmsmac/kmsmac/reference/limits"
	"github.com/kmsmac/kmsmac/reference/quota"
)

// Options configure a reference Service or Server. The zero value is usable.
type Options struct {
	Region string // default "us-east-1"
	// Regions are the Regions a Server serves, each with its own keys,
	// aliases and grants, chosen by the request's SigV4 scope (unsigned
	// requests: Region). Region is always served; nil: Region only.
	Regions []string
	Account string // default "111122223333"
	// Log receives one line per request (status, error code, operation,
	// duration); never key material or messages. Nil logs nothing.
	Log io.Writer
	// LogErrorsOnly limits Log to requests answered with an error (4xx,
	// 5xx), plus server errors such as panics.
	LogErrorsOnly bool
	// Transport is the HTTP server a Server runs: TransportH1 (the
	// default, "" too) or TransportNetHTTP. The Service does not care.
	Transport string
	// Principals are who may call a Server (SigV4 access keys, accounts);
	// nil means auth.Default(Account): test/test and the AWS docs' example
	// keys in Account. Every principal's account gets its own key store.
	Principals *auth.Config
	// AuthOff makes a Server accept any request, signed or not, as the
	// account itself (the reference before identities).
	AuthOff bool
	// Controls opens the KmsmacReference.* operations on a Server, to
	// signed requests of principals marked controller (never with AuthOff).
	// A Service called directly (Go) always has them.
	Controls bool
	// Now is the clock, for key creation dates and import expiry; nil means time.Now.
	// The KmsmacReference.AdvanceClock control moves the service's clock
	// ahead of it.
	Now func() time.Time
	// DataDir, when set, keeps the state in DataDir/kmsmac.db (bbolt) across
	// restarts; every change is on disk before its answer. Empty: memory only.
	DataDir string
	// Limits are the configurable quotas and server caps; zero: none.
	Limits limits.Limits
	// Quota is the request-rate quotas (reference/quota); zero: none. The
	// KmsmacReference.SetQuota control changes them while running.
	Quota quota.Config

	limiter *quota.Limiter // one per Server: every account's calls counted in it

	mut refmut.Mutation // checks removed, for the harness's mutation tests
}

func init() {
	refmut.Apply = func(o any, m refmut.Mutation) { o.(*Options).mut = m }
}

func (o Options) withDefaults() Options {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Account == "" {
		o.Account = "111122223333"
	}
	if o.Transport == "" {
		o.Transport = TransportH1
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.limiter == nil {
		o.limiter = quota.New(o.Quota, nil)
	}
	return o
}
