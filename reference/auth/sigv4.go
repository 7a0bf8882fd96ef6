package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kmsmac/kmsmac/reference/awsjson"
)

// MaxSkew is how far a request's X-Amz-Date may be from the server's clock
// (SIG-4).
const MaxSkew = 5 * time.Minute

const (
	algorithm  = "AWS4-HMAC-SHA256"
	amzDate    = "20060102T150405Z"
	service    = "kms"
	msgBadSig  = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgBadKey  = "The security token included in the request is invalid."
	msgMissing = "Missing Authentication Token"
)

// Verifier checks Signature Version 4 on requests to one region. The
// signature is recomputed by the AWS SDK's own signer over the headers the
// client said it signed, so the canonicalisation is the SDK's, not ours.
type Verifier struct {
	Config *Config
	Region string
	// Regions are further Regions served on the same endpoint; a scope of
	// any other Region is SIG-4.
	Regions []string
	Now     func() time.Time // nil: time.Now
	// SkipSignature (mutation tests only) takes the caller from the
	// access key id, or the first principal, and checks nothing else.
	SkipSignature bool
	// AllowUnsigned (mutation tests only) runs an unsigned request as the
	// first principal instead of refusing it (SIG-1).
	AllowUnsigned bool

	// signers holds one SDK signer per access key id: the SDK caches one
	// derived key per region and service, so a shared signer would derive
	// again whenever the caller changes.
	signers sync.Map // access key id -> *v4.Signer
}

// NewVerifier returns a Verifier for region with principals c.
func NewVerifier(c *Config, region string, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{Config: c, Region: region, Now: now}
}

// Authenticate is an awsjson.HandlerOptions.Authenticate: the caller's
// principal in the context, or the SIG-1..4 error.
func (v *Verifier) Authenticate(r *http.Request, body []byte) (context.Context, error) {
	p, region, err := v.verify(r, body)
	if err != nil {
		return nil, err
	}
	ctx := WithCaller(r.Context(), p)
	if len(v.Regions) > 0 { // one Region: nothing to choose, no allocation
		ctx = WithRegion(ctx, region)
	}
	return ctx, nil
}

func sigErr(msg string) *awsjson.Error {
	return awsjson.ClientError("InvalidSignatureException", msg)
}

// authHeader is a parsed Authorization header.
type authHeader struct {
	keyID, date, region, service string
	signed                       string // "host;x-amz-date;..." as sent
	signature                    string
}

// eachSigned calls f with each signed header name (no slice built: this
// runs on every request).
func (a *authHeader) eachSigned(f func(string)) {
	for rest := a.signed; rest != ""; {
		var name string
		name, rest, _ = strings.Cut(rest, ";")
		f(name)
	}
}

func parseAuth(h string) (authHeader, *awsjson.Error) {
	var a authHeader
	rest, ok := strings.CutPrefix(h, algorithm+" ")
	if !ok {
		return a, awsjson.ClientError("IncompleteSignatureException", "Authorization header must use the "+algorithm+" algorithm.")
	}
	var cred, signed string
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = val
		case "SignedHeaders":
			signed = val
		case "Signature":
			a.signature = val
		}
	}
	var c [5]string
	n := 0
	for r := cred; n < len(c); n++ {
		var ok bool
		if c[n], r, ok = strings.Cut(r, "/"); !ok {
			n++
			if r != "" {
				n = 0 // more than five parts
			}
			break
		}
	}
	if n != 5 || c[4] != "aws4_request" || c[0] == "" || signed == "" || a.signature == "" {
		return a, awsjson.ClientError("IncompleteSignatureException",
			"Authorization header requires 'Credential' (<key id>/<date>/<region>/<service>/aws4_request), 'SignedHeaders' and 'Signature' parameters. Authorization="+awsjson.Safe(h))
	}
	a.keyID, a.date, a.region, a.service = c[0], c[1], c[2], c[3]
	a.signed = signed
	return a, nil
}

// Verify returns the principal that signed r, or the error KMS answers.
// Order: signature present (SIG-1), access key known (SIG-3), scope and
// signed headers (SIG-4), time (SIG-4), signature (SIG-2).
func (v *Verifier) Verify(r *http.Request, body []byte) (*Principal, error) {
	p, _, err := v.verify(r, body)
	return p, err
}

// verify is Verify that also returns the credential scope's Region.
func (v *Verifier) verify(r *http.Request, body []byte) (*Principal, string, error) {
	p, a, err := v.verifyHeader(r, body)
	return p, a.region, err
}

