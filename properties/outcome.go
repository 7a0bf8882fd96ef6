package properties

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/kmsmac/kmsmac/internal/awsraw"
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
	c := &awsraw.Client{URL: endpoint, Region: region, Credentials: creds, HTTP: hc}
	return func(ctx context.Context, op string, body []byte) (int, []byte, error) {
		r, err := c.Do(ctx, awsraw.Target(op), body)
		if r == nil {
			return 0, nil, err
		}
		return r.Status, r.Body, err
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
		o.Code, o.Message = awsraw.NormaliseType(ae.ErrorCode()), ae.ErrorMessage()
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
	e := awsraw.ParseError(body)
	if !e.JSON {
		o.Code, o.Message = "(not JSON)", truncate(string(body), 200)
		return o
	}
	o.Code = e.Type
	if e.Message != nil {
		o.Message = *e.Message
	}
	if o.Code == "" {
		o.Code = "(no __type)"
	}
	return o
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
