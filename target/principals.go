package target

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Roles of the extra principals the identity scenarios need.
const (
	RoleSecond       = "second"        // another principal of the harness's account
	RoleOtherAccount = "other-account" // a principal of another account
)

// Principal is an identity the harness can sign as, besides its own.
type Principal struct {
	Role            string `yaml:"role"`
	ARN             string `yaml:"arn"`
	AccessKeyID     string `yaml:"access_key_id"`
	SecretAccessKey string `yaml:"secret_access_key"`
}

// Account is the account id in the principal's ARN ("" if malformed).
func (p Principal) Account() string {
	var acct string
	if _, err := fmt.Sscanf(p.ARN, "arn:aws:iam::%12s", &acct); err != nil {
		return ""
	}
	return acct
}

// PrincipalFor returns the extra principal with this role.
func (t *Target) PrincipalFor(role string) (Principal, bool) {
	for _, p := range t.Principals {
		if p.Role == role {
			return p, true
		}
	}
	return Principal{}, false
}

// Unsigned is the raw client without credentials: requests go unsigned
// unless the caller puts a signature in the headers itself.
func (t *Target) Unsigned() *RawClient {
	c := t.Raw.c
	c.Credentials = nil
	return &RawClient{c: c}
}

// RawAs is the raw client signing with another key pair.
func (t *Target) RawAs(accessKeyID, secret string) *RawClient {
	c := t.Raw.c
	c.Credentials = credentials.NewStaticCredentialsProvider(accessKeyID, secret, "")
	return &RawClient{c: c}
}

// Credentials are the harness's own signing credentials.
func (t *Target) Credentials(ctx context.Context) (aws.Credentials, error) {
	if t.creds == nil {
		return aws.Credentials{}, fmt.Errorf("no credentials configured")
	}
	return t.creds.Retrieve(ctx)
}
