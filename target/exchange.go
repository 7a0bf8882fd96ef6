package target

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// exchange is the last HTTP request/response of one call; the SDK path
// fills it through recordingTransport so SDK and raw outcomes look alike.
type exchange struct {
	reqBody []byte
	status  int
	header  http.Header
	body    []byte
}

type exchangeKey struct{}

func withExchange(ctx context.Context, x *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, x)
}

// recordingTransport copies request and response bodies into the exchange
// found in the request context (requests without one pass untouched).
type recordingTransport struct{ next http.RoundTripper }

// maxBody bounds what one response may make us hold in memory.
const maxBody = 8 << 20

func (t recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	x, _ := req.Context().Value(exchangeKey{}).(*exchange)
	if x == nil {
		return t.next.RoundTrip(req)
	}
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		x.reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	x.status, x.header, x.body = resp.StatusCode, resp.Header.Clone(), b
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	return resp, nil
}
