package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kmsmac/kmsmac/reference/awsjson"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// signed builds a request as an SDK client sends it, signed with id/secret.
func signed(t testing.TB, id, secret, region, svc string, at time.Time, body string, edit func(r *http.Request)) *http.Request {
	t.Helper()
	r := httptest.NewRequest("POST", "http://127.0.0.1:4599/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "TrentService.GenerateMac")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: id, SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), svc, region, at); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(r)
	}
	return r
}

func verifier() *Verifier {
	return NewVerifier(Default(""), "us-east-1", func() time.Time { return now })
}

func wantErr(t *testing.T, err error, typ, msg string) {
	t.Helper()
	var e *awsjson.Error
	if !errors.As(err, &e) || e.Type != typ || e.Status != 400 || !strings.Contains(e.Message, msg) {
		t.Fatalf("got %v, want 400 %s containing %q", err, typ, msg)
	}
}

func TestVerifyAcceptsSDKSignatures(t *testing.T) {
	v := verifier()
	for _, c := range []struct{ id, secret, arn string }{
		{"test", "test", "arn:aws:iam::111122223333:user/kmsmac"},
		{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "arn:aws:iam::111122223333:user/example"},
	} {
		body := `{"KeyId":"alias/x","Message":"aGk=","MacAlgorithm":"HMAC_SHA_256"}`
		r := signed(t, c.id, c.secret, "us-east-1", "kms", now.Add(-4*time.Minute), body, nil)
		p, err := v.Verify(r, []byte(body))
		if err != nil || p.ARN != c.arn || p.Account != "111122223333" {
			t.Fatalf("%s: %v %+v", c.id, err, p)
		}
	}
}

func TestVerifyRefusals(t *testing.T) {
	v := verifier()
	body := `{"KeyId":"alias/x"}`
	cases := []struct {
		name     string
		r        *http.Request
		body     string
		typ, msg string
	}{
		{"unsigned (SIG-1)", httptest.NewRequest("POST", "/", strings.NewReader(body)), body, "MissingAuthenticationTokenException", "Missing Authentication Token"},
		{"wrong secret (SIG-2)", signed(t, "test", "nope", "us-east-1", "kms", now, body, nil), body, "InvalidSignatureException", msgBadSig},
		{"body changed after signing (SIG-2)", signed(t, "test", "test", "us-east-1", "kms", now, body, nil), body + " ", "InvalidSignatureException", msgBadSig},
		{"signed header changed (SIG-2)", signed(t, "test", "test", "us-east-1", "kms", now, body, func(r *http.Request) { r.Header.Set("X-Amz-Target", "TrentService.VerifyMac") }), body, "InvalidSignatureException", msgBadSig},
		{"unknown key id (SIG-3)", signed(t, "AKIDUNKNOWN", "test", "us-east-1", "kms", now, body, nil), body, "UnrecognizedClientException", msgBadKey},
		{"other region (SIG-4)", signed(t, "test", "test", "eu-west-1", "kms", now, body, nil), body, "InvalidSignatureException", "scoped to a valid region"},
		{"other service (SIG-4)", signed(t, "test", "test", "us-east-1", "s3", now, body, nil), body, "InvalidSignatureException", "scoped to correct service"},
		{"too old (SIG-4)", signed(t, "test", "test", "us-east-1", "kms", now.Add(-6*time.Minute), body, nil), body, "InvalidSignatureException", "Signature expired"},
		{"too new (SIG-4)", signed(t, "test", "test", "us-east-1", "kms", now.Add(6*time.Minute), body, nil), body, "InvalidSignatureException", "not yet current"},
		{"host not signed (SIG-4)", signed(t, "test", "test", "us-east-1", "kms", now, body, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";host;", ";", 1))
		}), body, "InvalidSignatureException", "'Host' must be a 'SignedHeader'"},
		{"x-amz-date not signed (SIG-4)", signed(t, "test", "test", "us-east-1", "kms", now, body, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-amz-date", "", 1))
		}), body, "InvalidSignatureException", "'X-Amz-Date' must be a 'SignedHeader'"},
		{"garbled header", signed(t, "test", "test", "us-east-1", "kms", now, body, func(r *http.Request) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256 nonsense") }), body, "IncompleteSignatureException", "Credential"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := v.Verify(c.r, []byte(c.body))
			wantErr(t, err, c.typ, c.msg)
		})
	}
}

func TestSkipSignatureMutation(t *testing.T) {
	v := verifier()
	v.SkipSignature = true
	r := signed(t, "test", "wrong", "eu-west-1", "s3", now.Add(time.Hour), "{}", nil)
	if p, err := v.Verify(r, []byte("{}")); err != nil || p.AccessKeyID != "test" {
		t.Fatalf("%v %+v", err, p)
	}
}

func TestParsePrincipals(t *testing.T) {
	c, err := Parse([]byte(`principals:
  - arn: arn:aws:iam::111122223333:user/alice
    access_key_id: A1
    secret_access_key: s1
    controller: true
  - arn: arn:aws:iam::444455556666:role/bob
    access_key_id: B1
    secret_access_key: s2
    policy:
      - {Effect: Deny, Action: "kms:VerifyMac", Resource: "*"}
      - {Effect: Allow, Action: ["kms:*"], Resource: "*"}
`))
	if err != nil {
		t.Fatal(err)
	}
	b, ok := c.Lookup("B1")
	if !ok || b.Account != "444455556666" || b.iam == nil || len(c.Accounts()) != 2 || c.Accounts()[0] != "111122223333" {
		t.Fatalf("%+v %v", b, c.Accounts())
	}
	for _, bad := range []string{
		``,
		`principals: [{arn: "user/x", access_key_id: a, secret_access_key: b}]`,
		`principals: [{arn: "arn:aws:iam::111122223333:user/x", access_key_id: a}]`,
		`principals: [{arn: "arn:aws:iam::111122223333:user/x", access_key_id: a, secret_access_key: b}, {arn: "arn:aws:iam::111122223333:user/y", access_key_id: a, secret_access_key: c}]`,
		`principals: [{arn: "arn:aws:iam::111122223333:user/x", access_key_id: a, secret_access_key: b, policy: [{Effect: Maybe, Action: "*", Resource: "*"}]}]`,
		`principals: [{arn: "arn:aws:iam::111122223333:user/x", access_key_id: a, secret_access_key: b, colour: red}]`,
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

// BenchmarkVerify is the cost signature checking adds to each request.
func BenchmarkVerify(b *testing.B) {
	v := verifier()
	v.Now = time.Now
	body := bytes.Repeat([]byte("x"), 4096)
	r := signed(b, "test", "test", "us-east-1", "kms", time.Now(), string(body), nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r, body); err != nil {
			b.Fatal(err)
		}
	}
}
