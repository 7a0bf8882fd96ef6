package reference

import (
	"context"
	"encoding/json"
	"github.com/kmsmac/kmsmac/reference/shapes"

	"github.com/kmsmac/kmsmac/reference/kmserr"
	"github.com/kmsmac/kmsmac/reference/quota"
	"github.com/kmsmac/kmsmac/reference/request"
)

// throttle counts the call against the calling account's quotas (QUO-4:
// a cross-account call is the caller's); over one, ThrottlingException
// before anything else is checked (DryRun calls count too, DRY-5).
func (s *Service) throttle(ctx context.Context, op string, body []byte) error {
	keyID := func() string {
		var req struct{ KeyId string }
		_ = json.Unmarshal(body, &req) // a bad body counts as no key; the handler reports it
		return quota.KeyOf(req.KeyId)
	}
	if !s.opts.limiter.Allow(op, s.callerAccount(ctx), keyID) {
		return kmserr.Throttling()
	}
	return nil
}

// setQuota is KmsmacReference.SetQuota: one quota (Cryptographic,
// KeyManagement, HotKey) for every account, or narrowed to calls naming
// KeyId; RequestsPerSecond 0 turns it off. The whole server shares it.
func (s *Service) setQuota(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.SetQuotaRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.Enum("quota", req.Quota, true, []string{"Cryptographic", "KeyManagement", "HotKey"})
	v.Str("keyId", req.KeyId, false, 1, 2048)
	if req.RequestsPerSecond == nil {
		v.Null("requestsPerSecond")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := quota.Rate{PerSecond: *req.RequestsPerSecond}
	if req.Burst != nil {
		r.Burst = *req.Burst
	}
	if err := r.Validate(); err != nil {
		return nil, errValidation(err.Error())
	}
	key := ""
	if req.KeyId != nil {
		view, err := s.resolve(*req.KeyId, keysOnly)
		if err != nil {
			return nil, err
		}
		key = view.Key.ID
	}
	s.opts.limiter.SetClass(quota.Names[*req.Quota], key, r)
	return emptyResponse, nil
}