func (v *Verifier) verifyHeader(r *http.Request, body []byte) (*Principal, authHeader, error) {
	h := r.Header.Get("Authorization")
	if v.SkipSignature {
		a, _ := parseAuth(h)
		if !v.serves(a.region) {
			a.region = v.Region
		}
		if p, ok := v.Config.Lookup(a.keyID); ok {
			return p, a, nil
		}
		return v.Config.Principals[0], a, nil
	}
	if h == "" {
		if v.AllowUnsigned {
			return v.Config.Principals[0], authHeader{region: v.Region}, nil
		}
		return nil, authHeader{}, awsjson.ClientError("MissingAuthenticationTokenException", msgMissing)
	}
	a, aerr := parseAuth(h)
	if aerr != nil {
		return nil, a, aerr
	}
	p, ok := v.Config.Lookup(a.keyID)
	if !ok {
		return nil, a, awsjson.ClientError("UnrecognizedClientException", msgBadKey)
	}
	if !v.serves(a.region) {
		return nil, a, sigErr("Credential should be scoped to a valid region, not '" + awsjson.Safe(a.region) + "'. ")
	}
	if a.service != service {
		return nil, a, sigErr("Credential should be scoped to correct service: '" + service + "'. ")
	}
	var host, date, length bool
	a.eachSigned(func(s string) {
		switch s {
		case "host":
			host = true
		case "x-amz-date":
			date = true
		case "content-length":
			length = true
		}
	})
	if !host {
		return nil, a, sigErr("'Host' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if !date {
		return nil, a, sigErr("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
	}
	raw := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDate, raw)
	if err != nil {
		return nil, a, awsjson.ClientError("IncompleteSignatureException", "X-Amz-Date "+strconv.Quote(awsjson.Safe(raw))+" is not an ISO 8601 basic date-time (YYYYMMDDTHHMMSSZ).")
	}
	now := v.Now().UTC()
	switch {
	case t.Before(now.Add(-MaxSkew)):
		return nil, a, sigErr("Signature expired: " + raw + " is now earlier than " + now.Add(-MaxSkew).Format(amzDate) + " (" + now.Format(amzDate) + " - 5 min.)")
	case t.After(now.Add(MaxSkew)):
		return nil, a, sigErr("Signature not yet current: " + raw + " is still later than " + now.Add(MaxSkew).Format(amzDate) + " (" + now.Format(amzDate) + " + 5 min.)")
	}

	// The request as the client signed it: only its signed headers. The
	// copy, its URL and header map are pooled (this runs on every request).
	re := reqPool.Get().(*http.Request)
	defer func() {
		clear(re.Header)
		h := re.Header
		*re.URL = url.URL{}
		*re = http.Request{Header: h, URL: re.URL}
		reqPool.Put(re)
	}()
	re.Method, re.Host = r.Method, r.Host
	*re.URL = url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	if r.TLS != nil {
		re.URL.Scheme = "https"
	}
	a.eachSigned(func(s string) {
		if s != "host" && s != "content-length" {
			re.Header[textproto.CanonicalMIMEHeaderKey(s)] = r.Header.Values(s)
		}
	})
	if length {
		re.ContentLength = r.ContentLength
	}
	// The payload hash is inherent to SigV4; hex into a stack buffer.
	sum := sha256.Sum256(body)
	var hexSum [2 * sha256.Size]byte
	hex.Encode(hexSum[:], sum[:])
	creds := aws.Credentials{AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey}
	s, ok := v.signers.Load(p.AccessKeyID)
	if !ok {
		s, _ = v.signers.LoadOrStore(p.AccessKeyID, v4.NewSigner())
	}
	if err := s.(*v4.Signer).SignHTTP(r.Context(), creds, re, string(hexSum[:]), a.service, a.region, t, signerOptions); err != nil {
		return nil, a, sigErr(msgBadSig)
	}
	got := re.Header.Get("Authorization")
	i := strings.LastIndex(got, "Signature=")
	if i < 0 || !equalConstantTime(got[i+len("Signature="):], a.signature) {
		return nil, a, sigErr(msgBadSig)
	}
	return p, a, nil
}

// reqPool holds the request copies Verify signs.
var reqPool = sync.Pool{New: func() any { return &http.Request{Header: http.Header{}, URL: &url.URL{}} }}

// signerOptions: no session token; and no path escaping, which changes
// nothing on KMS's only path "/" (the handler refuses any other before
// authentication) and saves an allocation.
func signerOptions(o *v4.SignerOptions) {
	o.DisableSessionToken = true
	o.DisableURIPathEscaping = true
}

// equalConstantTime compares two signatures without converting them to
// byte slices (subtle.ConstantTimeCompare would need two allocations).
func equalConstantTime(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var d byte
	for i := 0; i < len(a); i++ {
		d |= a[i] ^ b[i]
	}
	return d == 0
}
