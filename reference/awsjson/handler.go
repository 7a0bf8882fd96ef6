package awsjson

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Wire constants of AWS JSON 1.1 for KMS.
const (
	ContentType  = "application/x-amz-json-1.1"
	TargetPrefix = "TrentService."
	// DefaultMaxBody is the request body limit. The largest legitimate
	// request of the operations we serve (ten 8 KiB grant tokens plus a
	// 6 KiB Mac in base64) is about 100 KiB.
	DefaultMaxBody = 1 << 20
)

// Caller runs one operation. op is the X-Amz-Target with "TrentService."
// removed, or the whole target for any other prefix. body is valid only
// during the call (the handler reuses its buffer), so Call must not keep it
// or return a slice of it. A failure should be a *Error; any other error
// becomes a 500 KMSInternalException.
type Caller interface {
	Call(ctx context.Context, op string, body []byte) ([]byte, error)
}

// HandlerOptions configure NewHandler. The zero value is usable.
type HandlerOptions struct {
	// MaxBody is the largest request body accepted, in bytes; 0 means
	// DefaultMaxBody. Larger bodies get 413 without being read in full.
	MaxBody int64
	// Log receives one line per request: request id, status, error code,
	// operation, duration; never bodies, messages or key material. Nil
	// logs nothing. Writes are serialised, so any io.Writer is safe.
	Log io.Writer
	// LogErrorsOnly logs only the requests answered with an error (4xx,
	// 5xx): the ones worth a look when a server runs for long.
	LogErrorsOnly bool
	// Authenticate, when set, runs once the body is read and before the
	// Caller: it returns the context the call runs in (carrying who is
	// calling) or the error to answer instead, e.g. a bad signature.
	Authenticate func(r *http.Request, body []byte) (context.Context, error)
}

type handler struct {
	c       Caller
	maxBody int64
	log     *logger
	errOnly bool
	auth    func(r *http.Request, body []byte) (context.Context, error)
	bufs    sync.Pool // *bytes.Buffer for request bodies
}

// NewHandler returns the awsJson1_1 HTTP handler in front of c.
func NewHandler(c Caller, o HandlerOptions) http.Handler {
	h := &handler{c: c, maxBody: o.MaxBody, errOnly: o.LogErrorsOnly, auth: o.Authenticate}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBody
	}
	if o.Log != nil {
		h.log = &logger{w: o.Log}
	}
	h.bufs.New = func() any { return new(bytes.Buffer) }
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now() // the real clock, even when the service's is faked
	id := newRequestID()
	hdr := w.Header()
	hdr["Content-Type"] = []string{ContentType}
	hdr["X-Amzn-Requestid"] = []string{id}

	target := r.Header.Get("X-Amz-Target")
	status, code := h.serve(w, r, target)
	if h.log != nil && (status >= 400 || !h.errOnly) {
		h.log.request(start, id, status, code, target, time.Since(start))
	}
}

// serve answers the request and returns the HTTP status and the error
// code ("" on success) it wrote.
func (h *handler) serve(w http.ResponseWriter, r *http.Request, target string) (int, string) {
	if r.Method != http.MethodPost {
		// 405 is HTTP's answer to a wrong method; SDKs never send one, so
		// WIRE-11's "client errors are 400" (about operations) is unaffected.
		w.Header().Set("Allow", http.MethodPost)
		return writeError(w, &Error{Type: "UnknownOperationException",
			Message: fmt.Sprintf("HTTP method %s is not supported: KMS operations are POST /", safe(r.Method)),
			Status:  http.StatusMethodNotAllowed})
	}
	if r.URL.Path != "/" {
		return writeError(w, ClientError("UnknownOperationException",
			fmt.Sprintf("path %s is not served: KMS operations are POST /", safe(r.URL.Path))))
	}
	op, ok := operation(target)
	if !ok {
		if target == "" {
			return writeError(w, ClientError("UnknownOperationException",
				"missing X-Amz-Target header: expected TrentService.<Operation>"))
		}
		return writeError(w, ClientError("UnknownOperationException",
			fmt.Sprintf("X-Amz-Target %s names no operation: expected TrentService.<Operation>", safe(target))))
	}
	if ct := r.Header.Get("Content-Type"); !acceptedContentType(ct) {
		return writeError(w, ClientError("SerializationException",
			fmt.Sprintf("unsupported Content-Type %q: use %s", safe(ct), ContentType)))
	}
	if r.ContentLength > h.maxBody {
		return writeError(w, tooLarge(h.maxBody))
	}

	buf := h.bufs.Get().(*bytes.Buffer)
	defer h.putBuf(buf)
	buf.Reset()
	// Read at most limit+1 bytes: enough to tell "too large" without
	// consuming an endless stream.
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, h.maxBody+1)); err != nil {
		return writeError(w, ClientError("SerializationException", "could not read the request body"))
	}
	if int64(buf.Len()) > h.maxBody {
		return writeError(w, tooLarge(h.maxBody))
	}

	ctx := r.Context()
	if h.auth != nil {
		c, err := h.auth(r, buf.Bytes())
		if err != nil {
			return h.fail(w, op, err)
		}
		ctx = c
	}
	out, err := h.call(ctx, op, buf.Bytes())
	if err != nil {
		return h.fail(w, op, err)
	}
	if out == nil {
		out = emptyObject
	}
	w.Header()["Content-Length"] = []string{strconv.Itoa(len(out))}
	w.WriteHeader(http.StatusOK)
	w.Write(out)
	return http.StatusOK, ""
}

