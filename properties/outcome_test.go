package properties

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFromRaw(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		err    error
		want   Outcome
		ok     bool
	}{
		{"success", 200, `{"MacValid":true}`, nil, Outcome{Status: 200}, true},
		{"bare type", 400, `{"__type":"KMSInvalidMacException"}`, nil, Outcome{Status: 400, Code: "KMSInvalidMacException"}, false},
		{"namespaced type and Message", 400, `{"__type":"com.amazonaws.kms#NotFoundException","Message":"m"}`, nil, Outcome{Status: 400, Code: "NotFoundException", Message: "m"}, false},
		{"colon suffix", 400, `{"__type":"ValidationException:http://x","message":"v"}`, nil, Outcome{Status: 400, Code: "ValidationException", Message: "v"}, false},
		{"not json", 502, `<html>`, nil, Outcome{Status: 502, Code: "(not JSON)", Message: "<html>"}, false},
		{"no type", 500, `{}`, nil, Outcome{Status: 500, Code: "(no __type)"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := fromRaw(tc.status, []byte(tc.body), tc.err)
			if got != tc.want || got.OK() != tc.ok {
				t.Fatalf("fromRaw = %+v (OK %v), want %+v (OK %v)", got, got.OK(), tc.want, tc.ok)
			}
		})
	}
	if o := fromRaw(0, nil, errors.New("refused")); o.OK() || o.Err == nil || !strings.Contains(o.String(), "no answer") {
		t.Fatalf("transport error: %+v", o)
	}
}

// NewRaw sends the awsJson1_1 headers, the TrentService prefix, and a SigV4
// Authorization header when given credentials.
func TestNewRaw(t *testing.T) {
	var got http.Header
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"__type":"X"}`))
	}))
	defer ts.Close()
	for _, tc := range []struct {
		op, target string
		signed     bool
	}{
		{"GenerateMac", "TrentService.GenerateMac", true},
		{"KmsmacReference.SetKeyState", "KmsmacReference.SetKeyState", false},
	} {
		var raw Raw
		if tc.signed {
			raw = NewRaw(ts.URL, "us-east-1", testCreds, nil)
		} else {
			raw = NewRaw(ts.URL, "us-east-1", nil, nil)
		}
		status, body, err := raw(context.Background(), tc.op, []byte(`{}`))
		if err != nil || status != 400 || string(body) != `{"__type":"X"}` {
			t.Fatalf("%s: %d %s %v", tc.op, status, body, err)
		}
		if got.Get("X-Amz-Target") != tc.target || got.Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Errorf("%s: headers %v", tc.op, got)
		}
		if auth := got.Get("Authorization"); (auth != "") != tc.signed || (tc.signed && !strings.Contains(auth, "/kms/aws4_request")) {
			t.Errorf("%s: Authorization %q", tc.op, auth)
		}
	}
}
