package request_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/awsjson"
	"github.com/kmsmac/kmsmac/reference/request"
)

// TestFastPathTakesSDKBodies: the bodies aws-sdk-go-v2 actually sends for
// GenerateMac and VerifyMac, with and without the optional members, must
// take the fast path, or it speeds up nothing users run.
func TestFastPathTakesSDKBodies(t *testing.T) {
	svc := reference.NewService(reference.Options{})
	h := awsjson.NewHandler(svc, awsjson.HandlerOptions{})
	var mu sync.Mutex
	bodies := map[string][][]byte{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
		mu.Lock()
		bodies[op] = append(bodies[op], body)
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := kms.NewFromConfig(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	}, func(o *kms.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.RetryMaxAttempts = 1
	})
	ctx := context.Background()
	key, err := c.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac384, KeyUsage: types.KeyUsageTypeGenerateVerifyMac})
	if err != nil {
		t.Fatal(err)
	}
	msg := bytes.Repeat([]byte("m"), 4096)
	gen, err := c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: key.KeyMetadata.Arn, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha384})
	if err != nil {
		t.Fatal(err)
	}
	// These two fail (no such grant, DryRun); only their bodies matter.
	c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: key.KeyMetadata.KeyId, Message: []byte{0}, MacAlgorithm: types.MacAlgorithmSpecHmacSha384,
		GrantTokens: []string{"token-a", "token-b"}, DryRun: aws.Bool(true)})
	c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: key.KeyMetadata.KeyId, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha384,
		Mac: gen.Mac, GrantTokens: []string{"t"}, DryRun: aws.Bool(false)})
	ver, err := c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: key.KeyMetadata.KeyId, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha384, Mac: gen.Mac})
	if err != nil || !ver.MacValid {
		t.Fatalf("VerifyMac of the SDK's own MAC: %v %v", ver, err)
	}

	for op, verify := range map[string]bool{"GenerateMac": false, "VerifyMac": true} {
		if len(bodies[op]) != 2 {
			t.Fatalf("%s: recorded %d bodies, want 2", op, len(bodies[op]))
		}
		for _, b := range bodies[op] {
			if !request.CheckMacDecode(t, b, verify) {
				t.Errorf("%s body %.200q did not take the fast path", op, b)
			}
		}
	}
}
