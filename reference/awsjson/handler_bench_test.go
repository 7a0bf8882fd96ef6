package awsjson

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// constCaller answers every call with a fixed GenerateMac-sized output, so
// the benchmarks below measure the transport alone.
type constCaller struct{ out []byte }

func (c constCaller) Call(context.Context, string, []byte) ([]byte, error) { return c.out, nil }

var benchOut = []byte(`{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","Mac":"8y3Orrc6NK7g4gYWJaqmGTSmyWURx3BXd0C1m0KnGYQ=","MacAlgorithm":"HMAC_SHA_256"}`)

// benchBody is the size of a 4 KiB GenerateMac request (base64 message).
var benchBody = bytes.Repeat([]byte("A"), 5600)

// BenchmarkHandler is the handler's own cost per request, no network.
func BenchmarkHandler(b *testing.B) {
	h := NewHandler(constCaller{benchOut}, HandlerOptions{Log: io.Discard})
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBody)))
	r := httptest.NewRequest("POST", "/", nil)
	r.Header.Set("X-Amz-Target", "TrentService.GenerateMac")
	r.Header.Set("Content-Type", ContentType)
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(benchBody))
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}

// BenchmarkHandlerLoopback adds net/http over loopback with keep-alive:
// the floor under any endpoint benchmark of the reference.
func BenchmarkHandlerLoopback(b *testing.B) {
	srv := httptest.NewServer(NewHandler(constCaller{benchOut}, HandlerOptions{Log: io.Discard}))
	defer srv.Close()
	client := srv.Client()
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBody)))
	for b.Loop() {
		req, _ := http.NewRequest("POST", srv.URL+"/", bytes.NewReader(benchBody))
		req.Header.Set("X-Amz-Target", "TrentService.GenerateMac")
		req.Header.Set("Content-Type", ContentType)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.Status)
		}
	}
}
