package target

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/kmsmac/kmsmac/internal/awsraw"
)

// Retry policy. A retry must never hide what a scenario asserts, so:
//   - throttling (HTTP 429, or any status with __type ThrottlingException)
//     is retried on every call: it is the service declining to do the
//     work, not the behaviour a scenario tests, except in the quota
//     scenarios, which say so (ThrottlingTested) and get it unretried;
//   - HTTP 5xx answers and broken connections (reset, EOF before an
//     answer) are retried only for harness calls: Given steps (setup), the
//     start-up probe, polling outside When/Then steps and cleanup. During a
//     When or Then step the call is the one under test, so its 5xx reaches
//     the assertion unchanged, after exactly one request;
//   - a request timeout is never retried: a stalled endpoint would only
//     multiply the wait;
//   - a "not implemented" answer (HTTP 501, an HTML 5xx page such as
//     moto's for an action it lacks, or the type UnknownOperationException
//     or NotImplemented) is deterministic, so it is never retried, and once
//     an operation has answered so in this run (one Target), later 5xx
//     answers to that operation are not retried either.
//
// The SDK retries through its own retryer (MaxAttempts = Retries+1, same
// classification); the raw client through retryTransport.

// defaultRetries and defaultRequestTimeout apply when Options leave them 0;
// a negative Retries means none.
const (
	defaultRetries        = 3
	defaultRequestTimeout = 30 * time.Second
	firstBackoff          = 100 * time.Millisecond
	maxBackoff            = 5 * time.Second
)

type underTestKey struct{}

// UnderTest marks ctx as carrying the call a scenario asserts on (When
// and Then steps); Harness marks setup and cleanup calls. Unmarked
// contexts are harness calls.
func UnderTest(ctx context.Context) context.Context {
	return context.WithValue(ctx, underTestKey{}, true)
}

func Harness(ctx context.Context) context.Context {
	return context.WithValue(ctx, underTestKey{}, false)
}

func isUnderTest(ctx context.Context) bool {
	v, _ := ctx.Value(underTestKey{}).(bool)
	return v
}

type throttlingTestedKey struct{}

// ThrottlingTested marks ctx as a scenario's that provokes throttling on
// purpose (it set a quota): its calls under test are not retried on
// throttling, as the ThrottlingException is what it asserts and the quota
// does not refill within the retries. Setup and cleanup calls still are.
func ThrottlingTested(ctx context.Context) context.Context {
	return context.WithValue(ctx, throttlingTestedKey{}, true)
}

// retriesThrottling: a throttled call in ctx is retried.
func retriesThrottling(ctx context.Context) bool {
	v, _ := ctx.Value(throttlingTestedKey{}).(bool)
	return !v || !isUnderTest(ctx)
}

// retriesOf and requestTimeoutOf resolve the Options defaults.
func retriesOf(o Options) int {
	switch {
	case o.Retries < 0:
		return 0
	case o.Retries == 0:
		return defaultRetries
	}
	return o.Retries
}

func requestTimeoutOf(o Options) time.Duration {
	if o.RequestTimeout <= 0 {
		return defaultRequestTimeout
	}
	return o.RequestTimeout
}

// backoff is the wait before retry number attempt (1, 2, ...): exponential
// from 100 ms, capped at 5 s, with jitter in [d/2, d) so that parallel
// scenarios do not retry in step.
func backoff(attempt int) time.Duration {
	d := firstBackoff << min(attempt-1, 10)
	d = min(d, maxBackoff)
	return d/2 + rand.N(d/2+1)
}

// RequestTimeoutError is a request that got no (complete) answer within
// the per-request timeout. It deliberately has no Timeout() method: the
// SDK would retry it, and a stall is not worth repeating.
type RequestTimeoutError struct {
	Op      string // X-Amz-Target without the TrentService prefix
	URL     string
	Timeout time.Duration
}

func (e *RequestTimeoutError) Error() string {
	return fmt.Sprintf("%s: no answer from %s within the %s request timeout (--request-timeout)", e.Op, e.URL, e.Timeout)
}

// retryTransport bounds every attempt by timeout, reads the whole answer
// inside that bound, and retries what the policy allows up to retries
// times. With retries 0 (the SDK's client) it only bounds attempts.
type retryTransport struct {
	next    http.RoundTripper
	timeout time.Duration
	retries int
	health  *health // lost.go; nil: no loss detection
	notImpl *opSet  // operations that answered "not implemented"; nil: none kept
}

// opSet is a run's set of operations (opOf) that answered "not
// implemented"; the SDK's and the raw client's transports share one.
type opSet struct{ m sync.Map }

func (s *opSet) add(op string) {
	if s != nil {
		s.m.Store(op, true)
	}
}

func (s *opSet) has(op string) bool {
	if s == nil {
		return false
	}
	_, ok := s.m.Load(op)
	return ok
}

