package awsraw

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

var testCreds = credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")

// seen is what the test server received.
type seen struct {
	method, path string
	header       http.Header
	body         []byte
}

// recorder answers every request with status, a header and body, and keeps
// the last request.
func recorder(t *testing.T, status int, body string) (*httptest.Server, func() seen) {
	t.Helper()
	var mu sync.Mutex
	var last seen
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		last = seen{r.Method, r.URL.Path, r.Header.Clone(), b}
		mu.Unlock()
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("X-Amzn-Requestid", "req-1")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(ts.Close)
	return ts, func() seen { mu.Lock(); defer mu.Unlock(); return last }
}

func TestDo(t *testing.T) {
	body := []byte(`{"KeyId":"k","MacAlgorithm":"HMAC_SHA_256"}`)
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	tests := []struct {
		name        string
		creds       aws.CredentialsProvider
		hashHeader  bool
		status      int
		answer      string
		trailing    string // appended to the URL
		wantSigned  bool
		wantHashHdr bool
	}{
		{"signed 200", testCreds, false, 200, `{"Mac":"AA=="}`, "", true, false},
		{"unsigned 400", nil, false, 400, `{"__type":"NotFoundException"}`, "/", false, false},
		{"signed with payload hash header", testCreds, true, 500, `{"__type":"KMSInternalException"}`, "", true, true},
		{"unsigned ignores payload hash header", nil, true, 200, `{}`, "//", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts, last := recorder(t, tc.status, tc.answer)
			c := &Client{URL: ts.URL + tc.trailing, Region: "us-west-2", Credentials: tc.creds, PayloadHashHeader: tc.hashHeader}
			r, err := c.Do(context.Background(), "TrentService.GenerateMac", body)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if r.Status != tc.status || string(r.Body) != tc.answer || r.Header.Get("X-Amzn-Requestid") != "req-1" {
				t.Errorf("response %d %q %v", r.Status, r.Body, r.Header)
			}
			s := last()
			if s.method != http.MethodPost || s.path != "/" || string(s.body) != string(body) {
				t.Errorf("request %s %s %q", s.method, s.path, s.body)
			}
			if s.header.Get("X-Amz-Target") != "TrentService.GenerateMac" || s.header.Get("Content-Type") != ContentType {
				t.Errorf("request headers %v", s.header)
			}
			auth := s.header.Get("Authorization")
			if (auth != "") != tc.wantSigned || (s.header.Get("X-Amz-Date") != "") != tc.wantSigned {
				t.Fatalf("signed: Authorization %q, X-Amz-Date %q, want signed %v", auth, s.header.Get("X-Amz-Date"), tc.wantSigned)
			}
			if tc.wantSigned {
				for _, want := range []string{"AWS4-HMAC-SHA256 Credential=AKIDTEST/", "/us-west-2/kms/aws4_request", "content-type", "x-amz-target"} {
					if !strings.Contains(auth, want) {
						t.Errorf("Authorization %q lacks %q", auth, want)
					}
				}
			}
			gotHash := s.header.Get("X-Amz-Content-Sha256")
			if (gotHash != "") != tc.wantHashHdr || (tc.wantHashHdr && (gotHash != hash || !strings.Contains(auth, "x-amz-content-sha256"))) {
				t.Errorf("X-Amz-Content-Sha256 %q (want %v, hash %s), Authorization %q", gotHash, tc.wantHashHdr, hash, auth)
			}
		})
	}
}

