package awsjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// fakeCaller answers by operation name, so each test case picks a behaviour.
type fakeCaller struct {
	mu   sync.Mutex
	ops  []string
	last []byte
}

func (f *fakeCaller) Call(_ context.Context, op string, body []byte) ([]byte, error) {
	f.mu.Lock()
	f.ops = append(f.ops, op)
	f.last = append([]byte(nil), body...)
	f.mu.Unlock()
	switch op {
	case "Echo", "KmsmacReference.SetKeyState":
		return append([]byte(nil), body...), nil
	case "Nil":
		return nil, nil
	case "NotFound":
		return nil, ClientError("NotFoundException", "Key 'arn:aws:kms:us-east-1:111122223333:key/x' does not exist")
	case "InvalidMac":
		return nil, &Error{Type: "KMSInvalidMacException", NoMessage: true, Status: 400}
	case "Wrapped":
		return nil, fmt.Errorf("resolving: %w", ClientError("DisabledException", "disabled"))
	case "Zero":
		return nil, &Error{Type: "ValidationException", Message: "zero status"}
	case "BadStatus":
		return nil, &Error{Type: "Weird", Message: "m", Status: 200}
	case "Internal":
		return nil, ServerError("KeyUnavailableException", "unavailable")
	case "Plain":
		return nil, errors.New("SECRET-plain-error")
	case "Untyped":
		return nil, &Error{Message: "no type"}
	case "Escapes":
		return nil, ClientError("ValidationException", "quote \" backslash \\ nl \n tab \t ctl \x01 bad \xff ls \u2028 ok é")
	case "Panic":
		panic("SECRET-panic")
	}
	return nil, ClientError("UnknownOperationException", "")
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

type reqCase struct {
	name    string
	method  string // default POST
	path    string // default "/"
	target  string
	noCT    bool
	ct      string // default ContentType
	body    string
	wantSt  int
	wantTy  string // "" means success
	wantMsg string // substring of message; "-" means no message member
	wantOut string // exact body on success
	wantOp  string // op the Caller must see; "" means not called
}

func (c reqCase) request() *http.Request {
	method, path := c.method, c.path
	if method == "" {
		method = http.MethodPost
	}
	if path == "" {
		path = "/"
	}
	r := httptest.NewRequest(method, path, strings.NewReader(c.body))
	if c.target != "" {
		r.Header.Set("X-Amz-Target", c.target)
	}
	if !c.noCT {
		ct := c.ct
		if ct == "" {
			ct = ContentType
		}
		r.Header.Set("Content-Type", ct)
	}
	return r
}

func TestHandler(t *testing.T) {
	cases := []reqCase{
		{name: "ok", target: "TrentService.Echo", body: `{"KeyId":"k"}`, wantSt: 200, wantOut: `{"KeyId":"k"}`, wantOp: "Echo"},
		{name: "nil output is {}", target: "TrentService.Nil", body: `{}`, wantSt: 200, wantOut: `{}`, wantOp: "Nil"},
		{name: "empty body reaches caller", target: "TrentService.Echo", wantSt: 200, wantOut: `{}`, wantOp: "Echo"},
		{name: "other prefix passed whole", target: "KmsmacReference.SetKeyState", body: `{}`, wantSt: 200, wantOut: `{}`, wantOp: "KmsmacReference.SetKeyState"},
		{name: "unknown op from caller", target: "TrentService.Nope", body: `{}`, wantSt: 400, wantTy: "UnknownOperationException", wantOp: "Nope"},
		{name: "json 1.0 accepted", target: "TrentService.Echo", ct: "application/x-amz-json-1.0", body: `{}`, wantSt: 200, wantOut: `{}`, wantOp: "Echo"},
		{name: "application/json accepted", target: "TrentService.Echo", ct: "application/json", body: `{}`, wantSt: 200, wantOut: `{}`, wantOp: "Echo"},
		{name: "charset and case ignored", target: "TrentService.Echo", ct: "Application/X-Amz-Json-1.1; charset=utf-8", body: `{}`, wantSt: 200, wantOut: `{}`, wantOp: "Echo"},

		{name: "GET", method: "GET", target: "TrentService.Echo", wantSt: 405, wantTy: "UnknownOperationException", wantMsg: "HTTP method GET"},
		{name: "PUT", method: "PUT", target: "TrentService.Echo", body: `{}`, wantSt: 405, wantTy: "UnknownOperationException", wantMsg: "PUT"},
		{name: "wrong path", path: "/keys", target: "TrentService.Echo", body: `{}`, wantSt: 400, wantTy: "UnknownOperationException", wantMsg: "path /keys"},
		{name: "missing target", body: `{}`, wantSt: 400, wantTy: "UnknownOperationException", wantMsg: "missing X-Amz-Target"},
		{name: "bare prefix", target: "TrentService.", body: `{}`, wantSt: 400, wantTy: "UnknownOperationException", wantMsg: "names no operation"},
		{name: "dotted op", target: "TrentService.KmsmacReference.SetKeyState", body: `{}`, wantSt: 400, wantTy: "UnknownOperationException", wantMsg: "names no operation"},
		{name: "control chars in target echoed safely", target: "TrentService.\x7f", body: `{}`, wantSt: 400, wantTy: "UnknownOperationException", wantOp: "\x7f"},
		{name: "missing content type", noCT: true, target: "TrentService.Echo", body: `{}`, wantSt: 400, wantTy: "SerializationException", wantMsg: "unsupported Content-Type"},
		{name: "text/plain", ct: "text/plain", target: "TrentService.Echo", body: `{}`, wantSt: 400, wantTy: "SerializationException", wantMsg: `"text/plain"`},
		{name: "garbage content type", ct: ";;;", target: "TrentService.Echo", body: `{}`, wantSt: 400, wantTy: "SerializationException"},

		{name: "client error", target: "TrentService.NotFound", body: `{}`, wantSt: 400, wantTy: "NotFoundException", wantMsg: "does not exist", wantOp: "NotFound"},
		{name: "no message member", target: "TrentService.InvalidMac", body: `{}`, wantSt: 400, wantTy: "KMSInvalidMacException", wantMsg: "-", wantOp: "InvalidMac"},
		{name: "wrapped *Error", target: "TrentService.Wrapped", body: `{}`, wantSt: 400, wantTy: "DisabledException", wantMsg: "disabled", wantOp: "Wrapped"},
		{name: "zero status is 400", target: "TrentService.Zero", body: `{}`, wantSt: 400, wantTy: "ValidationException", wantOp: "Zero"},
		{name: "non-error status is 500", target: "TrentService.BadStatus", body: `{}`, wantSt: 500, wantTy: "Weird", wantOp: "BadStatus"},
		{name: "server fault", target: "TrentService.Internal", body: `{}`, wantSt: 500, wantTy: "KeyUnavailableException", wantOp: "Internal"},
		{name: "plain error hidden", target: "TrentService.Plain", body: `{}`, wantSt: 500, wantTy: "KMSInternalException", wantMsg: "unknown error", wantOp: "Plain"},
		{name: "untyped error", target: "TrentService.Untyped", body: `{}`, wantSt: 500, wantTy: "KMSInternalException", wantOp: "Untyped"},
		{name: "panic", target: "TrentService.Panic", body: `{}`, wantSt: 500, wantTy: "KMSInternalException", wantOp: "Panic"},
		{name: "escaping", target: "TrentService.Escapes", body: `{}`, wantSt: 400, wantTy: "ValidationException", wantMsg: "quote \" backslash \\ nl \n tab \t ctl \x01 bad \ufffd ls \u2028 ok é", wantOp: "Escapes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeCaller{}
			h := NewHandler(f, HandlerOptions{})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, c.request())
			checkResponse(t, rec, c.wantSt, c.wantTy, c.wantMsg)
			if c.wantTy == "" && rec.Body.String() != c.wantOut {
				t.Errorf("body = %q, want %q", rec.Body.String(), c.wantOut)
			}
			switch {
			case c.wantOp == "" && len(f.ops) != 0:
				t.Errorf("caller ran %q; the transport should have refused first", f.ops)
			case c.wantOp != "" && (len(f.ops) != 1 || f.ops[0] != c.wantOp):
				t.Errorf("caller ops = %q, want [%q]", f.ops, c.wantOp)
			}
			if c.wantOp != "" && string(f.last) != c.body {
				t.Errorf("caller body = %q, want %q", f.last, c.body)
			}
		})
	}
}

