package reference_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/kmsmac/kmsmac/internal/syncbuf"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmw "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"github.com/kmsmac/kmsmac/internal/keywrap"
	"github.com/kmsmac/kmsmac/reference"
)

// sdkClient is a KMS client for srv with static dummy credentials and no
// shared config, so nothing from the user's environment is read.
func sdkClient(srv *reference.Server) *kms.Client {
	return kms.NewFromConfig(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	}, func(o *kms.Options) {
		o.BaseEndpoint = aws.String(srv.URL())
		o.RetryMaxAttempts = 1
	})
}

// TestServerWithSDK drives the server with aws-sdk-go-v2: success outputs,
// typed errors (so __type is parsed as the SDK expects), request ids.
func TestServerWithSDK(t *testing.T) {
	var log syncbuf.Buffer
	srv := reference.NewServer(reference.Options{Region: "eu-central-1", Account: "210987654321", Log: &log})
	defer srv.Close()
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(srv.URL()) {
		t.Fatalf("URL() = %q", srv.URL())
	}
	c := kms.NewFromConfig(aws.Config{
		Region:      "eu-central-1",
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	}, func(o *kms.Options) { o.BaseEndpoint = aws.String(srv.URL()); o.RetryMaxAttempts = 1 })
	ctx := context.Background()

	ck, err := c.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(ck.KeyMetadata.Arn)
	if !strings.HasPrefix(arn, "arn:aws:kms:eu-central-1:210987654321:key/") {
		t.Errorf("ARN %q", arn)
	}
	if id, _ := awsmw.GetRequestIDMetadata(ck.ResultMetadata); id == "" {
		t.Error("SDK found no request id")
	}
	msg := []byte("message")
	gm, err := c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: ck.KeyMetadata.KeyId, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha256})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(gm.KeyId) != arn || len(gm.Mac) != 32 {
		t.Errorf("GenerateMac = %s, %x", aws.ToString(gm.KeyId), gm.Mac)
	}
	vm, err := c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: &arn, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha256, Mac: gm.Mac})
	if err != nil || !vm.MacValid {
		t.Fatalf("VerifyMac = %+v, %v", vm, err)
	}

	bad := append([]byte(nil), gm.Mac...)
	bad[0] ^= 1
	_, err = c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: &arn, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha256, Mac: bad})
	var invalid *types.KMSInvalidMacException
	if !errors.As(err, &invalid) || invalid.ErrorMessage() != "" {
		t.Errorf("tampered MAC: %v, want KMSInvalidMacException without message", err)
	}
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: &arn}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: &arn, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha256})
	var disabled *types.DisabledException
	if !errors.As(err, &disabled) || disabled.ErrorMessage() != arn+" is disabled." {
		t.Errorf("disabled key: %v", err)
	}
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != 400 {
		t.Errorf("disabled key: status not 400: %v", err)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "DisabledException" {
		t.Errorf("error code: %v", err)
	}

	// The request log: one line per request, no key material or messages.
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 6 {
		t.Errorf("%d log lines for 6 requests:\n%s", len(lines), log.String())
	}
	for _, want := range []string{" 200 - CreateKey ", " 200 - GenerateMac ", " 400 KMSInvalidMacException VerifyMac ", " 400 DisabledException GenerateMac "} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	for _, leak := range []string{base64.StdEncoding.EncodeToString(msg), base64.StdEncoding.EncodeToString(gm.Mac), "is disabled"} {
		if strings.Contains(log.String(), leak) {
			t.Errorf("log contains %q", leak)
		}
	}
}

// TestServerServiceIsShared checks that Service() is the service behind
// the URL: a key made in-process is usable over HTTP.
func TestServerServiceIsShared(t *testing.T) {
	srv := reference.NewServer(reference.Options{})
	defer srv.Close()
	out, err := srv.Service().Call(context.Background(), "CreateKey", []byte(`{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`))
	if err != nil {
		t.Fatal(err)
	}
	var ck struct{ KeyMetadata struct{ KeyId string } }
	if err := json.Unmarshal(out, &ck); err != nil {
		t.Fatal(err)
	}
	d, err := sdkClient(srv).DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: &ck.KeyMetadata.KeyId})
	if err != nil || aws.ToString(d.KeyMetadata.KeyId) != ck.KeyMetadata.KeyId {
		t.Fatalf("DescribeKey over HTTP of a key made via Service(): %v", err)
	}
}

