package reference

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/kmsmac/kmsmac/reference/auth"
)

// accounts is the Caller behind a Server: one Service (key store) per
// account, the caller's account chosen by its access key (SIG-5), and a
// key ARN or alias ARN of another account's key sent to that account's
// Service (KID-3, AUTH-6), where its key policy decides.
type accounts struct {
	def      *Service
	by       map[string]*Service
	auth     bool
	controls bool
}

func newAccounts(opts Options) (*accounts, error) {
	a := &accounts{by: map[string]*Service{}, auth: !opts.AuthOff, controls: opts.Controls && !opts.AuthOff}
	open := func(acct string) error {
		o := opts
		o.Account = acct
		if o.DataDir != "" && acct != opts.Account {
			// Each account is its own store: the default one in DataDir
			// itself (as before accounts), the others beside it.
			o.DataDir = filepath.Join(opts.DataDir, "account-"+acct)
		}
		s, err := Open(o)
		if err != nil {
			a.Close()
			return err
		}
		a.by[acct] = s
		return nil
	}
	if err := open(opts.Account); err != nil {
		return nil, err
	}
	a.def = a.by[opts.Account]
	for _, acct := range opts.Principals.Accounts() {
		if a.by[acct] == nil {
			if err := open(acct); err != nil {
				return nil, err
			}
		}
	}
	return a, nil
}

// Close closes every account's Service (their stores on disk).
func (a *accounts) Close() error {
	var first error
	for _, s := range a.by {
		if err := s.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// startSweepers ends deletion windows in every account; the result stops them.
func (a *accounts) startSweepers() (stop func()) {
	var stops []func()
	for _, s := range a.by {
		stops = append(stops, startSweeper(s))
	}
	return func() {
		for _, f := range stops {
			f()
		}
	}
}

// crossAccount are the operations KMS allows on another account's key.
var crossAccount = map[string]bool{"GenerateMac": true, "VerifyMac": true, "DescribeKey": true, "CreateGrant": true,
	"ListGrants": true, "RetireGrant": true, "RevokeGrant": true, "GetKeyRotationStatus": true, "GetPublicKey": true,
	"Encrypt": true, "Decrypt": true, "ReEncrypt": true, "GenerateDataKey": true, "GenerateDataKeyWithoutPlaintext": true,
	"GenerateDataKeyPair": true, "GenerateDataKeyPairWithoutPlaintext": true, "Sign": true, "Verify": true}

func (a *accounts) Call(ctx context.Context, op string, body []byte) ([]byte, error) {
	c := auth.Caller(ctx)
	if strings.HasPrefix(op, "KmsmacReference.") && (!a.controls || c == nil || !c.Controller) {
		return nil, errUnknownOperation(op) // as any unknown target: the controls are not there
	}
	s := a.def
	if c != nil {
		if cs := a.by[c.Account]; cs != nil {
			s = cs
		}
	}
	if len(a.by) > 1 && crossAccount[op] && bytes.Contains(body, []byte(`"arn:`)) {
		var req struct{ KeyId string }
		if json.Unmarshal(body, &req) == nil {
			// arn:<partition>:kms:<region>:<account>:<resource>
			if p := strings.SplitN(req.KeyId, ":", 6); len(p) == 6 && a.by[p[4]] != nil {
				s = a.by[p[4]]
			}
		}
	}
	return s.Call(ctx, op, body)
}