// checkResponse asserts the headers every response carries and the status,
// __type and message.
func checkResponse(t *testing.T, rec *httptest.ResponseRecorder, wantSt int, wantTy, wantMsg string) {
	t.Helper()
	if rec.Code != wantSt {
		t.Errorf("status = %d, want %d (body %s)", rec.Code, wantSt, rec.Body)
	}
	if got := rec.Header().Get("Content-Type"); got != ContentType {
		t.Errorf("Content-Type = %q", got)
	}
	if id := rec.Header().Get("x-amzn-RequestId"); !uuidRE.MatchString(id) {
		t.Errorf("x-amzn-RequestId = %q, want a v4 UUID", id)
	}
	if got, want := rec.Header().Get("Content-Length"), fmt.Sprint(rec.Body.Len()); got != want {
		t.Errorf("Content-Length = %q, body has %s bytes", got, want)
	}
	if wantTy == "" {
		return
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("error body %q is not JSON: %v", rec.Body, err)
	}
	if m["__type"] != wantTy {
		t.Errorf("__type = %v, want %s", m["__type"], wantTy)
	}
	msg, has := m["message"]
	switch {
	case wantMsg == "-":
		if has || len(m) != 1 {
			t.Errorf("body %s: want __type only", rec.Body)
		}
	case !has:
		t.Errorf("body %s has no message", rec.Body)
	case !strings.Contains(msg.(string), wantMsg):
		t.Errorf("message = %q, want it to contain %q", msg, wantMsg)
	}
	if s, _ := msg.(string); strings.Contains(s, "SECRET") {
		t.Errorf("message leaks the caller's internal error: %q", s)
	}
}

