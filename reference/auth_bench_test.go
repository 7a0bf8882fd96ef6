package reference_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kmsmac/kmsmac/reference"
)

// BenchmarkHTTPGenerateMacAuth is BenchmarkHTTPGenerateMac signed (one
// pre-signed request, as `kmsmac bench --client raw` sends) and unsigned
// against auth off, so a profile shows what signature checking costs the
// server.
func BenchmarkHTTPGenerateMacAuth(b *testing.B) {
	for _, signed := range []bool{false, true} {
		name := "auth=off"
		if signed {
			name = "auth=on"
		}
		b.Run(name, func(b *testing.B) {
			srv := reference.NewServer(reference.Options{AuthOff: !signed})
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			defer client.CloseIdleConnections()
			creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
			signer := v4.NewSigner()
			header := func(target string, body []byte) http.Header {
				req, _ := http.NewRequest("POST", srv.URL()+"/", bytes.NewReader(body))
				req.Header.Set("X-Amz-Target", target)
				req.Header.Set("Content-Type", "application/x-amz-json-1.1")
				if signed {
					sum := sha256.Sum256(body)
					if err := signer.SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "kms", "us-east-1", time.Now()); err != nil {
						b.Fatal(err)
					}
				}
				return req.Header
			}
			call := func(h http.Header, body []byte) []byte {
				req, _ := http.NewRequest("POST", srv.URL()+"/", bytes.NewReader(body))
				req.Header = h
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				out, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("%d %s %v", resp.StatusCode, out, err)
				}
				return out
			}
			ckBody := []byte(`{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`)
			var ck struct{ KeyMetadata struct{ KeyId string } }
			json.Unmarshal(call(header("TrentService.CreateKey", ckBody), ckBody), &ck)
			msg := bytes.Repeat([]byte{0xa5}, 4096)
			body, _ := json.Marshal(map[string]any{"KeyId": ck.KeyMetadata.KeyId, "Message": msg, "MacAlgorithm": "HMAC_SHA_256"})
			h := header("TrentService.GenerateMac", body)
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				call(h, body)
			}
		})
	}
}
