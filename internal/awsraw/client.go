package awsraw

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// ContentType is the awsJson1_1 request and response content type (WIRE-2).
const ContentType = "application/x-amz-json-1.1"

// DefaultMaxBody caps what is read of an answer when Client.MaxBody is 0;
// KMS answers are small.
const DefaultMaxBody = 1 << 20

// Client sends raw awsJson1_1 requests to one endpoint. The zero value of
// every field but URL is usable; a Client is safe for concurrent use.
type Client struct {
	URL         string                  // endpoint, e.g. "http://127.0.0.1:4566"; a trailing '/' is ignored
	Region      string                  // SigV4 signing region
	Credentials aws.CredentialsProvider // nil: requests go unsigned (enough for local emulators)
	HTTP        *http.Client            // nil: http.DefaultClient
	MaxBody     int64                   // bytes read of an answer at most; 0: DefaultMaxBody
	// PayloadHashHeader also sends the payload hash as a signed
	// X-Amz-Content-Sha256 header (optional for KMS).
	PayloadHashHeader bool
}

// Response is an answer as it arrived.
type Response struct {
	Status int
	Header http.Header
	Body   []byte // at most the client's MaxBody bytes
}

// signers are shared, one per key pair: the SDK's signer caches one derived
// key per region and service, checked by access key id only, so signing
// with the same id and another secret (a SIG-2 test) needs its own.
var signers sync.Map // id + "\x00" + secret -> *v4.Signer

func signerFor(c aws.Credentials) *v4.Signer {
	k := c.AccessKeyID + "\x00" + c.SecretAccessKey
	if s, ok := signers.Load(k); ok {
		return s.(*v4.Signer)
	}
	s, _ := signers.LoadOrStore(k, v4.NewSigner())
	return s.(*v4.Signer)
}

// Target is the X-Amz-Target for op: an operation name gets the
// "TrentService." prefix, a name containing a '.' is already a target.
func Target(op string) string {
	if strings.Contains(op, ".") {
		return op
	}
	return "TrentService." + op
}

// Do POSTs body to / with X-Amz-Target target (sent as given; see Target)
// and the awsJson1_1 content type.
func (c *Client) Do(ctx context.Context, target string, body []byte) (*Response, error) {
	h := http.Header{}
	h.Set("X-Amz-Target", target)
	h.Set("Content-Type", ContentType)
	return c.Send(ctx, http.MethodPost, "/", h, body)
}

// Send sends any method, path, headers and body, signed when the client
// has credentials. The headers are sent as given (nothing is added but the
// signature). When reading the body fails, the Response holds what was read
// and the error is returned with it.
func (c *Client) Send(ctx context.Context, method, path string, h http.Header, body []byte) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.URL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	if err := c.sign(ctx, req, body); err != nil {
		return nil, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	limit := c.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, err
}

func (c *Client) sign(ctx context.Context, req *http.Request, body []byte) error {
	if c.Credentials == nil {
		return nil
	}
	creds, err := c.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if c.PayloadHashHeader {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	if err := signerFor(creds).SignHTTP(ctx, creds, req, hash, "kms", c.Region, time.Now()); err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	return nil
}
