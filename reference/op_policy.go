package reference

import (
	"context"
	"encoding/json"
	"github.com/kmsmac/kmsmac/reference/shapes"

	"github.com/kmsmac/kmsmac/internal/refmut"
	"github.com/kmsmac/kmsmac/reference/auth"
	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
)

// authorize asks whether the caller (nil when authentication is off) may
// do action on the key (AUTH-1..7): the key policy, the caller's IAM
// policy, then the key's grants for that caller.
func (s *Service) authorize(ctx context.Context, view store.View, action, macAlg string) error {
	c := auth.Caller(ctx)
	if c == nil || s.opts.mut&refmut.IgnoreKeyPolicy != 0 || auth.DefaultAllows(c, s.opts.Account, view.Policy) {
		return nil
	}
	if s.opts.mut&refmut.IgnoreMacAlgorithm != 0 {
		macAlg = ""
	}
	k := view.Key
	return auth.Authorize(auth.Request{Caller: c, Action: action, KeyARN: k.ARN, KeyAccount: s.opts.Account,
		Partition: s.partition, KeyPolicy: view.Policy, MacAlgorithm: macAlg,
		Granted: func() bool {
			if s.opts.mut&refmut.IgnoreGrants != 0 {
				return false
			}
			for _, g := range s.store.ListGrants(k.ID) {
				if g.GranteePrincipal == c.ARN && contains(g.Operations, action) {
					return true
				}
			}
			return false
		}})
}

// authorizeKeyOp authorizes a key-management operation (auth.ChecksKey)
// on the key its KeyId names. A body that does not decode or a key that
// does not resolve is left to the handler, whose errors come first.
func (s *Service) authorizeKeyOp(ctx context.Context, op string, body []byte) error {
	var req shapes.KeyIDRequest
	if auth.Caller(ctx) == nil || json.Unmarshal(body, &req) != nil || req.KeyId == nil {
		return nil
	}
	view, err := s.resolve(*req.KeyId, keysOnly)
	if err != nil {
		return nil
	}
	return s.authorize(ctx, view, op, "")
}

// callerAccount is the caller's account, or the service's own when
// authentication is off.
func (s *Service) callerAccount(ctx context.Context) string {
	if c := auth.Caller(ctx); c != nil {
		return c.Account
	}
	return s.opts.Account
}

// checkPolicy validates a key policy for CreateKey and PutKeyPolicy; unless
// bypassed, it must let the caller change it again (the lockout check).
func (s *Service) checkPolicy(ctx context.Context, keyARN, doc string, bypass *bool) error {
	if _, err := auth.ParseKeyPolicy(doc); err != nil {
		return err
	}
	c := auth.Caller(ctx)
	if c == nil || (bypass != nil && *bypass) {
		return nil
	}
	if auth.Authorize(auth.Request{Caller: c, Action: "PutKeyPolicy", KeyARN: keyARN, KeyAccount: s.opts.Account,
		Partition: s.partition, KeyPolicy: doc}) != nil {
		return awsjsonClient("MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.")
	}
	return nil
}

// keyPolicyOp decodes and authorizes the key-policy operations; the only
// policy name is "default".
func (s *Service) keyPolicyOp(ctx context.Context, body []byte, op string) (store.View, *shapes.KeyPolicyRequest, error) {
	var req shapes.KeyPolicyRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.Str("policyName", req.PolicyName, false, 1, 128)
		v.Str("policy", req.Policy, op == "PutKeyPolicy", 1, 131072)
	})
	if err == nil {
		err = s.authorize(ctx, view, op, "")
	}
	if err == nil && req.PolicyName != nil && *req.PolicyName != "default" {
		err = errNotFound("No such policy exists: " + *req.PolicyName)
	}
	return view, &req, err
}

func (s *Service) getKeyPolicy(ctx context.Context, body []byte) ([]byte, error) {
	view, _, err := s.keyPolicyOp(ctx, body, "GetKeyPolicy")
	if err != nil {
		return nil, err
	}
	doc := view.Policy
	if doc == "" {
		doc = auth.DefaultKeyPolicy(s.partition, s.opts.Account)
	}
	return marshal(struct{ Policy, PolicyName string }{doc, "default"})
}

func (s *Service) putKeyPolicy(ctx context.Context, body []byte) ([]byte, error) {
	view, req, err := s.keyPolicyOp(ctx, body, "PutKeyPolicy")
	if err != nil {
		return nil, err
	}
	if err := s.checkPolicy(ctx, view.Key.ARN, *req.Policy, req.BypassPolicyLockoutSafetyCheck); err != nil {
		return nil, err
	}
	return s.updateNoOutput(view.Key, func(m *store.Mutable) error {
		m.Policy = *req.Policy
		return nil
	})
}

func (s *Service) listKeyPolicies(ctx context.Context, body []byte) ([]byte, error) {
	if _, _, err := s.keyPolicyOp(ctx, body, "ListKeyPolicies"); err != nil {
		return nil, err
	}
	return []byte(`{"PolicyNames":["default"],"Truncated":false}`), nil
}
