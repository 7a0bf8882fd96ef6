package reference

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kmsmac/kmsmac/internal/refmut"
	"github.com/kmsmac/kmsmac/reference/auth"
	"github.com/kmsmac/kmsmac/reference/multiregion"
)

// accounts is the Caller behind a Server: one Service (key store) per
// account and Region, the caller's account chosen by its access key
// (SIG-5) and the Region by its credential scope, and a key ARN or alias
// ARN of another account's key sent to that account's Service in the same
// Region (KID-3, AUTH-6), where its key policy decides.
type accounts struct {
	def      *Service
	by       map[string]*Service // by account + "/" + Region
	region   string              // the default Region
	auth     bool
	controls bool
	mut      refmut.Mutation // checks removed, for the harness's mutation tests
}

func newAccounts(opts Options) (*accounts, error) {
	a := &accounts{by: map[string]*Service{}, region: opts.Region, auth: !opts.AuthOff, controls: opts.Controls && !opts.AuthOff, mut: opts.mut}
	regions := servedRegions(opts)
	open := func(acct string) error {
		peers := map[string]*Service{}
		for _, region := range regions {
			o := opts
			o.Account, o.Region = acct, region
			if o.DataDir != "" && acct != opts.Account {
				// Each account is its own store: the default one in DataDir
				// itself (as before accounts), the others beside it.
				o.DataDir = filepath.Join(opts.DataDir, "account-"+acct)
			}
			if o.DataDir != "" && region != opts.Region {
				o.DataDir = filepath.Join(o.DataDir, "region-"+region) // likewise per Region
			}
			s, err := Open(o)
			if err != nil {
				a.Close()
				return err
			}
			a.by[acct+"/"+region] = s
			peers[region] = s
		}
		for _, s := range peers {
			s.peers = peers
			multiregion.SettleAll(s.store) // replicas a restart left Creating
		}
		return nil
	}
	if err := open(opts.Account); err != nil {
		return nil, err
	}
	a.def = a.by[opts.Account+"/"+opts.Region]
	for _, acct := range opts.Principals.Accounts() {
		if a.by[acct+"/"+opts.Region] == nil {
			if err := open(acct); err != nil {
				return nil, err
			}
		}
	}
	return a, nil
}

// servedRegions is opts.Region and opts.Regions, each once.
func servedRegions(opts Options) []string {
	out := []string{opts.Region}
	for _, r := range opts.Regions {
		if r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
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
	if len(a.by) == 1 {
		return s.Call(ctx, op, body)
	}
	region := auth.Region(ctx)
	if region == "" {
		region = a.region // unsigned (auth off): the default Region
	}
	if c != nil && a.mut&refmut.IgnoreCallerAccount == 0 {
		if cs := a.by[c.Account+"/"+region]; cs != nil {
			s = cs
		}
	} else if rs := s.peers[region]; rs != nil {
		s = rs
	}
	if a.mut != 0 {
		s = a.mutated(s, op, body, region)
	} else if crossAccount[op] && bytes.Contains(body, []byte(`"arn:`)) {
		if o := a.owner(body, region); o != nil {
			s = o
		}
	}
	return s.Call(ctx, op, body)
}

// owner is the account's Service in region for a key ARN or alias ARN of
// another account (KID-3, AUTH-6), else nil.
func (a *accounts) owner(body []byte, region string) *Service {
	var req struct{ KeyId string }
	if json.Unmarshal(body, &req) != nil {
		return nil
	}
	// arn:<partition>:kms:<region>:<account>:<resource>
	if p := strings.SplitN(req.KeyId, ":", 6); len(p) == 6 {
		return a.by[p[4]+"/"+region]
	}
	return nil
}

// mutated is Call's routing with the mutation-test checks removed (never
// on a real Server: only tests set mut).
func (a *accounts) mutated(s *Service, op string, body []byte, region string) *Service {
	if !crossAccount[op] || op == "CreateGrant" && a.mut&refmut.NoCrossAccountGrant != 0 {
		return s
	}
	if o := a.owner(body, region); o != nil {
		return o
	}
	var req struct{ KeyId string }
	if a.mut&refmut.BareIDAcrossAccounts == 0 || json.Unmarshal(body, &req) != nil {
		return s
	}
	if _, ok := s.store.Lookup(req.KeyId); ok {
		return s
	}
	for k, o := range a.by {
		if strings.HasSuffix(k, "/"+region) {
			if _, ok := o.store.Lookup(req.KeyId); ok {
				return o
			}
		}
	}
	return s
}
