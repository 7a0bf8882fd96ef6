package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"github.com/kmsmac/kmsmac/internal/keywrap"
)

// The Go SDK and the JavaScript SDK v3 against the real `kmsmac serve`
// binary, signatures checked (its default): answers asserted, MACs of
// imported material compared with crypto/hmac. Only 127.0.0.1.

func sdkClient(url, id, secret string) *kms.Client {
	return kms.NewFromConfig(aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")},
		func(o *kms.Options) { o.BaseEndpoint = aws.String(url); o.RetryMaxAttempts = 1 })
}

// importedHMACKey creates an HMAC_256 key with the given material imported.
func importedHMACKey(t *testing.T, c *kms.Client, material []byte) string {
	t.Helper()
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
	wrapped, err := keywrap.Wrap(p.PublicKey, "RSAES_OAEP_SHA_256", material)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ImportKeyMaterial(ctx, &kms.ImportKeyMaterialInput{KeyId: id, ImportToken: p.ImportToken,
		EncryptedKeyMaterial: wrapped, ExpirationModel: types.ExpirationModelTypeKeyMaterialDoesNotExpire}); err != nil {
		t.Fatal(err)
	}
	return *id
}

func hmac256(material, msg []byte) []byte {
	h := hmac.New(sha256.New, material)
	h.Write(msg)
	return h.Sum(nil)
}

func wantAPIError(t *testing.T, what string, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Errorf("%s: %v, want %s with %q", what, err, code, msg)
	}
}

func TestGoSDKSigned(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	s := startBinary(t, buildKmsmac(t))
	ctx := context.Background()
	c := sdkClient(s.url, "test", "test")
	material := bytes.Repeat([]byte{0x5a, 0xa5}, 16)
	msg := []byte("kmsmac go sdk check")
	id := importedHMACKey(t, c, material)
	gm, err := c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: &id, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha256})
	if err != nil {
		t.Fatal(err)
	}
	if want := hmac256(material, msg); !bytes.Equal(gm.Mac, want) {
		t.Errorf("GenerateMac %x, crypto/hmac %x", gm.Mac, want)
	}
	if !strings.HasPrefix(aws.ToString(gm.KeyId), "arn:aws:kms:"+testRegion+":"+testAccount+":key/") {
		t.Errorf("KeyId %q is not a key ARN of the caller's account", aws.ToString(gm.KeyId))
	}
	vm, err := c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: &id, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha256, Mac: gm.Mac})
	if err != nil || !vm.MacValid {
		t.Errorf("VerifyMac: %v %v", vm, err)
	}
	// The same call signed wrongly is refused (SIG-2, SIG-3).
	_, err = sdkClient(s.url, "test", "not-test").GenerateMac(ctx, &kms.GenerateMacInput{KeyId: &id, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha256})
	wantAPIError(t, "wrong secret", err, "InvalidSignatureException", "The request signature we calculated does not match")
	_, err = sdkClient(s.url, "AKIANOBODY", "x").GenerateMac(ctx, &kms.GenerateMacInput{KeyId: &id, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha256})
	wantAPIError(t, "unknown access key", err, "UnrecognizedClientException", "The security token included in the request is invalid.")
}

func TestJavaScriptSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("installs and runs the JavaScript SDK")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: ", err)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm not installed: ", err)
	}
	dir := t.TempDir()
	script, err := os.ReadFile(filepath.Join("testdata", "js_client.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "js_client.mjs"), script, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", dir, "@aws-sdk/client-kms@3")
	install.Dir = dir
	if out, err := install.CombinedOutput(); err != nil {
		// The registry is the one thing outside this machine; without it there is no SDK to test.
		t.Skipf("npm install @aws-sdk/client-kms failed (no registry?): %v\n%s", err, out)
	}
	s := startBinary(t, buildKmsmac(t))
	material := bytes.Repeat([]byte{0x3c}, 32)
	id := importedHMACKey(t, sdkClient(s.url, "test", "test"), material)
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "js_client.mjs"), s.url, testRegion, id)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("js_client.mjs: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	var got struct {
		OwnARN       string `json:"ownArn"`
		OwnMacLength int    `json:"ownMacLength"`
		OwnKeyID     string `json:"ownKeyId"`
		MacValid     bool   `json:"macValid"`
		Tampered     string `json:"tampered"`
		ImportedMac  string `json:"importedMac"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("js_client.mjs output %q: %v", stdout.String(), err)
	}
	if !strings.HasPrefix(got.OwnARN, "arn:aws:kms:"+testRegion+":"+testAccount+":key/") || got.OwnKeyID != got.OwnARN ||
		got.OwnMacLength != 32 || !got.MacValid || got.Tampered != "KMSInvalidMacException" {
		t.Errorf("JavaScript SDK on its own key: %+v", got)
	}
	mac, err := base64.StdEncoding.DecodeString(got.ImportedMac)
	if want := hmac256(material, []byte("kmsmac js check")); err != nil || !bytes.Equal(mac, want) {
		t.Errorf("JavaScript SDK GenerateMac %x (%v), crypto/hmac %x", mac, err, want)
	}
}
