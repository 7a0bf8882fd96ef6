package reference_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsmac/kmsmac/reference"
)

func clientIn(srv *reference.Server, region string) *kms.Client {
	return kms.NewFromConfig(aws.Config{Region: region, Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")},
		func(o *kms.Options) { o.BaseEndpoint = aws.String(srv.URL()); o.RetryMaxAttempts = 1 })
}

// TestRegionFromSigningScope: the signed scope picks the Region's keys; a
// Region not served is SIG-4; the replica settles by itself.
func TestRegionFromSigningScope(t *testing.T) {
	srv := reference.NewServer(reference.Options{Regions: []string{"eu-west-1"}})
	defer srv.Close()
	ctx := context.Background()
	east, west := clientIn(srv, "us-east-1"), clientIn(srv, "eu-west-1")
	k, err := east.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac, MultiRegion: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(k.KeyMetadata.KeyId)
	_, err = west.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id})
	apiErr(t, err, "NotFoundException", "Key 'arn:aws:kms:eu-west-1:111122223333:key/"+id+"' does not exist")
	_, err = clientIn(srv, "ap-south-1").ListKeys(ctx, &kms.ListKeysInput{})
	apiErr(t, err, "InvalidSignatureException", "Credential should be scoped to a valid region, not 'ap-south-1'.")

	r, err := east.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: &id, ReplicaRegion: aws.String("eu-west-1")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(r.ReplicaKeyMetadata.Arn), ":eu-west-1:") || r.ReplicaKeyMetadata.KeyState != types.KeyStateCreating {
		t.Fatalf("replica %s in %s", aws.ToString(r.ReplicaKeyMetadata.Arn), r.ReplicaKeyMetadata.KeyState)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := west.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id})
		if err != nil {
			t.Fatal(err)
		}
		if d.KeyMetadata.KeyState == types.KeyStateEnabled {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica still %s after 10s", d.KeyMetadata.KeyState)
		}
		time.Sleep(100 * time.Millisecond)
	}
	m, err := east.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: &id, Message: []byte("hi"), MacAlgorithm: types.MacAlgorithmSpecHmacSha256})
	if err != nil {
		t.Fatal(err)
	}
	v, err := west.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: &id, Message: []byte("hi"), MacAlgorithm: types.MacAlgorithmSpecHmacSha256, Mac: m.Mac})
	if err != nil || !v.MacValid {
		t.Fatalf("replica VerifyMac of the primary's MAC: %v %v", v, err)
	}
}
