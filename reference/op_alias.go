package reference

import (
	"context"
	"errors"
	"github.com/kmsmac/kmsmac/reference/shapes"
	"strings"

	"github.com/kmsmac/kmsmac/reference/aliasname"
	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
)

// The alias name checks live in reference/aliasname.
var (
	aliasNameViolations = aliasname.Violations
	decodeAlias         = aliasname.Decode
	checkAliasPrefix    = aliasname.CheckPrefix
)

// aliasTarget resolves TargetKeyId (key ID or key ARN only) and refuses
// keys pending deletion.
func (s *Service) aliasTarget(id string) (*store.Key, error) {
	view, err := s.resolve(id, keysOnly)
	if err != nil {
		return nil, err
	}
	if view.State == store.PendingDeletion || view.State == store.PendingReplicaDeletion {
		return nil, stateErr(view.Key.ARN, view.State)
	}
	return view.Key, nil
}

func (s *Service) createAlias(_ context.Context, body []byte) ([]byte, error) {
	name, target, err := decodeAlias(body, true)
	if err != nil {
		return nil, err
	}
	k, err := s.aliasTarget(target)
	if err != nil {
		return nil, err
	}
	switch err := s.store.CreateAlias(name, k.ID); {
	case errors.Is(err, store.ErrExists):
		return nil, errAlreadyExists("An alias with the name " + s.aliasARN(name) + " already exists")
	case err != nil:
		return nil, s.storeErr(err, "aliases per account", s.opts.Limits.AliasesPerAccount, errKeyNotFound(k.ARN))
	}
	return emptyResponse, nil
}

// updateAlias moves an alias to a key of the same type and usage (KID-13).
func (s *Service) updateAlias(_ context.Context, body []byte) ([]byte, error) {
	name, target, err := decodeAlias(body, false)
	if err != nil {
		return nil, err
	}
	if _, ok := s.store.GetAlias(name); !ok {
		return nil, errAliasNotFound(s.aliasARN(name))
	}
	k, err := s.aliasTarget(target)
	if err != nil {
		return nil, err
	}
	err = s.store.UpdateAlias(name, k.ID, func(old, nk *store.Key) error {
		if old == nil || (keyType(old) == keyType(nk) && old.KeyUsage == nk.KeyUsage) {
			return nil
		}
		// KID-13; AWS's text is not recorded.
		return errValidation("Alias " + s.aliasARN(name) + " cannot be moved from a " + keyType(old) + " " + old.KeyUsage +
			" key to a " + keyType(nk) + " " + nk.KeyUsage + " key. The new target key must have the same key type and key usage.")
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, errAliasNotFound(s.aliasARN(name))
	}
	if err != nil {
		return nil, err
	}
	return emptyResponse, nil
}

// keyType is the key type KID-13 compares: symmetric, HMAC or asymmetric.
func keyType(k *store.Key) string {
	switch {
	case k.KeySpec == "SYMMETRIC_DEFAULT":
		return "symmetric"
	case strings.HasPrefix(k.KeySpec, "HMAC_"):
		return "HMAC"
	}
	return "asymmetric"
}

func (s *Service) deleteAlias(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.DeleteAliasRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	aliasNameViolations(&v, req.AliasName)
	if err := v.Err(); err != nil {
		return nil, err
	}
	name := *req.AliasName
	if err := checkAliasPrefix(name, false); err != nil {
		return nil, err
	}
	if err := s.store.DeleteAlias(name); err != nil {
		return nil, errAliasNotFound(s.aliasARN(name))
	}
	return emptyResponse, nil
}

func (s *Service) listAliases(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.ListAliasesRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.Str("keyId", req.KeyId, false, 1, 2048)
	v.IntRange("limit", req.Limit, 1, 100)
	v.Str("marker", req.Marker, false, 1, 1024)
	if err := v.Err(); err != nil {
		return nil, err
	}
	keyID := ""
	if req.KeyId != nil {
		view, err := s.resolve(*req.KeyId, keysOnly)
		if err != nil {
			return nil, err
		}
		keyID = view.Key.ID
	}
	limit := 50
	if req.Limit != nil {
		limit = int(*req.Limit)
	}
	marker := ""
	if req.Marker != nil {
		marker = *req.Marker
	}
	aliases, next, ok := s.store.ListAliases(keyID, marker, limit)
	if !ok {
		return nil, errInvalidMarker()
	}
	type entry struct {
		AliasName       string `json:"AliasName"`
		AliasArn        string `json:"AliasArn"`
		TargetKeyId     string `json:"TargetKeyId"`
		CreationDate    epoch  `json:"CreationDate"`
		LastUpdatedDate epoch  `json:"LastUpdatedDate"`
	}
	out := struct {
		Aliases    []entry `json:"Aliases"`
		NextMarker string  `json:"NextMarker,omitempty"`
		Truncated  bool    `json:"Truncated"`
	}{Aliases: make([]entry, 0, len(aliases)), NextMarker: next, Truncated: next != ""}
	for _, a := range aliases {
		out.Aliases = append(out.Aliases, entry{a.Name, s.aliasARN(a.Name), a.TargetKeyID, epoch(a.Created), epoch(a.Updated)})
	}
	return marshal(out)
}
