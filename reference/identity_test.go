package reference_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"github.com/kmsmac/kmsmac/internal/awsraw"
	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/auth"
)

func clientAs(srv *reference.Server, id, secret string) *kms.Client {
	return kms.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")},
		func(o *kms.Options) { o.BaseEndpoint = aws.String(srv.URL()); o.RetryMaxAttempts = 1 })
}

func apiErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("got %v, want %s containing %q", err, code, msg)
	}
}

func twoAccounts(t *testing.T) *auth.Config {
	c, err := auth.Parse([]byte(`principals:
  - {arn: "arn:aws:iam::111122223333:user/kmsmac", access_key_id: test, secret_access_key: test, controller: true}
  - {arn: "arn:aws:iam::111122223333:user/other", access_key_id: OTHER, secret_access_key: other}
  - {arn: "arn:aws:iam::444455556666:user/bob", access_key_id: BOB, secret_access_key: bob}
`))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestControlsLocked: a plain server has no controls; with Controls only a
// signed controller reaches them, and a refused call changes nothing.
func TestControlsLocked(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		opts     reference.Options
		id, sec  string
		unsigned bool
		open     bool
	}{
		{"plain serve, controller", reference.Options{Principals: twoAccounts(t)}, "test", "test", false, false},
		{"controls, controller", reference.Options{Principals: twoAccounts(t), Controls: true}, "test", "test", false, true},
		{"controls, not a controller", reference.Options{Principals: twoAccounts(t), Controls: true}, "OTHER", "other", false, false},
		{"controls, unsigned", reference.Options{Principals: twoAccounts(t), Controls: true}, "", "", true, false},
		{"controls with auth off", reference.Options{Controls: true, AuthOff: true}, "", "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := reference.NewServer(tc.opts)
			defer srv.Close()
			owner := clientAs(srv, "test", "test")
			if tc.opts.AuthOff {
				owner = clientAs(srv, "anything", "at-all")
			}
			ck, err := owner.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac})
			if err != nil {
				t.Fatal(err)
			}
			rc := awsraw.Client{URL: srv.URL(), Region: "us-east-1"}
			if !tc.unsigned {
				rc.Credentials = credentials.NewStaticCredentialsProvider(tc.id, tc.sec, "")
			}
			resp, err := rc.Do(ctx, "KmsmacReference.SetKeyState", []byte(`{"KeyId":"`+*ck.KeyMetadata.KeyId+`","KeyState":"Creating"}`))
			if err != nil {
				t.Fatal(err)
			}
			status, body := resp.Status, string(resp.Body)
			d, err := owner.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: ck.KeyMetadata.KeyId})
			if err != nil {
				t.Fatal(err)
			}
			changed := d.KeyMetadata.KeyState == types.KeyStateCreating
			if changed != tc.open || (tc.open && status != 200) || (!tc.open && status != 400) {
				t.Fatalf("state %s, answer %d %s; controls open: %v", d.KeyMetadata.KeyState, status, body, tc.open)
			}
			if !tc.open && !tc.unsigned && !strings.Contains(body, "UnknownOperationException") {
				t.Fatalf("refused control answered %s, want UnknownOperationException", body)
			}
		})
	}
}

// TestAccountsFromAccessKey: SIG-5 (ARNs from the caller's access key) and
// KID-3/AUTH-6 (another account's key only by ARN, and only if its key
// policy allows).
func TestAccountsFromAccessKey(t *testing.T) {
	ctx := context.Background()
	srv := reference.NewServer(reference.Options{Principals: twoAccounts(t)})
	defer srv.Close()
	alice, bob := clientAs(srv, "test", "test"), clientAs(srv, "BOB", "bob")
	ck, err := alice.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(*ck.KeyMetadata.Arn, ":111122223333:key/") {
		t.Fatalf("arn %s", *ck.KeyMetadata.Arn)
	}
	bk, err := bob.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac})
	if err != nil || !strings.Contains(*bk.KeyMetadata.Arn, ":444455556666:key/") || *bk.KeyMetadata.AWSAccountId != "444455556666" {
		t.Fatalf("bob's key: %v %+v", err, bk)
	}
	gm := func(c *kms.Client, id string) error {
		_, err := c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: aws.String(id), Message: []byte("m"), MacAlgorithm: types.MacAlgorithmSpecHmacSha256})
		return err
	}
	id, arn := *ck.KeyMetadata.KeyId, *ck.KeyMetadata.Arn
	apiErr(t, gm(bob, id), "NotFoundException", "Key 'arn:aws:kms:us-east-1:444455556666:key/"+id+"' does not exist")
	apiErr(t, gm(bob, arn), "AccessDeniedException", "User: arn:aws:iam::444455556666:user/bob is not authorized to perform: kms:GenerateMac on resource: "+arn)
	policy := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
	  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:GenerateMac","Resource":"*"}]}`
	if _, err := alice.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(id), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	if err := gm(bob, arn); err != nil {
		t.Fatalf("cross-account GenerateMac by ARN: %v", err)
	}
	got, err := alice.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id)})
	if err != nil || *got.Policy != policy {
		t.Fatalf("GetKeyPolicy: %v", err)
	}
	_, err = alice.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(id),
		Policy: aws.String(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:*","Resource":"*"}]}`)})
	apiErr(t, err, "MalformedPolicyDocumentException", "will not allow you to update the key policy")
}
