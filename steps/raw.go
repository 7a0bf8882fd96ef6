package steps

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// JSONContentType is the awsJson1_1 content type (WIRE-2).
const JSONContentType = "application/x-amz-json-1.1"

// RawClient speaks awsJson1_1 by hand, SigV4-signed, for requests the SDK
// refuses to send (missing members, empty values, wrong JSON types,
// unknown targets, other methods). It never retries.
type RawClient struct {
	url    string
	region string
	creds  aws.CredentialsProvider
	http   *http.Client
	signer *v4.Signer
}

// Send POSTs body to / with X-Amz-Target set to target; a target without
// a '.' gets the TrentService prefix.
func (r *RawClient) Send(ctx context.Context, target string, body []byte) *Outcome {
	if !strings.Contains(target, ".") {
		target = "TrentService." + target
	}
	h := http.Header{}
	h.Set("X-Amz-Target", target)
	h.Set("Content-Type", JSONContentType)
	o := r.SendHTTP(ctx, http.MethodPost, "/", h, body)
	o.Op = strings.TrimPrefix(target, "TrentService.")
	return o
}

// SendHTTP sends any method, path, headers and body, signed. Headers given
// replace the defaults.
func (r *RawClient) SendHTTP(ctx context.Context, method, path string, h http.Header, body []byte) *Outcome {
	o := &Outcome{Op: method + " " + path, Client: "raw", Request: body}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(r.url, "/")+path, bytes.NewReader(body))
	if err != nil {
		o.Err = err
		return o
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	if err := r.sign(ctx, req, body); err != nil {
		o.Err = fmt.Errorf("signing: %w", err)
		return o
	}
	resp, err := r.http.Do(req)
	if err != nil {
		o.Err = err
		return o
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		o.Err = err
	}
	o.Status, o.Header, o.Body = resp.StatusCode, resp.Header, b
	o.RequestID = requestID(resp.Header)
	if o.Status != http.StatusOK {
		o.parseError()
	}
	return o
}

func (r *RawClient) sign(ctx context.Context, req *http.Request, body []byte) error {
	creds, err := r.creds.Retrieve(ctx)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	return r.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "kms", r.region, time.Now())
}

func requestID(h http.Header) string {
	for _, k := range []string{"X-Amzn-Requestid", "X-Amz-Request-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}
