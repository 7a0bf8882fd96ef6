package reference

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference/awsjson"
)

const testARNPrefix = "arn:aws:kms:us-east-1:111122223333:"

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestService(t testing.TB) (*Service, *testClock) {
	t.Helper()
	c := &testClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	return NewService(Options{Now: c.Now}), c
}

// call runs op and returns the decoded response or the AWS error; any
// other error type fails the test.
func call(t testing.TB, s *Service, op, body string) (map[string]any, *awsjson.Error) {
	t.Helper()
	out, err := s.Call(context.Background(), op, []byte(body))
	if err != nil {
		var ae *awsjson.Error
		if !errors.As(err, &ae) {
			t.Fatalf("%s: error %T %v is not *awsjson.Error", op, err, err)
		}
		if out != nil {
			t.Fatalf("%s: both a body and an error", op)
		}
		return nil, ae
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("%s: response %q is not a JSON object: %v", op, out, err)
	}
	return m, nil
}

func mustCall(t testing.TB, s *Service, op, body string) map[string]any {
	t.Helper()
	m, err := call(t, s, op, body)
	if err != nil {
		t.Fatalf("%s %s: %v", op, body, err)
	}
	return m
}

// wantErr checks the error type, status 400 and, when msg is not "", the
// exact message (a trailing "*" compares a prefix).
func wantErr(t testing.TB, err *awsjson.Error, typ, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %s", typ)
	}
	if err.Type != typ || err.Status != http.StatusBadRequest {
		t.Fatalf("got %s (%d) %q, want %s (400)", err.Type, err.Status, err.Message, typ)
	}
	if p, ok := strings.CutSuffix(msg, "*"); ok {
		if !strings.HasPrefix(err.Message, p) {
			t.Fatalf("message %q, want prefix %q", err.Message, p)
		}
	} else if msg != "" && err.Message != msg {
		t.Fatalf("message\n got %q\nwant %q", err.Message, msg)
	}
}

// createKey makes a key and returns its id and ARN.
func createKey(t testing.TB, s *Service, body string) (id, arn string) {
	t.Helper()
	md := mustCall(t, s, "CreateKey", body)["KeyMetadata"].(map[string]any)
	return md["KeyId"].(string), md["Arn"].(string)
}

func hmacKey(t testing.TB, s *Service, spec string) (id, arn string) {
	return createKey(t, s, `{"KeySpec":"`+spec+`","KeyUsage":"GENERATE_VERIFY_MAC"}`)
}

func describe(t testing.TB, s *Service, id string) map[string]any {
	t.Helper()
	return mustCall(t, s, "DescribeKey", `{"KeyId":"`+id+`"}`)["KeyMetadata"].(map[string]any)
}

func jsonStr(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

type awsError = awsjson.Error
