package target

import (
	"context"
	"net/http"
	"strings"

	"github.com/kmsmac/kmsmac/internal/awsraw"
)

// JSONContentType is the awsJson1_1 content type (WIRE-2).
const JSONContentType = awsraw.ContentType

// RawClient speaks awsJson1_1 by hand, SigV4-signed, for requests the SDK
// refuses to send (missing members, empty values, wrong JSON types,
// unknown targets, other methods). It never retries.
type RawClient struct {
	c awsraw.Client
}

// Send POSTs body to / with X-Amz-Target set to target; a target without
// a '.' gets the TrentService prefix.
func (r *RawClient) Send(ctx context.Context, target string, body []byte) *Outcome {
	target = awsraw.Target(target)
	resp, err := r.c.Do(ctx, target, body)
	return rawOutcome(strings.TrimPrefix(target, "TrentService."), body, resp, err)
}

// SendHTTP sends any method, path, headers and body, signed. Headers given
// replace the defaults.
func (r *RawClient) SendHTTP(ctx context.Context, method, path string, h http.Header, body []byte) *Outcome {
	resp, err := r.c.Send(ctx, method, path, h, body)
	return rawOutcome(method+" "+path, body, resp, err)
}

// rawOutcome records an answer; a body cut short keeps both what arrived
// and the error.
func rawOutcome(op string, body []byte, resp *awsraw.Response, err error) *Outcome {
	o := &Outcome{Op: op, Client: "raw", Request: body, Err: err}
	if resp == nil {
		return o
	}
	o.Status, o.Header, o.Body = resp.Status, resp.Header, resp.Body
	o.RequestID = requestID(resp.Header)
	if o.Status != http.StatusOK {
		o.parseError()
	}
	return o
}

func requestID(h http.Header) string {
	for _, k := range []string{"X-Amzn-Requestid", "X-Amz-Request-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}
