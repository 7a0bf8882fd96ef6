// Package auth is who is calling the reference endpoint: the principals
// and their access keys (Config), Signature Version 4 verification with the
// AWS SDK's own signer (Verifier), and the key-policy / IAM-policy / grant
// evaluation KMS does before an operation runs (Authorize).
//
// It knows nothing of keys' state or of the operations; the reference asks
// it "may this caller do kms:<Action> on this key" and gets an
// AccessDeniedException in the AUTH-5 form, or nil.
package auth

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultAccount is the account the reference has always used.
const DefaultAccount = "111122223333"

// Principal is one IAM identity with one access key pair.
type Principal struct {
	ARN             string `yaml:"arn"`
	AccessKeyID     string `yaml:"access_key_id"`
	SecretAccessKey string `yaml:"secret_access_key"`
	// Controller may call the KmsmacReference.* controls (when the
	// reference was started with them).
	Controller bool `yaml:"controller"`
	// Policy is the principal's IAM policy (statements without Principal).
	// Nil means allow kms:* on every resource: the simple model of "the
	// account's own principals may use its keys through IAM".
	Policy []Statement `yaml:"policy"`

	// Account is taken from the ARN.
	Account string `yaml:"-"`
	iam     *Policy
}

// Config is the reference's principals, by access key id.
type Config struct {
	Principals []*Principal `yaml:"principals"`
	byKey      map[string]*Principal
}

// Lookup returns the principal owning an access key id.
func (c *Config) Lookup(accessKeyID string) (*Principal, bool) {
	p, ok := c.byKey[accessKeyID]
	return p, ok
}

// Accounts lists the accounts of the principals, the first principal's
// account first.
func (c *Config) Accounts() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range c.Principals {
		if !seen[p.Account] {
			seen[p.Account] = true
			out = append(out, p.Account)
		}
	}
	return out
}

// Default is one account with one user, plus the dummy credentials SDK
// users put in tests: test/test (the LocalStack convention, a controller,
// so the harness can use the controls of an embedded reference) and the
// AWS documentation's example key pair.
func Default(account string) *Config {
	if account == "" {
		account = DefaultAccount
	}
	c := &Config{Principals: []*Principal{
		{ARN: "arn:aws:iam::" + account + ":user/kmsmac", AccessKeyID: "test", SecretAccessKey: "test", Controller: true},
		{ARN: "arn:aws:iam::" + account + ":user/example", AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
	}}
	if err := c.init(); err != nil {
		panic(err) // the default is a constant
	}
	return c
}

// Load reads a principals file (YAML):
//
//	principals:
//	  - arn: arn:aws:iam::111122223333:user/alice
//	    access_key_id: AKIAALICE
//	    secret_access_key: alice-secret
//	    controller: true
//	  - arn: arn:aws:iam::444455556666:user/bob
//	    access_key_id: AKIABOB
//	    secret_access_key: bob-secret
//	    policy:
//	      - {Effect: Allow, Action: "kms:*", Resource: "*"}
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse reads a principals file's contents (see Load).
func Parse(b []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("principals: %w", err)
	}
	if err := c.init(); err != nil {
		return nil, err
	}
	return &c, nil
}

// New builds a Config from principals (as Parse would from a file).
func New(ps ...*Principal) (*Config, error) {
	c := &Config{Principals: ps}
	return c, c.init()
}

var principalARN = regexp.MustCompile(`^arn:aws[a-z-]*:(iam|sts)::([0-9]{12}):(root|user/.+|role/.+|assumed-role/.+)$`)

func (c *Config) init() error {
	if len(c.Principals) == 0 {
		return fmt.Errorf("principals: none given")
	}
	c.byKey = make(map[string]*Principal, len(c.Principals))
	for i, p := range c.Principals {
		if p == nil {
			return fmt.Errorf("principals[%d]: empty entry", i)
		}
		m := principalARN.FindStringSubmatch(p.ARN)
		if m == nil {
			return fmt.Errorf("principals[%d]: arn %q is not an IAM principal ARN (arn:aws:iam::<12-digit account>:user/<name>, :role/<name> or :root)", i, p.ARN)
		}
		p.Account = m[2]
		if p.AccessKeyID == "" || p.SecretAccessKey == "" {
			return fmt.Errorf("principals[%d] (%s): access_key_id and secret_access_key are required", i, p.ARN)
		}
		if _, dup := c.byKey[p.AccessKeyID]; dup {
			return fmt.Errorf("principals[%d] (%s): access key id %s is used twice", i, p.ARN, p.AccessKeyID)
		}
		c.byKey[p.AccessKeyID] = p
		if p.Policy != nil {
			pol := &Policy{Statement: p.Policy}
			if err := pol.compile(false); err != nil {
				return fmt.Errorf("principals[%d] (%s): policy: %w", i, p.ARN, err)
			}
			p.iam = pol
		}
	}
	return nil
}

type callerKey struct{}

// WithCaller returns ctx carrying the authenticated caller.
func WithCaller(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, callerKey{}, p)
}

// Caller returns the authenticated caller; nil when authentication is off.
func Caller(ctx context.Context) *Principal {
	p, _ := ctx.Value(callerKey{}).(*Principal)
	return p
}
