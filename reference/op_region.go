package reference

import (
	"context"
	"github.com/kmsmac/kmsmac/reference/shapes"

	"github.com/kmsmac/kmsmac/reference/auth"
	"github.com/kmsmac/kmsmac/reference/keymeta"
	"github.com/kmsmac/kmsmac/reference/multiregion"
	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
)

// Multi-Region keys (MRK-1..8): thin handlers over reference/multiregion.
// s.peers are the account's Services in every served Region (nil for a
// Service on its own, which serves one Region).

func (s *Service) regions() multiregion.Peers {
	p := make(multiregion.Peers, len(s.peers))
	for name, r := range s.peers {
		p[name] = multiregion.Region{Name: name, Store: r.store, ARNPrefix: r.arnPrefix}
	}
	return p
}

func (s *Service) replicateKey(ctx context.Context, body []byte) ([]byte, error) {
	var req shapes.ReplicateKeyRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.Str("replicaRegion", req.ReplicaRegion, true, 1, 32)
		v.Str("policy", req.Policy, false, 1, 131072)
		v.Str("description", req.Description, false, 0, 8192)
		tagViolations(v, req.Tags)
	})
	if err == nil {
		err = s.authorize(ctx, view, "ReplicateKey", "")
	}
	if err != nil {
		return nil, err
	}
	k, m, _ := s.store.Snapshot(view.Key.ID)
	region, err := s.regions().CheckReplicate(s.opts.Region, k, m, *req.ReplicaRegion, stateErr)
	if err == nil {
		err = checkTagList(req.Tags)
	}
	if err != nil {
		return nil, err
	}
	dst, arn := s.peers[region.Name], region.KeyARN(k.ID)
	if req.Policy != nil {
		if err := dst.checkPolicy(ctx, arn, *req.Policy, req.BypassPolicyLockoutSafetyCheck); err != nil {
			return nil, err
		}
	}
	rk, rm := multiregion.Replica(k, m, arn, dst.opts.Now())
	if req.Description != nil {
		rm.Description = *req.Description
	}
	if req.Policy != nil {
		rm.Policy = *req.Policy
	}
	if rm.Tags, err = mergeTags(nil, req.Tags); err != nil {
		return nil, err
	}
	if err := multiregion.Add(region, rk, rm); err != nil {
		return nil, dst.storeErr(err, "keys per Region", dst.opts.Limits.KeysPerRegion, err)
	}
	policy := rm.Policy
	if policy == "" {
		policy = auth.DefaultKeyPolicy(dst.partition, dst.opts.Account)
	}
	return marshal(struct {
		ReplicaKeyMetadata keyMetadata `json:"ReplicaKeyMetadata"`
		ReplicaPolicy      string      `json:"ReplicaPolicy"`
		ReplicaTags        []tagJSON   `json:"ReplicaTags"`
	}{dst.metadata(rk, rm), policy, req.Tags})
}

func (s *Service) updatePrimaryRegion(ctx context.Context, body []byte) ([]byte, error) {
	var req shapes.UpdatePrimaryRegionRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.Str("primaryRegion", req.PrimaryRegion, true, 1, 32)
	})
	if err == nil {
		err = s.authorize(ctx, view, "UpdatePrimaryRegion", "")
	}
	if err == nil {
		k, m, _ := s.store.Snapshot(view.Key.ID)
		err = s.regions().UpdatePrimary(s.opts.Region, k, m, *req.PrimaryRegion, stateErr)
	}
	if err != nil {
		return nil, err
	}
	return emptyResponse, nil
}

// mrkConfiguration is DescribeKey's MultiRegionConfiguration of k.
func (s *Service) mrkConfiguration(k *store.Key, m store.Mutable) *keymeta.MRKConfig {
	primary, replicas, _ := multiregion.Arrange(s.regions().Copies(s.opts.Region, k.ARN, m.Replica, k.ID))
	c := &keymeta.MRKConfig{MultiRegionKeyType: "PRIMARY", PrimaryKey: keymeta.MRKKey{Arn: primary.ARN, Region: primary.Region}, ReplicaKeys: []keymeta.MRKKey{}}
	if m.Replica {
		c.MultiRegionKeyType = "REPLICA"
	}
	for _, r := range replicas {
		c.ReplicaKeys = append(c.ReplicaKeys, keymeta.MRKKey{Arn: r.ARN, Region: r.Region})
	}
	return c
}

// deletionState is the state ScheduleKeyDeletion gives k: a primary with
// replicas waits for them in PendingReplicaDeletion (STATE-4, MRK-8).
func (s *Service) deletionState(k *store.Key, m *store.Mutable) store.State {
	if k.MultiRegion && !m.Replica && s.regions().HasReplicas(s.opts.Region, k.ID) {
		return store.PendingReplicaDeletion
	}
	return store.PendingDeletion
}