func TestHandlerBodyLimit(t *testing.T) {
	const limit = 1000
	cases := []struct {
		name    string
		n       int
		chunked bool // ContentLength unknown, so the limit must hold while reading
		wantSt  int
	}{
		{"at limit", limit, false, 200},
		{"at limit chunked", limit, true, 200},
		{"over limit", limit + 1, false, 413},
		{"over limit chunked", limit + 1, true, 413},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeCaller{}
			h := NewHandler(f, HandlerOptions{MaxBody: limit})
			body := bytes.Repeat([]byte("a"), c.n)
			r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
			if c.chunked {
				r.ContentLength = -1
			}
			r.Header.Set("X-Amz-Target", "TrentService.Echo")
			r.Header.Set("Content-Type", ContentType)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			ty := ""
			if c.wantSt != 200 {
				ty = "RequestEntityTooLargeException"
			}
			checkResponse(t, rec, c.wantSt, ty, "larger than 1000 bytes")
			if c.wantSt == 200 && len(f.last) != c.n {
				t.Errorf("caller got %d bytes, want %d", len(f.last), c.n)
			}
			if c.wantSt != 200 && len(f.ops) != 0 {
				t.Errorf("caller ran on an oversized body")
			}
		})
	}
}

// endless is an infinite body that counts what was read from it.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestHandlerNeverReadsWholeStream(t *testing.T) {
	h := NewHandler(&fakeCaller{}, HandlerOptions{})
	body := &endless{}
	r := httptest.NewRequest("POST", "/", body)
	r.ContentLength = -1
	r.Header.Set("X-Amz-Target", "TrentService.Echo")
	r.Header.Set("Content-Type", ContentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	checkResponse(t, rec, 413, "RequestEntityTooLargeException", "larger than")
	if body.n > DefaultMaxBody+1 {
		t.Errorf("read %d bytes of an endless body; limit is %d", body.n, DefaultMaxBody)
	}
	// A declared length over the limit is refused without reading at all.
	body = &endless{}
	r = httptest.NewRequest("POST", "/", body)
	r.ContentLength = DefaultMaxBody + 1
	r.Header.Set("X-Amz-Target", "TrentService.Echo")
	r.Header.Set("Content-Type", ContentType)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	checkResponse(t, rec, 413, "RequestEntityTooLargeException", "larger than")
	if body.n != 0 {
		t.Errorf("read %d bytes of a body declared too large", body.n)
	}
}

// TestHandlerLog checks one line per request, with operation and status,
// and that bodies, messages and internal errors never reach the log.
func TestHandlerLog(t *testing.T) {
	var log bytes.Buffer
	h := NewHandler(&fakeCaller{}, HandlerOptions{Log: &log})
	reqs := []reqCase{
		{target: "TrentService.Echo", body: `{"Message":"U0VDUkVULWJvZHk="}`},
		{target: "TrentService.NotFound", body: `{}`},
		{target: "TrentService.Panic", body: `{}`},
		{target: "TrentService.Plain", body: `{}`},
		{method: "GET"},
		{target: "TrentService.\n\x1b[31mforged 200"},
	}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		for _, c := range reqs {
			wg.Go(func() { h.ServeHTTP(httptest.NewRecorder(), c.request()) })
		}
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	// One line per request plus one diagnostic line per panic and per plain error.
	if want := 10*len(reqs) + 20; len(lines) != want {
		t.Fatalf("%d log lines, want %d:\n%s", len(lines), want, log.String())
	}
	lineRE := regexp.MustCompile(`^\S+Z [0-9a-f-]{36} \d{3} \S+ \S+ \d+\.\d{3}ms$`)
	counts := map[string]int{}
	for _, l := range lines {
		if strings.Contains(l, "U0VDUkVU") || strings.Contains(l, "does not exist") {
			t.Errorf("log line leaks a body or an error message: %q", l)
		}
		// Caller bugs are logged with what is needed to fix them.
		if strings.Contains(l, "panic in") {
			if !strings.Contains(l, "panic in Panic at ") || !strings.Contains(l, "fakeCaller).Call (handler_test.go:") || !strings.HasSuffix(l, "SECRET-panic") {
				t.Errorf("panic line %q lacks the site or the value", l)
			}
			continue
		}
		if strings.Contains(l, "non-AWS error") {
			if !strings.HasSuffix(l, "Plain failed with a non-AWS error: SECRET-plain-error") {
				t.Errorf("error line %q", l)
			}
			continue
		}
		if !lineRE.MatchString(l) {
			t.Errorf("malformed log line %q", l)
			continue
		}
		f := strings.Fields(l)
		counts[f[2]+" "+f[3]+" "+f[4]]++
	}
	for _, want := range []string{"200 - Echo", "400 NotFoundException NotFound", "500 KMSInternalException Panic",
		"500 KMSInternalException Plain", "405 UnknownOperationException -", "400 UnknownOperationException ??[31mforged?200"} {
		if counts[want] != 10 {
			t.Errorf("%d lines for %q, want 10 (all: %v)", counts[want], want, counts)
		}
	}
}