// Send passes method, path and headers as given, adding only the signature.
func TestSend(t *testing.T) {
	tests := []struct {
		name, method, path string
		header             http.Header
	}{
		{"GET other path", http.MethodGet, "/x/y", http.Header{"Accept": {"text/plain"}}},
		{"PUT no headers", http.MethodPut, "/", nil},
		{"POST wrong content type", http.MethodPost, "/", http.Header{"Content-Type": {"text/plain"}, "X-Amz-Target": {"TrentService.ListKeys"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts, last := recorder(t, 404, "nope")
			c := &Client{URL: ts.URL, Region: "eu-west-1", Credentials: testCreds}
			r, err := c.Send(context.Background(), tc.method, tc.path, tc.header, []byte("b"))
			if err != nil || r.Status != 404 || string(r.Body) != "nope" {
				t.Fatalf("Send: %v %+v", err, r)
			}
			s := last()
			if s.method != tc.method || s.path != tc.path || string(s.body) != "b" {
				t.Errorf("request %s %s %q", s.method, s.path, s.body)
			}
			for k, vs := range tc.header {
				if got := s.header.Values(k); strings.Join(got, ",") != strings.Join(vs, ",") {
					t.Errorf("header %s = %v, want %v", k, got, vs)
				}
			}
			if tc.header.Get("Content-Type") == "" && s.header.Get("Content-Type") != "" {
				t.Errorf("Send added a Content-Type: %q", s.header.Get("Content-Type"))
			}
			if !strings.Contains(s.header.Get("Authorization"), "/eu-west-1/kms/aws4_request") {
				t.Errorf("Authorization %q", s.header.Get("Authorization"))
			}
		})
	}
}

func TestMaxBody(t *testing.T) {
	big := strings.Repeat("x", DefaultMaxBody+10)
	ts, _ := recorder(t, 200, big)
	for _, tc := range []struct {
		max  int64
		want int
	}{{0, DefaultMaxBody}, {5, 5}, {int64(len(big)) * 2, len(big)}} {
		c := &Client{URL: ts.URL, MaxBody: tc.max}
		r, err := c.Do(context.Background(), "TrentService.ListKeys", nil)
		if err != nil || len(r.Body) != tc.want {
			t.Errorf("MaxBody %d: read %d bytes (%v), want %d", tc.max, len(r.Body), err, tc.want)
		}
	}
}

// Failures before or during the exchange are errors; no answer is made up.
func TestErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	credErr := errors.New("no credentials here")
	badCreds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return aws.Credentials{}, credErr })
	tests := []struct {
		name   string
		client Client
		method string
		check  func(error) bool
	}{
		{"connection refused", Client{URL: closedURL}, http.MethodPost,
			func(err error) bool { var op *net.OpError; return errors.As(err, &op) }},
		{"bad URL", Client{URL: "http://[::1"}, http.MethodPost,
			func(err error) bool { return err != nil }},
		{"bad method", Client{URL: closedURL}, "BAD METHOD",
			func(err error) bool { return strings.Contains(err.Error(), "method") }},
		{"credentials fail", Client{URL: closedURL, Credentials: badCreds}, http.MethodPost,
			func(err error) bool {
				return errors.Is(err, credErr) && strings.HasPrefix(err.Error(), "credentials: ")
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.client.Send(context.Background(), tc.method, "/", nil, []byte("{}"))
			if err == nil || r != nil || !tc.check(err) {
				t.Errorf("got %+v, %v", r, err)
			}
		})
	}
}

// A body cut short returns what arrived together with the error.
func TestTruncatedBody(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(500)
		_, _ = io.WriteString(w, `{"__ty`)
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer ts.Close()
	r, err := (&Client{URL: ts.URL}).Do(context.Background(), "TrentService.ListKeys", nil)
	if !errors.Is(err, io.ErrUnexpectedEOF) || r == nil || r.Status != 500 || string(r.Body) != `{"__ty` {
		t.Fatalf("got %+v, %v", r, err)
	}
}

func TestContextCancel(t *testing.T) {
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer ts.Close()
	defer close(release)
	c := &Client{URL: ts.URL, Credentials: testCreds}
	for _, tc := range []struct {
		name   string
		ctx    func() (context.Context, context.CancelFunc)
		target error
	}{
		{"cancelled before", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
		{"cancelled while waiting", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			r, err := c.Do(ctx, "TrentService.ListKeys", []byte("{}"))
			if !errors.Is(err, tc.target) || r != nil {
				t.Errorf("got %+v, %v; want %v", r, err, tc.target)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// Target adds the TrentService prefix to an operation name only.
func TestTarget(t *testing.T) {
	cases := [][2]string{
		{"GenerateMac", "TrentService.GenerateMac"},
		{"TrentService.VerifyMac", "TrentService.VerifyMac"},
		{"KmsmacReference.SetKeyState", "KmsmacReference.SetKeyState"},
		{"", "TrentService."},
	}
	for _, c := range cases {
		if got := Target(c[0]); got != c[1] {
			t.Errorf("Target(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}
