package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kmsmac/kmsmac/bench/floor"
	"github.com/kmsmac/kmsmac/kmsspec"
	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/awsjson"
)

var sizes = []int{64, 1024, 4096}

// caller is anything that takes a TrentService op and a JSON body.
type caller func(op string, body []byte) (status int, out []byte)

// target is an endpoint under benchmark.
type target struct {
	name string
	call caller
}

func serviceCaller(s *reference.Service) caller {
	ctx := context.Background()
	return func(op string, body []byte) (int, []byte) {
		out, err := s.Call(ctx, op, body)
		if err != nil {
			return 400, []byte(err.Error())
		}
		return 200, out
	}
}

// handlerCaller serves the request with h in memory: the server's work
// without the network and net/http's connection handling.
func handlerCaller(h http.Handler) caller {
	return func(op string, body []byte) (int, []byte) {
		r, _ := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("X-Amz-Target", "TrentService."+op)
		w := &recorder{h: http.Header{}, status: 200}
		h.ServeHTTP(w, r)
		return w.status, w.body.Bytes()
	}
}

// recorder is a minimal http.ResponseWriter (httptest's allocates more).
type recorder struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header         { return w.h }
func (w *recorder) WriteHeader(s int)           { w.status = s }
func (w *recorder) Write(p []byte) (int, error) { return w.body.Write(p) }

func httpCaller(url string) (caller, *http.Client) { return httpCallerSigned(url, false) }

// httpCallerSigned signs each request (SigV4, test/test) when sign is set,
// as SDK clients do; the signing is the client's cost, in the same process.
func httpCallerSigned(url string, sign bool) (caller, *http.Client) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true, Proxy: nil}}
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	return func(op string, body []byte) (int, []byte) {
		r, _ := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("X-Amz-Target", "TrentService."+op)
		if sign {
			sum := sha256.Sum256(body)
			if err := signer.SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "kms", "us-east-1", time.Now()); err != nil {
				return 0, []byte(err.Error())
			}
		}
		resp, err := hc.Do(r)
		if err != nil {
			return 0, []byte(err.Error())
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out
	}, hc
}

// createKey makes an HMAC key through the endpoint and returns its id.
func createKey(tb testing.TB, call caller, keySpec string) string {
	tb.Helper()
	status, out := call("CreateKey", []byte(`{"KeySpec":"`+keySpec+`","KeyUsage":"GENERATE_VERIFY_MAC"}`))
	var r struct{ KeyMetadata struct{ KeyId string } }
	if status != 200 || json.Unmarshal(out, &r) != nil || r.KeyMetadata.KeyId == "" {
		tb.Fatalf("CreateKey: %d %s", status, out)
	}
	return r.KeyMetadata.KeyId
}

func macBodies(keyID, alg string, msg, tag []byte) (gen, ver []byte) {
	m := base64.StdEncoding.EncodeToString(msg)
	gen = fmt.Appendf(nil, `{"KeyId":%q,"MacAlgorithm":%q,"Message":%q}`, keyID, alg, m)
	ver = fmt.Appendf(nil, `{"KeyId":%q,"Mac":%q,"MacAlgorithm":%q,"Message":%q}`, keyID, base64.StdEncoding.EncodeToString(tag), alg, m)
	return gen, ver
}

// benchOps runs GenerateMac and VerifyMac through call, checking the first
// answer of each so a broken endpoint fails instead of looking fast.
func benchOps(b *testing.B, name string, call caller, parallel bool) {
	for _, size := range sizes {
		for _, spec := range []kmsspec.Spec{kmsspec.Specs[1], kmsspec.Specs[3]} { // SHA-256, SHA-512
			keyID := createKey(b, call, spec.KeySpec)
			msg := bytes.Repeat([]byte("k"), size)
			gen, _ := macBodies(keyID, spec.Algorithm, msg, nil)
			status, out := call("GenerateMac", gen)
			var g struct{ Mac []byte }
			if status != 200 || json.Unmarshal(out, &g) != nil || len(g.Mac) != spec.Size {
				b.Fatalf("%s GenerateMac: %d %s", name, status, out)
			}
			_, ver := macBodies(keyID, spec.Algorithm, msg, g.Mac)
			for _, op := range []struct {
				name string
				body []byte
			}{{"GenerateMac", gen}, {"VerifyMac", ver}} {
				b.Run(fmt.Sprintf("endpoint=%s/op=%s/alg=%s/size=%d", name, op.name, spec.Algorithm, size), func(b *testing.B) {
					if status, out := call(op.name, op.body); status != 200 || !bytes.Contains(out, []byte(spec.Algorithm)) {
						b.Fatalf("%d %s", status, out)
					}
					b.SetBytes(int64(size))
					b.ReportAllocs()
					if !parallel {
						for b.Loop() {
							call(op.name, op.body)
						}
						return
					}
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if status, _ := call(op.name, op.body); status != 200 {
								b.Errorf("status %d", status)
								return
							}
						}
					})
				})
			}
		}
	}
}

