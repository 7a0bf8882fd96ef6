package properties

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Raw sends one awsJson1_1 request and returns the HTTP status and the
// response body. op is an operation name ("GenerateMac", sent as
// "TrentService.GenerateMac") or a full target containing a dot. err is set
// only when no HTTP response arrived.
type Raw func(ctx context.Context, op string, body []byte) (status int, respBody []byte, err error)

// NewRaw returns a Raw that POSTs to endpoint, SigV4-signed for service
// "kms" in region with creds (nil creds: unsigned, enough for local
// emulators). hc nil means http.DefaultClient.
func NewRaw(endpoint, region string, creds aws.CredentialsProvider, hc *http.Client) Raw {
	if hc == nil {
		hc = http.DefaultClient
	}
	signer := v4.NewSigner()
	url := strings.TrimRight(endpoint, "/") + "/"
	return func(ctx context.Context, op string, body []byte) (int, []byte, error) {
		if !strings.Contains(op, ".") {
			op = "TrentService." + op
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("X-Amz-Target", op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		if creds != nil {
			c, err := creds.Retrieve(ctx)
			if err != nil {
				return 0, nil, fmt.Errorf("credentials: %w", err)
			}
			sum := sha256.Sum256(body)
			if err := signer.SignHTTP(ctx, c, req, hex.EncodeToString(sum[:]), "kms", region, time.Now()); err != nil {
				return 0, nil, fmt.Errorf("signing: %w", err)
			}
		}
		resp, err := hc.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return resp.StatusCode, b, err
	}
}

// Outcome is the observable result of one call: success, or an error code
// with its HTTP status. It is what properties compare.
type Outcome struct {
	Status  int    // HTTP status; 200 on success, 0 if no response
	Code    string // error code (normalised __type); "" on success
	Message string
	Err     error // transport failure with no HTTP answer
}

// OK reports a 200 answer.
func (o Outcome) OK() bool { return o.Err == nil && o.Status == http.StatusOK && o.Code == "" }

func (o Outcome) String() string {
	switch {
	case o.Err != nil:
		return "no answer: " + o.Err.Error()
	case o.OK():
		return "200 OK"
	case o.Message != "":
		return fmt.Sprintf("%d %s: %s", o.Status, o.Code, o.Message)
	}
	return fmt.Sprintf("%d %s", o.Status, o.Code)
}

// Is reports an error answer with this code and HTTP status.
func (o Outcome) Is(code string, status int) bool {
	return o.Err == nil && o.Code == code && o.Status == status
}

// fromSDK classifies an SDK call's error (nil: success).
func fromSDK(err error) Outcome {
	if err == nil {
		return Outcome{Status: http.StatusOK}
	}
	o := Outcome{}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		o.Status = re.HTTPStatusCode()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		o.Code, o.Message = normaliseType(ae.ErrorCode()), ae.ErrorMessage()
	}
	switch {
	case o.Status == 0:
		o.Err = err // no HTTP answer at all
	case o.Code == "":
		// An answer whose body has no error code (e.g. an HTML 500 page).
		o.Code, o.Message = "(no error code)", truncate(err.Error(), 300)
	}
	return o
}

// fromRaw classifies a raw answer.
func fromRaw(status int, body []byte, err error) Outcome {
	if err != nil {
		return Outcome{Err: err}
	}
	o := Outcome{Status: status}
	if status == http.StatusOK {
		return o
	}
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		o.Code, o.Message = "(not JSON)", truncate(string(body), 200)
		return o
	}
	if t, ok := m["__type"].(string); ok {
		o.Code = normaliseType(t)
	}
	for _, k := range []string{"message", "Message"} {
		if s, ok := m[k].(string); ok {
			o.Message = s
		}
	}
	if o.Code == "" {
		o.Code = "(no __type)"
	}
	return o
}

// normaliseType cuts a namespace prefix and a ':' suffix (rules.md WIRE-9).
func normaliseType(t string) string {
	if i := strings.LastIndexByte(t, '#'); i >= 0 {
		t = t[i+1:]
	}
	if i := strings.IndexByte(t, ':'); i >= 0 {
		t = t[:i]
	}
	return strings.TrimSpace(t)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// callRaw marshals req and sends it with raw.
func callRaw(ctx context.Context, raw Raw, op string, req any) (Outcome, []byte) {
	body, err := json.Marshal(req)
	if err != nil {
		return Outcome{Err: err}, nil
	}
	status, resp, err := raw(ctx, op, body)
	return fromRaw(status, resp, err), resp
}
