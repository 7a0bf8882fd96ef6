package target

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// A "not implemented" 5xx is deterministic: it is not retried, and once an
// operation has answered so, its later 5xx are not retried either, by the
// raw client's transport and by the SDK's retryer alike. Other 5xx still
// are.
func TestNotImplementedNotRetried(t *testing.T) {
	var mu sync.Mutex
	calls := map[string]int{}
	answer := map[string]func(w http.ResponseWriter){
		"HTML": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(500)
			io.WriteString(w, "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n")
		},
		"501": func(w http.ResponseWriter) { w.WriteHeader(501) },
		"Unknown": func(w http.ResponseWriter) {
			w.WriteHeader(500)
			io.WriteString(w, `{"__type":"UnknownOperationException"}`)
		},
		"JSON500": func(w http.ResponseWriter) {
			w.WriteHeader(500)
			io.WriteString(w, `{"__type":"KMSInternalException"}`)
		},
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
		mu.Lock()
		calls[op]++
		n := calls[op]
		mu.Unlock()
		switch {
		case op == "Later" && n == 1:
			answer["HTML"](w)
		case op == "Later":
			answer["JSON500"](w)
		case answer[op] != nil:
			answer[op](w)
		default: // the SDK's operation: GenerateRandom
			answer["HTML"](w)
		}
	}))
	defer ts.Close()
	set := new(opSet)
	raw := &http.Client{Transport: &retryTransport{next: http.DefaultTransport, timeout: defaultRequestTimeout, retries: 2, notImpl: set}}
	send := func(op string) {
		req, _ := http.NewRequest("POST", ts.URL, strings.NewReader("{}"))
		req.Header.Set("X-Amz-Target", "TrentService."+op)
		resp, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for _, op := range []string{"HTML", "501", "Unknown", "JSON500", "Later", "Later"} {
		send(op)
	}
	want := map[string]int{"HTML": 1, "501": 1, "Unknown": 1, "JSON500": 3, "Later": 2}
	for op, n := range want {
		if calls[op] != n {
			t.Errorf("%s: %d requests, want %d", op, calls[op], n)
		}
	}

	sdkHTTP := &http.Client{Transport: &retryTransport{next: http.DefaultTransport, timeout: defaultRequestTimeout, notImpl: set}}
	c := kms.New(kms.Options{Region: "us-east-1", BaseEndpoint: aws.String(ts.URL), HTTPClient: sdkHTTP,
		Credentials: aws.AnonymousCredentials{}, Retryer: sdkRetryer(2, true, true)})
	if _, err := c.GenerateRandom(context.Background(), &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(8)}); err == nil {
		t.Fatal("GenerateRandom: no error from a 500")
	}
	if calls["GenerateRandom"] != 1 {
		t.Errorf("SDK GenerateRandom: %d requests, want 1", calls["GenerateRandom"])
	}
}