func TestServerClose(t *testing.T) {
	srv := reference.NewServer(reference.Options{})
	url := srv.URL()
	resp, err := http.Post(url+"/", "application/x-amz-json-1.1", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := http.Post(url+"/", "application/x-amz-json-1.1", strings.NewReader("{}")); err == nil {
		t.Error("server still answers after Close")
	}
	// The port is free again.
	again, err := reference.Start(strings.TrimPrefix(url, "http://"), reference.Options{})
	if err != nil {
		t.Fatalf("port not released: %v", err)
	}
	again.Close()
}

func TestStartErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, addr := range []string{busy.Addr().String(), "not-an-address", "127.0.0.1:99999"} {
		if srv, err := reference.Start(addr, reference.Options{}); err == nil {
			srv.Close()
			t.Errorf("Start(%q) succeeded", addr)
		}
	}
}

// TestServerTransportErrors checks that transport-level refusals reach a
// real client with AWS-style bodies and headers.
func TestServerTransportErrors(t *testing.T) {
	srv := reference.NewServer(reference.Options{AuthOff: true}) // unsigned requests: transport, not identity

	defer srv.Close()
	cases := []struct {
		method, path, target, ct string
		body                     string
		status                   int
		typ                      string
	}{
		{"GET", "/", "", "", "", 405, "UnknownOperationException"},
		{"POST", "/x", "TrentService.ListKeys", "application/x-amz-json-1.1", "{}", 400, "UnknownOperationException"},
		{"POST", "/", "", "application/x-amz-json-1.1", "{}", 400, "UnknownOperationException"},
		{"POST", "/", "TrentService.Nope", "application/x-amz-json-1.1", "{}", 400, "UnknownOperationException"},
		{"POST", "/", "TrentService.ListKeys", "text/plain", "{}", 400, "SerializationException"},
		{"POST", "/", "TrentService.ListKeys", "application/x-amz-json-1.1", "{", 400, "SerializationException"},
		{"POST", "/", "TrentService.ListKeys", "application/x-amz-json-1.1", strings.Repeat(" ", 1<<20+1), 413, "RequestEntityTooLargeException"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, srv.URL()+c.path, strings.NewReader(c.body))
		if c.target != "" {
			req.Header.Set("X-Amz-Target", c.target)
		}
		if c.ct != "" {
			req.Header.Set("Content-Type", c.ct)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct {
			Type    string `json:"__type"`
			Message *string
		}
		json.Unmarshal(b, &e)
		if resp.StatusCode != c.status || e.Type != c.typ || e.Message == nil || *e.Message == "" {
			t.Errorf("%s %s %s: %d %s, want %d %s with a message", c.method, c.path, c.target, resp.StatusCode, b, c.status, c.typ)
		}
		if resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" || resp.Header.Get("x-amzn-RequestId") == "" {
			t.Errorf("%s %s %s: headers %v", c.method, c.path, c.target, resp.Header)
		}
	}
}

// TestServerLongTargetClipped checks that an unknown X-Amz-Target is not
// echoed whole: a 60 KB target gave a 60 KB error body.
func TestServerLongTargetClipped(t *testing.T) {
	srv := reference.NewServer(reference.Options{AuthOff: true})
	defer srv.Close()
	for _, target := range []string{"TrentService." + strings.Repeat("A", 60<<10), "Other." + strings.Repeat("B", 60<<10), "TrentService.x." + strings.Repeat("C", 60<<10)} {
		req, _ := http.NewRequest("POST", srv.URL()+"/", strings.NewReader("{}"))
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), "UnknownOperationException") || len(b) > 512 {
			t.Errorf("target %.20s...: %d, %d-byte body %.200s; want 400 UnknownOperationException in at most 512 bytes", target, resp.StatusCode, len(b), b)
		}
	}
}

// ExampleNewServer shows the reference endpoint in another project's Go
// test: start it, point aws-sdk-go-v2 at it, use it like KMS.
func ExampleNewServer() {
	srv := reference.NewServer(reference.Options{}) // 127.0.0.1, free port
	defer srv.Close()

	client := kms.NewFromConfig(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), // not checked
	}, func(o *kms.Options) {
		o.BaseEndpoint = aws.String(srv.URL())
	})
	ctx := context.Background()

	key, err := client.CreateKey(ctx, &kms.CreateKeyInput{
		KeySpec:  types.KeySpecHmac256,
		KeyUsage: types.KeyUsageTypeGenerateVerifyMac,
	})
	if err != nil {
		panic(err)
	}
	mac, err := client.GenerateMac(ctx, &kms.GenerateMacInput{
		KeyId:        key.KeyMetadata.KeyId,
		Message:      []byte("hello"),
		MacAlgorithm: types.MacAlgorithmSpecHmacSha256,
	})
	if err != nil {
		panic(err)
	}
	ok, err := client.VerifyMac(ctx, &kms.VerifyMacInput{
		KeyId:        key.KeyMetadata.KeyId,
		Message:      []byte("hello"),
		MacAlgorithm: types.MacAlgorithmSpecHmacSha256,
		Mac:          mac.Mac,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(mac.Mac), ok.MacValid)
	// Output: 32 true
}