// notImplementedKey marks the context of resp.Request on an answer whose
// operation is not implemented, so that the SDK's retryer, which sees only
// the error, can tell (see sdkRetryable).
type notImplementedKey struct{}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	for attempt := 1; ; attempt++ {
		if err := t.health.lostErr(); err != nil {
			return nil, err // lost.go: no call waits on a lost endpoint
		}
		start := time.Now()
		resp, err := t.once(req, body)
		// No answer, and not merely cut off at once by Ctrl-C or --timeout:
		// is the endpoint still there? (lost.go)
		if err != nil && t.health != nil && (req.Context().Err() == nil || time.Since(start) >= t.health.probeDelay()) {
			t.health.noAnswer(opOf(req), start, err)
			if lost := t.health.lostErr(); lost != nil {
				return nil, lost
			}
		}
		if attempt > t.retries || !retryable(isUnderTest(req.Context()), retriesThrottling(req.Context()), resp, err) || markedNotImplemented(resp) {
			return resp, err
		}
		select {
		case <-req.Context().Done():
			return resp, err
		case <-time.After(backoff(attempt)):
		}
	}
}

func (t *retryTransport) once(req *http.Request, body []byte) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	defer cancel()
	r := req.Clone(ctx)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	timedOut := func(err error) error {
		if req.Context().Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return &RequestTimeoutError{Op: opOf(req), URL: req.URL.Scheme + "://" + req.URL.Host, Timeout: t.timeout}
		}
		return err
	}
	if t.health != nil && t.health.active.Load() {
		// still waiting at half the timeout: have a probe ready (lost.go)
		start := time.Now()
		probe := time.AfterFunc(t.health.probeDelay(), func() { t.health.startProbe(start, opOf(req), "") })
		defer probe.Stop()
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return nil, timedOut(err)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if err != nil {
		return nil, timedOut(err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	if resp.StatusCode >= 500 {
		if resp.Request == nil {
			resp.Request = r
		}
		op, ni := opOf(req), notImplementedAnswer(resp, b)
		if ni {
			t.notImpl.add(op)
		}
		if ni || t.notImpl.has(op) {
			resp.Request = resp.Request.WithContext(context.WithValue(resp.Request.Context(), notImplementedKey{}, true))
		}
	}
	return resp, nil
}

// notImplementedAnswer: a 5xx that says the endpoint lacks the operation,
// which no retry will change.
func notImplementedAnswer(resp *http.Response, body []byte) bool {
	if resp.StatusCode == http.StatusNotImplemented {
		return true
	}
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	head := strings.ToLower(strings.TrimSpace(string(body[:min(len(body), 64)])))
	if strings.HasPrefix(ct, "text/html") || strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") {
		return true
	}
	typ := NormaliseType(resp.Header.Get("X-Amzn-Errortype"))
	if e := awsraw.ParseError(body); e.JSON && e.Type != "" {
		typ = NormaliseType(e.Type)
	}
	return typ == "UnknownOperationException" || typ == "InvalidAction" || typ == "NotImplemented" || typ == "NotImplementedException"
}

// markedNotImplemented: resp is a 5xx to an operation that answered "not
// implemented" in this run (once marks it).
func markedNotImplemented(resp *http.Response) bool {
	if resp == nil || resp.Request == nil {
		return false
	}
	v, _ := resp.Request.Context().Value(notImplementedKey{}).(bool)
	return v
}

func opOf(req *http.Request) string {
	if t := req.Header.Get("X-Amz-Target"); t != "" {
		return strings.TrimPrefix(t, "TrentService.")
	}
	return req.Method + " " + req.URL.Path
}

// retryable applies the policy to one raw attempt.
func retryable(underTest, throttling bool, resp *http.Response, err error) bool {
	if err != nil {
		return !underTest && brokenConnection(err)
	}
	if resp.StatusCode == http.StatusTooManyRequests || throttleBody(resp) {
		return throttling
	}
	return !underTest && resp.StatusCode >= 500
}

// throttleBody reads the (already buffered) error body for a
// ThrottlingException type.
func throttleBody(resp *http.Response) bool {
	if resp.StatusCode < 400 {
		return false
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	e := awsraw.ParseError(b)
	return e.JSON && NormaliseType(e.Type) == "ThrottlingException" ||
		NormaliseType(resp.Header.Get("X-Amzn-Errortype")) == "ThrottlingException"
}

// brokenConnection: the connection failed after it was made, which a
// retry may cure (unlike "connection refused" or a timeout).
func brokenConnection(err error) bool {
	var rt *RequestTimeoutError
	var lost *EndpointLostError
	if errors.As(err, &rt) || errors.As(err, &lost) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// sdkRetryer is the SDK's standard retryer with the same classification:
// harness false keeps 5xx and broken connections for the assertion.
func sdkRetryer(retries int, harnessCall, throttling bool) aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = retries + 1
		so.MaxBackoff = maxBackoff
		so.Backoff = backoffDelayer{}
		so.RateLimiter = ratelimit.None // the bound is MaxAttempts, not a token bucket
		so.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			return aws.BoolTernary(sdkRetryable(harnessCall, throttling, err))
		})}
	})
}

func sdkRetryable(harnessCall, throttling bool, err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && NormaliseType(ae.ErrorCode()) == "ThrottlingException" {
		return throttling
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		if re.Response != nil && markedNotImplemented(re.Response.Response) {
			return false
		}
		s := re.HTTPStatusCode()
		return s == http.StatusTooManyRequests && throttling || (harnessCall && s >= 500)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return harnessCall && brokenConnection(err)
}

type backoffDelayer struct{}

func (backoffDelayer) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	return backoff(attempt), nil
}
