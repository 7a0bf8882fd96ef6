package load

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// rawClient speaks awsJson1_1 by hand: the request for each operation is
// built (and, with Sign "once", signed) before the run, so a request costs a
// struct copy, a body reader and the transport's own work.
type rawClient struct {
	url    string
	hc     *http.Client
	sign   string
	region string
	creds  aws.CredentialsProvider
	signer *v4.Signer
	conns  *connSet // the workers' fast-path connections
}

// fast reports whether workers use h1conn: plain HTTP, and no per-request
// signing (which needs a fresh header per request).
func (c *rawClient) fast() bool {
	return strings.HasPrefix(c.url, "http://") && c.sign != "each"
}

// newTransport is a keep-alive transport sized for the worker count, so no
// request waits for or opens a connection once the run is warm.
func newTransport(conc int) *http.Transport {
	return &http.Transport{
		Proxy:               nil, // loopback benchmarks must never go through a proxy
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conc + 16,
		MaxIdleConnsPerHost: conc + 16,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
		TLSHandshakeTimeout: 10 * time.Second,
		WriteBufferSize:     16 << 10,
		ReadBufferSize:      16 << 10,
	}
}

// prepared is one operation's request, ready to send many times.
type prepared struct {
	tmpl        *http.Request
	body        []byte
	payloadHash string
}

type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }

func (c *rawClient) prepare(ctx context.Context, target string, body []byte) (*prepared, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "TrentService."+target)
	req.ContentLength = int64(len(body))
	sum := sha256.Sum256(body)
	p := &prepared{tmpl: req, body: body, payloadHash: hex.EncodeToString(sum[:])}
	if c.sign == "once" {
		if err := c.signReq(ctx, req, p.payloadHash); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (c *rawClient) signReq(ctx context.Context, req *http.Request, payloadHash string) error {
	creds, err := c.creds.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	return c.signer.SignHTTP(ctx, creds, req, payloadHash, "kms", c.region, time.Now())
}

// send posts p once and returns the status and the response body in buf.
func (c *rawClient) send(ctx context.Context, p *prepared, buf *bytes.Buffer) (int, error) {
	req := new(http.Request)
	*req = *p.tmpl
	br := &bodyReader{}
	br.Reset(p.body)
	req.Body = br
	req.GetBody = func() (io.ReadCloser, error) {
		b := &bodyReader{}
		b.Reset(p.body)
		return b, nil
	}
	if c.sign == "each" {
		req.Header = p.tmpl.Header.Clone()
		if err := c.signReq(ctx, req, p.payloadHash); err != nil {
			return 0, err
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, err
	}
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		// Servers put the code in the body (__type) or this header.
		if h := resp.Header.Get("X-Amzn-Errortype"); h != "" && !bytes.Contains(buf.Bytes(), []byte("__type")) {
			buf.Reset()
			fmt.Fprintf(buf, `{"__type":%q}`, h)
		}
	}
	return resp.StatusCode, nil
}

// call sends a one-off request (setup, cleanup) and decodes the answer into out.
func (c *rawClient) call(ctx context.Context, target string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	p, err := c.prepare(ctx, target, body)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	status, err := c.send(ctx, p, &buf)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return &apiError{Code: errorCode(buf.Bytes(), status), Status: status}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(buf.Bytes(), out)
}

// apiError is an endpoint's error answer.
type apiError struct {
	Code   string
	Status int
}

func (e *apiError) Error() string { return fmt.Sprintf("%s (HTTP %d)", e.Code, e.Status) }

// errorCode extracts the AWS error code from an error body:
// "__type" may carry a namespace ("com.amazonaws.kms#NotFoundException")
// or a suffix after ':'.
func errorCode(body []byte, status int) string {
	var e struct {
		Type string `json:"__type"`
		Code string `json:"code"`
	}
	_ = json.Unmarshal(body, &e)
	code := e.Type
	if code == "" {
		code = e.Code
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if code == "" {
		code = fmt.Sprintf("HTTP%d", status)
	}
	return code
}

// transportCode names a failure that produced no HTTP answer.
func transportCode(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "Canceled"
	case errors.As(err, &ne) && ne.Timeout():
		return "Timeout"
	default:
		return "Transport"
	}
}