// BenchmarkService is the reference's KMS semantics on raw JSON bodies
// (Service.Call): validation, key resolution, state checks, MAC, encoding.
func BenchmarkService(b *testing.B) {
	benchOps(b, "reference", serviceCaller(reference.NewService(reference.Options{})), false)
}

// BenchmarkHandler is the whole server-side request path in memory (the
// awsjson handler or the floor's), so allocs/op is the server's allocations
// per request apart from net/http's connection handling.
func BenchmarkHandler(b *testing.B) {
	svc := reference.NewService(reference.Options{})
	for _, t := range []target{
		{"reference", handlerCaller(awsjson.NewHandler(svc, awsjson.HandlerOptions{}))},
		{"floor", handlerCaller(floor.NewHandler())},
	} {
		benchOps(b, t.name, t.call, false)
	}
}

// BenchmarkHTTP is a request over loopback HTTP with GOMAXPROCS parallel
// clients in this process: client and server share the CPU, so read it as
// relative (reference vs floor), not as an endpoint's capacity; for that use
// kmsmac bench.
//
// "reference" runs with --auth off (unsigned, like the floor); "reference-
// signed" checks SigV4 on every request: the two side by side are what
// signature checking costs (client signing included, in this process).
func BenchmarkHTTP(b *testing.B) {
	ref := reference.NewServer(reference.Options{AuthOff: true})
	defer ref.Close()
	signed := reference.NewServer(reference.Options{})
	defer signed.Close()
	fl := floor.NewServer()
	defer fl.Close()
	for _, s := range []struct {
		name, url string
		sign      bool
	}{{"reference", ref.URL(), false}, {"reference-signed", signed.URL(), true}, {"floor", fl.URL(), false}} {
		call, hc := httpCallerSigned(s.url, s.sign)
		benchOps(b, s.name, call, true)
		hc.CloseIdleConnections()
	}
}

// TestEndpointsAgree checks the benchmark plumbing: every target computes
// the same MAC as the core for the same key, or the benchmarks would time
// broken answers. (The floor's and reference's keys differ, so each is
// checked by VerifyMac of its own MAC and the length, and the reference by
// its core through an imported-free path: Generate then Verify.)
func TestEndpointsAgree(t *testing.T) {
	ref := reference.NewServer(reference.Options{})
	defer ref.Close()
	fl := floor.NewServer()
	defer fl.Close()
	refHTTP, hc1 := httpCallerSigned(ref.URL(), true)
	defer hc1.CloseIdleConnections()
	flHTTP, hc2 := httpCaller(fl.URL())
	defer hc2.CloseIdleConnections()
	for _, tg := range []target{
		{"service", serviceCaller(reference.NewService(reference.Options{}))},
		{"reference-handler", handlerCaller(awsjson.NewHandler(reference.NewService(reference.Options{}), awsjson.HandlerOptions{}))},
		{"floor-handler", handlerCaller(floor.NewHandler())},
		{"reference-http", refHTTP},
		{"floor-http", flHTTP},
	} {
		for _, spec := range kmsspec.Specs {
			t.Run(tg.name+"/"+spec.Algorithm, func(t *testing.T) {
				keyID := createKey(t, tg.call, spec.KeySpec)
				msg := []byte("message")
				gen, _ := macBodies(keyID, spec.Algorithm, msg, nil)
				status, out := tg.call("GenerateMac", gen)
				var g struct {
					Mac          []byte
					MacAlgorithm string
				}
				if status != 200 || json.Unmarshal(out, &g) != nil {
					t.Fatalf("GenerateMac: %d %s", status, out)
				}
				if len(g.Mac) != spec.Size || g.MacAlgorithm != spec.Algorithm {
					t.Fatalf("GenerateMac: %d-byte MAC, algorithm %q; want %d, %s", len(g.Mac), g.MacAlgorithm, spec.Size, spec.Algorithm)
				}
				_, ver := macBodies(keyID, spec.Algorithm, msg, g.Mac)
				if status, out := tg.call("VerifyMac", ver); status != 200 || !strings.Contains(string(out), `"MacValid":true`) {
					t.Fatalf("VerifyMac of its own MAC: %d %s", status, out)
				}
				g.Mac[0] ^= 1
				_, bad := macBodies(keyID, spec.Algorithm, msg, g.Mac)
				if status, out := tg.call("VerifyMac", bad); status != 400 && !strings.Contains(string(out), "KMSInvalidMac") {
					t.Fatalf("VerifyMac of a wrong MAC: %d %s", status, out)
				}
			})
		}
	}
}