var emptyObject = []byte("{}")

// call runs the operation, turning a panic into an internal error so one
// bad request never takes the server down.
func (h *handler) call(ctx context.Context, op string, body []byte) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			if h.log != nil {
				h.log.printf("panic in %s at %s: %s", safe(op), panicSite(), safe(fmt.Sprint(p)))
			}
			out, err = nil, internalError()
		}
	}()
	return h.c.Call(ctx, op, body)
}

// panicSite names the function and line that panicked; called from the
// deferred recover.
func panicSite() string {
	var pcs [32]uintptr
	n := runtime.Callers(3, pcs[:]) // skip Callers, panicSite, the deferred func
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf("%s (%s:%d)", f.Function, filepath.Base(f.File), f.Line)
		}
		if !more {
			return "unknown"
		}
	}
}

func (h *handler) putBuf(b *bytes.Buffer) {
	// Keep only ordinary-sized buffers so one huge request doesn't pin memory.
	if b.Cap() <= 64<<10 {
		h.bufs.Put(b)
	}
}

// operation maps an X-Amz-Target to the op passed to the Caller.
func operation(target string) (string, bool) {
	if op, ok := strings.CutPrefix(target, TargetPrefix); ok {
		// KMS operation names have no dot; this also keeps
		// "TrentService.KmsmacReference.X" from reaching a control.
		return op, op != "" && !strings.Contains(op, ".")
	}
	// Other prefixes (e.g. KmsmacReference.SetKeyState) go through whole;
	// the Caller decides whether it knows them.
	return target, target != ""
}

// acceptedContentType accepts awsJson 1.1 and, leniently, 1.0 and plain
// JSON, ignoring parameters such as charset.
func acceptedContentType(ct string) bool {
	if ct == ContentType {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case ContentType, "application/x-amz-json-1.0", "application/json":
		return true
	}
	return false
}

func tooLarge(limit int64) *Error {
	return &Error{Type: "RequestEntityTooLargeException",
		Message: fmt.Sprintf("request body is larger than %d bytes", limit),
		Status:  http.StatusRequestEntityTooLarge}
}

func internalError() *Error {
	return ServerError("KMSInternalException", "The request processing has failed because of an unknown error, exception or failure.")
}

// fail writes the error the Caller returned. Anything but a usable *Error
// is a bug in the Caller: log it and answer 500 KMSInternalException.
func (h *handler) fail(w http.ResponseWriter, op string, err error) (int, string) {
	var e *Error
	if !errors.As(err, &e) || e == nil || e.Type == "" {
		if h.log != nil {
			h.log.printf("%s failed with a non-AWS error: %s", safe(op), safe(err.Error()))
		}
		e = internalError()
	}
	return writeError(w, e)
}

// Safe bounds (128 bytes) and cleans client-supplied text, e.g. an
// unknown X-Amz-Target, before a Caller echoes it in an error message.
func Safe(s string) string { return safe(s) }

// safe bounds and cleans client-supplied text before it is echoed in a
// message or a log line.
func safe(s string) string {
	const max = 128
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\uFFFD' {
			return '?'
		}
		return r
	}, s)
}