// TestHandlerLogErrorsOnly checks that successes are left out and errors
// (4xx, 5xx) are logged with their code.
func TestHandlerLogErrorsOnly(t *testing.T) {
	var log bytes.Buffer
	h := NewHandler(&fakeCaller{}, HandlerOptions{Log: &log, LogErrorsOnly: true})
	for _, c := range []reqCase{
		{target: "TrentService.Echo", body: `{}`},
		{target: "TrentService.Nil", body: `{}`},
		{target: "TrentService.Zero", body: `{}`},
		{target: "TrentService.Internal", body: `{}`},
	} {
		h.ServeHTTP(httptest.NewRecorder(), c.request())
	}
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], " 400 ValidationException Zero ") ||
		!strings.Contains(lines[1], " 500 KeyUnavailableException Internal ") {
		t.Errorf("log of 2 successes and 2 errors:\n%s", log.String())
	}
}

// TestHandlerOverLoopback checks what a real client sees on the wire,
// and that the server keeps serving after a panic.
func TestHandlerOverLoopback(t *testing.T) {
	srv := httptest.NewServer(NewHandler(&fakeCaller{}, HandlerOptions{}))
	defer srv.Close()
	post := func(target, body string) *http.Response {
		req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", ContentType)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for i, c := range []struct {
		target string
		status int
		body   string
	}{
		{"TrentService.Panic", 500, `{"__type":"KMSInternalException","message":"The request processing has failed because of an unknown error, exception or failure."}`},
		{"TrentService.Echo", 200, `{"a":1}`},
		{"TrentService.InvalidMac", 400, `{"__type":"KMSInvalidMacException"}`},
	} {
		resp := post(c.target, `{"a":1}`)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || string(b) != c.body {
			t.Errorf("%d: %s -> %d %s, want %d %s", i, c.target, resp.StatusCode, b, c.status, c.body)
		}
		if resp.Header.Get("Content-Type") != ContentType || !uuidRE.MatchString(resp.Header.Get("X-Amzn-RequestId")) {
			t.Errorf("%d: headers %v", i, resp.Header)
		}
	}
}

func TestRequestIDsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := newRequestID()
		if !uuidRE.MatchString(id) || seen[id] {
			t.Fatalf("bad or repeated request id %q", id)
		}
		seen[id] = true
	}
}

// TestHandlerAuthenticate: the hook sees the request and the whole body
// before the Caller, and its error is the answer.
func TestHandlerAuthenticate(t *testing.T) {
	f := &fakeCaller{}
	var seen string
	h := NewHandler(f, HandlerOptions{Authenticate: func(r *http.Request, body []byte) (context.Context, error) {
		seen = r.Method + " " + r.Header.Get("Authorization") + " " + string(body)
		if r.Header.Get("Authorization") == "" {
			return nil, ClientError("MissingAuthenticationTokenException", "no signature")
		}
		return r.Context(), nil
	}})
	for _, c := range []struct {
		auth   string
		status int
	}{{"", 400}, {"AWS4-HMAC-SHA256 x", 200}} {
		f.ops = nil
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"a":1}`))
		r.Header.Set("X-Amz-Target", "TrentService.Echo")
		r.Header.Set("Content-Type", ContentType)
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != c.status || seen != "POST "+c.auth+` {"a":1}` {
			t.Errorf("auth %q: %d %s, hook saw %q", c.auth, w.Code, w.Body, seen)
		}
		if called := len(f.ops) > 0; called != (c.status == 200) {
			t.Errorf("auth %q: caller called = %v", c.auth, called)
		}
	}
}
