package diff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/kmsmac/kmsmac/internal/awsraw"
	"github.com/kmsmac/kmsmac/reference"
)

// ReferenceName and AWSName are the endpoint specs that are not URLs.
const (
	ReferenceName = "reference"
	AWSName       = "aws"
)

// Endpoint is one side of a diff: a raw awsJson1_1 client, so both sides get
// byte-identical request bodies (the SDK would refuse many of them).
type Endpoint struct {
	Name   string // what the user asked for: "reference", "aws" or the URL
	URL    string
	Region string

	hc  *http.Client
	raw *awsraw.Client    // signs with the side's credentials, sends the payload hash header
	srv *reference.Server // embedded reference, closed with the endpoint
}

// Response is an endpoint's raw answer.
type Response = awsraw.Response

// Open makes the endpoint named by spec: "" or "reference" starts an
// embedded reference server on 127.0.0.1, "aws" uses real AWS KMS through
// the standard AWS configuration chain, anything else is an http(s) URL.
func Open(ctx context.Context, spec, region string) (*Endpoint, error) {
	e := &Endpoint{Name: spec}
	var creds aws.CredentialsProvider
	switch spec {
	case "", ReferenceName:
		e.Name = ReferenceName
		if region == "" {
			region = "us-east-1"
		}
		e.srv = reference.NewServer(reference.Options{Region: region})
		e.URL = e.srv.URL()
		creds = credentials.NewStaticCredentialsProvider("test", "test", "")
	case AWSName:
		var opts []func(*config.LoadOptions) error
		if region != "" {
			opts = append(opts, config.WithRegion(region))
		}
		cfg, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("loading the AWS configuration: %w", err)
		}
		if cfg.Region == "" {
			return nil, errors.New("aws: no region (set --region or AWS_REGION)")
		}
		region = cfg.Region
		e.URL = "https://kms." + region + ".amazonaws.com"
		creds = cfg.Credentials
	default:
		u, err := url.Parse(spec)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("endpoint %q: want %q, %q or an http(s) URL", spec, ReferenceName, AWSName)
		}
		e.URL = strings.TrimRight(spec, "/")
		if region == "" {
			region = "us-east-1"
		}
		// Emulators accept any credentials; take the environment's when
		// set so a signing proxy in front of real KMS works too.
		id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
		if id == "" || secret == "" {
			id, secret = "test", "test"
		}
		creds = credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))
	}
	e.Region = region
	e.hc = &http.Client{
		Timeout: 60 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil, // never route a diff through a proxy
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     30 * time.Second,
		},
	}
	e.raw = &awsraw.Client{URL: e.URL, Region: region, Credentials: creds, HTTP: e.hc,
		MaxBody: maxResponse, PayloadHashHeader: true}
	return e, nil
}

// Close stops an embedded reference server and idle connections.
func (e *Endpoint) Close() error {
	if tr, ok := e.hc.Transport.(*http.Transport); ok {
		tr.CloseIdleConnections()
	}
	if e.srv != nil {
		return e.srv.Close()
	}
	return nil
}

// String names the endpoint for reports.
func (e *Endpoint) String() string {
	if e.Name == e.URL {
		return e.URL
	}
	return e.Name + " (" + e.URL + ")"
}

// maxThrottleRetries bounds the retries of throttled calls: a throttled
// answer on one side only is noise, not a divergence.
const maxThrottleRetries = 6

// Call sends one signed TrentService.<op> request, retrying throttling.
func (e *Endpoint) Call(ctx context.Context, op string, body []byte) (*Response, error) {
	delay := 200 * time.Millisecond
	for attempt := 0; ; attempt++ {
		r, err := e.send(ctx, op, body)
		if err != nil || attempt == maxThrottleRetries || !throttled(r) {
			return r, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		delay *= 2
	}
}

func throttled(r *Response) bool {
	return r.Status != http.StatusOK && errorCode(r) == "ThrottlingException"
}

// maxResponse caps what is read of an answer; KMS answers are small.
const maxResponse = 1 << 20

// send is one attempt; a body cut short is a failure, not half an answer.
func (e *Endpoint) send(ctx context.Context, op string, body []byte) (*Response, error) {
	r, err := e.raw.Do(ctx, "TrentService."+op, body)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// callJSON sends in (marshalled) and decodes a 200 answer into out; any
// other answer is an *APIError.
func (e *Endpoint) callJSON(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	r, err := e.Call(ctx, op, body)
	if err != nil {
		return &transportError{op, err}
	}
	if r.Status != http.StatusOK {
		return &APIError{Op: op, Status: r.Status, Code: errorCode(r), Message: snippet(errorMessage(r), 200)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(r.Body, out); err != nil {
		return fmt.Errorf("%s: decoding the answer: %w", op, err)
	}
	return nil
}

// transportError is a call that got no HTTP answer: a setup error, never
// a reason to fall back to generated keys.
type transportError struct {
	op  string
	err error
}

func (e *transportError) Error() string { return e.op + ": " + e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// APIError is an endpoint's error answer to a setup or cleanup call.
type APIError struct {
	Op      string
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s: HTTP %d %s", e.Op, e.Status, e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