// BenchmarkHTTPGenerateMac is one 4 KiB HMAC_SHA_256 GenerateMac through
// the whole endpoint: loopback HTTP with keep-alive, transport, service.
func BenchmarkHTTPGenerateMac(b *testing.B) {
	srv := reference.NewServer(reference.Options{AuthOff: true}) // unsigned; the signed path is in reference/auth's benchmarks
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()

	call := func(target string, body []byte) []byte {
		req, _ := http.NewRequest("POST", srv.URL()+"/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		out, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("%s: %d %s %v", target, resp.StatusCode, out, err)
		}
		return out
	}
	var ck struct{ KeyMetadata struct{ KeyId string } }
	json.Unmarshal(call("TrentService.CreateKey", []byte(`{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`)), &ck)
	msg := bytes.Repeat([]byte{0xa5}, 4096)
	body, _ := json.Marshal(map[string]any{"KeyId": ck.KeyMetadata.KeyId, "Message": msg, "MacAlgorithm": "HMAC_SHA_256"})

	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		call("TrentService.GenerateMac", body)
	}
}

// TestServerImportedMaterial imports known material through the SDK and
// checks GenerateMac against RFC 2104 HMAC computed here, with the 4 KiB
// message of BenchmarkHTTPGenerateMac.
func TestServerImportedMaterial(t *testing.T) {
	srv := reference.NewServer(reference.Options{})
	defer srv.Close()
	c := sdkClient(srv)
	ctx := context.Background()
	ck, err := c.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac, Origin: types.OriginTypeExternal})
	if err != nil {
		t.Fatal(err)
	}
	id := ck.KeyMetadata.KeyId
	p, err := c.GetParametersForImport(ctx, &kms.GetParametersForImportInput{KeyId: id,
		WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256, WrappingKeySpec: types.WrappingKeySpecRsa2048})
	if err != nil {
		t.Fatal(err)
	}
	material := bytes.Repeat([]byte{7}, 32)
	wrapped, err := keywrap.Wrap(p.PublicKey, "RSAES_OAEP_SHA_256", material)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ImportKeyMaterial(ctx, &kms.ImportKeyMaterialInput{KeyId: id, ImportToken: p.ImportToken,
		EncryptedKeyMaterial: wrapped, ExpirationModel: types.ExpirationModelTypeKeyMaterialDoesNotExpire}); err != nil {
		t.Fatal(err)
	}
	msg := bytes.Repeat([]byte{0xa5}, 4096)
	gm, err := c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: id, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha256})
	if err != nil {
		t.Fatal(err)
	}
	h := hmac.New(sha256.New, material)
	h.Write(msg)
	if want := h.Sum(nil); !bytes.Equal(gm.Mac, want) {
		t.Errorf("MAC %x, RFC 2104 HMAC %x", gm.Mac, want)
	}
}

// TestTransports runs the same exchange over both transports, and an
// unknown transport is an error, not a silent default.
func TestTransports(t *testing.T) {
	for _, tr := range []string{reference.TransportH1, reference.TransportNetHTTP} {
		srv, err := reference.Start("127.0.0.1:0", reference.Options{Transport: tr, AuthOff: true}) // signed calls over h1 are the SDK tests
		if err != nil {
			t.Fatalf("%s: %v", tr, err)
		}
		req, _ := http.NewRequest("POST", srv.URL()+"/", strings.NewReader(`{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`))
		req.Header.Set("X-Amz-Target", "TrentService.CreateKey")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tr, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"KeyState":"Enabled"`) || resp.Header.Get("X-Amzn-Requestid") == "" {
			t.Errorf("%s: %d %s %v", tr, resp.StatusCode, b, resp.Header)
		}
		srv.Close()
	}
	if srv, err := reference.Start("127.0.0.1:0", reference.Options{Transport: "h3"}); err == nil {
		srv.Close()
		t.Error("unknown transport accepted")
	}
}
