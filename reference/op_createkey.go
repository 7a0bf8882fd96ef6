package reference

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"github.com/kmsmac/kmsmac/reference/shapes"

	"github.com/kmsmac/kmsmac/reference/mac"
	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
	"github.com/kmsmac/kmsmac/reference/tags"
)

func (s *Service) createKey(ctx context.Context, body []byte) ([]byte, error) {
	var req shapes.CreateKeyRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.Str("policy", req.Policy, false, 1, 131072)
	v.Str("description", req.Description, false, 0, 8192)
	v.Enum("keyUsage", req.KeyUsage, false, keyUsages)
	v.Enum("customerMasterKeySpec", req.CustomerMasterKeySpec, false, customerMasterKeySpecs)
	v.Enum("keySpec", req.KeySpec, false, keySpecs)
	v.Enum("origin", req.Origin, false, origins)
	v.Str("customKeyStoreId", req.CustomKeyStoreId, false, 1, 64)
	tagViolations(&v, req.Tags)
	v.Str("xksKeyId", req.XksKeyId, false, 1, 128)
	if err := v.Err(); err != nil {
		return nil, err
	}

	if req.KeySpec != nil && req.CustomerMasterKeySpec != nil {
		return nil, errValidation("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.")
	}
	spec := "SYMMETRIC_DEFAULT"
	switch {
	case req.KeySpec != nil:
		spec = *req.KeySpec
	case req.CustomerMasterKeySpec != nil:
		spec = *req.CustomerMasterKeySpec // deprecated alias (CK-7)
	}
	usage := "ENCRYPT_DECRYPT"
	if req.KeyUsage != nil {
		usage = *req.KeyUsage
	} else if spec != "SYMMETRIC_DEFAULT" {
		return nil, errValidation("You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.") // CK-2
	}
	if !contains(usagesBySpec[spec], usage) {
		// CK-5/CK-6: text not recorded; this follows the recorded sibling
		// "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048" (AMB-8).
		return nil, errValidation("KeyUsage " + usage + " is not compatible with KeySpec " + spec)
	}
	origin := "AWS_KMS"
	if req.Origin != nil {
		origin = *req.Origin
	}
	if origin == "AWS_CLOUDHSM" || origin == "EXTERNAL_KEY_STORE" || req.CustomKeyStoreId != nil || req.XksKeyId != nil {
		// CK-9: custom key stores hold only symmetric encryption keys, and
		// the reference has no custom key store at all.
		if spec != "SYMMETRIC_DEFAULT" {
			return nil, errUnsupported("KeySpec " + spec + " is not supported in a custom key store. Custom key stores support only SYMMETRIC_DEFAULT keys.")
		}
		return nil, awsjsonClient("CustomKeyStoreNotFoundException", "The kmsmac reference has no custom key stores.")
	}
	if req.Policy != nil && !json.Valid([]byte(*req.Policy)) {
		return nil, awsjsonClient("MalformedPolicyDocumentException", "The policy document is not valid JSON.")
	}
	// Tags as TagResource checks them, before any key is made (issue 13:
	// 20,000 tags used to be stored).
	if err := checkTagList(req.Tags); err != nil {
		return nil, err
	}
	if len(req.Tags) > maxTags {
		return nil, tags.ErrTooMany()
	}

	id, err := newKeyID(req.MultiRegion != nil && *req.MultiRegion)
	if err != nil {
		return nil, errInternal("cannot generate a key id")
	}
	arn := s.keyARN(id)
	if req.Policy != nil {
		if err := s.checkPolicy(ctx, arn, *req.Policy, req.BypassPolicyLockoutSafetyCheck); err != nil {
			return nil, err
		}
	}
	// Memory per key matters (100,000 keys): the ID shares the ARN's bytes,
	// the enum strings are the static ones, the default policy is "".
	k := &store.Key{
		ID:          arn[len(arn)-len(id):],
		ARN:         arn,
		KeySpec:     intern(keySpecs, spec),
		KeyUsage:    intern(keyUsages, usage),
		Origin:      intern(origins, origin),
		Created:     s.opts.Now(),
		MultiRegion: req.MultiRegion != nil && *req.MultiRegion,
	}
	m := store.Mutable{State: store.Enabled}
	if req.Description != nil {
		m.Description = *req.Description
	}
	if req.Policy != nil {
		m.Policy = *req.Policy
	}
	if m.Tags, err = mergeTags(nil, req.Tags); err != nil {
		return nil, err
	}
	if origin == "EXTERNAL" {
		m.State = store.PendingImport // CK-11: no material until imported
	} else {
		m.HasMaterial = true
		if sp, ok := mac.ByKeySpec(spec); ok {
			// CK-12: AWS-generated HMAC material is as long as the spec says.
			material := make([]byte, sp.Size)
			if _, err := rand.Read(material); err != nil {
				return nil, errInternal("cannot generate key material")
			}
			if m.MAC, err = mac.NewKey(sp, material); err != nil {
				return nil, errInternal("cannot prepare key material")
			}
		}
	}
	if err := s.store.AddKey(k, m); err != nil {
		return nil, s.storeErr(err, "keys per Region", s.opts.Limits.KeysPerRegion, errInternal("key id collision"))
	}
	return marshal(struct {
		KeyMetadata keyMetadata `json:"KeyMetadata"`
	}{s.metadata(k, m)})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, errInternal("cannot encode the response")
	}
	return b, nil
}
