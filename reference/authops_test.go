package reference_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsmac/kmsmac/reference"
)

// TestKeyOperationsAuthorize: the key-management operations refuse a
// principal the key policy leaves out (AUTH-5 form), before their state
// checks and DryRun (DRY-4), and still run for one it allows.
func TestKeyOperationsAuthorize(t *testing.T) {
	ctx := context.Background()
	srv := reference.NewServer(reference.Options{Principals: twoAccounts(t)})
	defer srv.Close()
	owner, other := clientAs(srv, "test", "test"), clientAs(srv, "OTHER", "other")
	policy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []map[string]any{{
		"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:user/kmsmac"},
		"Action": "kms:*", "Resource": "*"}}})
	ck, err := owner.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256,
		KeyUsage: types.KeyUsageTypeGenerateVerifyMac, Policy: aws.String(string(policy))})
	if err != nil {
		t.Fatal(err)
	}
	id, arn := ck.KeyMetadata.KeyId, *ck.KeyMetadata.Arn
	denied := func(action string, err error) {
		t.Helper()
		apiErr(t, err, "AccessDeniedException", "User: arn:aws:iam::111122223333:user/other is not authorized to perform: kms:"+action+" on resource: "+arn)
	}
	_, err = other.DisableKey(ctx, &kms.DisableKeyInput{KeyId: id})
	denied("DisableKey", err)
	_, err = other.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: id, PendingWindowInDays: aws.Int32(7)})
	denied("ScheduleKeyDeletion", err)
	_, err = other.TagResource(ctx, &kms.TagResourceInput{KeyId: id, Tags: []types.Tag{{TagKey: aws.String("a"), TagValue: aws.String("b")}}})
	denied("TagResource", err)
	_, err = other.ListGrants(ctx, &kms.ListGrantsInput{KeyId: id})
	denied("ListGrants", err)
	_, err = other.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: id, GrantId: aws.String(strings.Repeat("0", 64)), DryRun: aws.Bool(true)})
	denied("RevokeGrant", err)
	// The refused calls changed nothing; the owner still may.
	d, err := owner.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: id})
	if err != nil || d.KeyMetadata.KeyState != types.KeyStateEnabled {
		t.Fatalf("after refused calls: %v %v", d, err)
	}
	if _, err := owner.DisableKey(ctx, &kms.DisableKeyInput{KeyId: id}); err != nil {
		t.Fatal(err)
	}
	// A key that does not resolve keeps its own error.
	_, err = other.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String("11111111-2222-3333-4444-555555555555")})
	apiErr(t, err, "NotFoundException", "does not exist")
}
