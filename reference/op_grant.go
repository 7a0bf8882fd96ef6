package reference

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"github.com/kmsmac/kmsmac/reference/shapes"
	"strings"

	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
)

// createGrant: GranteePrincipal and Operations required; operations must
// suit the key (GR-2/3); no encryption-context constraints on HMAC keys
// (GR-4); key states per GR-7; DryRun last. The GR-2/3/4 texts are not
// recorded; these say what is wrong.
func (s *Service) createGrant(ctx context.Context, body []byte) ([]byte, error) {
	var req shapes.CreateGrantRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		if req.GranteeServicePrincipal == nil {
			v.Str("granteePrincipal", req.GranteePrincipal, true, 1, 256)
		} else {
			v.Str("granteePrincipal", req.GranteePrincipal, false, 1, 256)
			v.Str("granteeServicePrincipal", req.GranteeServicePrincipal, false, 1, 256)
		}
		v.Str("retiringPrincipal", req.RetiringPrincipal, false, 1, 256)
		v.Str("retiringServicePrincipal", req.RetiringServicePrincipal, false, 1, 256)
		if req.Operations == nil {
			v.Null("operations")
		} else {
			for _, op := range req.Operations {
				if !contains(grantOperations, op) {
					v.Add(request.Quote("["+strings.Join(req.Operations, ", ")+"]"), "operations",
						"Member must satisfy constraint: [Member must satisfy enum value set: ["+strings.Join(grantOperations, ", ")+"]]")
					break
				}
			}
		}
		v.GrantTokens(req.GrantTokens)
		v.Str("name", req.Name, false, 1, 256)
	})
	if err != nil {
		return nil, err
	}
	if err := s.checkGrantTokens(req.GrantTokens); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, view, "CreateGrant", ""); err != nil {
		return nil, err // DRY-4: before DryRun
	}
	if err := s.usable(view, req.GrantTokens); err != nil {
		return nil, err
	}
	k := view.Key
	allowed := grantOpsByUsage[k.KeyUsage]
	var bad []string
	for _, op := range req.Operations {
		if op != "CreateGrant" && op != "RetireGrant" && op != "DescribeKey" && !contains(allowed, op) {
			bad = append(bad, op)
		}
	}
	if len(bad) > 0 {
		return nil, errValidation("Grant operations [" + strings.Join(bad, ", ") + "] are not valid for " + k.ARN +
			", whose key usage is " + k.KeyUsage + ".")
	}
	if k.KeyUsage == "GENERATE_VERIFY_MAC" && req.Constraints != nil &&
		(req.Constraints.EncryptionContextEquals != nil || req.Constraints.EncryptionContextSubset != nil) {
		return nil, errValidation("Encryption context grant constraints are not valid for " + k.ARN +
			": HMAC KMS keys do not use an encryption context.")
	}
	if req.DryRun != nil && *req.DryRun {
		return nil, errDryRun()
	}

	g := &store.Grant{
		KeyID:          k.ID,
		IssuingAccount: "arn:" + s.partition + ":iam::" + s.callerAccount(ctx) + ":root",
		Operations:     append([]string(nil), req.Operations...),
		Created:        s.opts.Now(),
	}
	g.GranteePrincipal = deref(req.GranteePrincipal, deref(req.GranteeServicePrincipal, ""))
	g.RetiringPrincipal = deref(req.RetiringPrincipal, deref(req.RetiringServicePrincipal, ""))
	g.Name = deref(req.Name, "")
	if req.Constraints != nil {
		g.EncryptionContextEquals = req.Constraints.EncryptionContextEquals
		g.EncryptionContextSubset = req.Constraints.EncryptionContextSubset
	}
	var id [32]byte
	var tok [96]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, errInternal("cannot generate a grant id")
	}
	if _, err := rand.Read(tok[:]); err != nil {
		return nil, errInternal("cannot generate a grant token")
	}
	g.ID = hex.EncodeToString(id[:])
	g.Token = base64.RawURLEncoding.EncodeToString(tok[:])
	if err := s.store.AddGrant(g); err != nil {
		return nil, s.storeErr(err, "grants per KMS key", s.opts.Limits.GrantsPerKey, errKeyNotFound(k.ARN))
	}
	return marshal(struct {
		GrantToken string `json:"GrantToken"`
		GrantId    string `json:"GrantId"`
	}{g.Token, g.ID})
}

func deref(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

// listGrants pages by grant id: the marker is the id of the first grant of
// the next page.
func (s *Service) listGrants(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.ListGrantsRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.Str("grantId", req.GrantId, false, 1, 128)
		v.Str("granteePrincipal", req.GranteePrincipal, false, 1, 256)
		v.IntRange("limit", req.Limit, 1, 100)
		v.Str("marker", req.Marker, false, 1, 1024)
	})
	if err != nil {
		return nil, err
	}
	var gs []*store.Grant
	for _, g := range s.store.ListGrants(view.Key.ID) {
		if req.GrantId != nil && g.ID != *req.GrantId ||
			req.GranteePrincipal != nil && g.GranteePrincipal != *req.GranteePrincipal ||
			req.GranteeServicePrincipal != nil && g.GranteePrincipal != *req.GranteeServicePrincipal {
			continue
		}
		gs = append(gs, g)
	}
	start, err := pageStart(gs, req.Marker, func(g *store.Grant) string { return g.ID })
	if err != nil {
		return nil, err
	}
	limit := 50
	if req.Limit != nil {
		limit = int(*req.Limit)
	}
	end := min(start+limit, len(gs))
	out := struct {
		Grants     []shapes.GrantEntry `json:"Grants"`
		NextMarker string              `json:"NextMarker,omitempty"`
		Truncated  bool                `json:"Truncated"`
	}{Grants: make([]shapes.GrantEntry, 0, end-start)}
	for _, g := range gs[start:end] {
		e := shapes.GrantEntry{KeyId: view.Key.ARN, GrantId: g.ID, Name: g.Name, CreationDate: epoch(g.Created),
			GranteePrincipal: g.GranteePrincipal, RetiringPrincipal: g.RetiringPrincipal,
			IssuingAccount: g.IssuingAccount, Operations: g.Operations}
		if g.EncryptionContextEquals != nil || g.EncryptionContextSubset != nil {
			e.Constraints = &shapes.GrantConstraints{EncryptionContextEquals: g.EncryptionContextEquals, EncryptionContextSubset: g.EncryptionContextSubset}
		}
		out.Grants = append(out.Grants, e)
	}
	if end < len(gs) {
		out.NextMarker, out.Truncated = gs[end].ID, true
	}
	return marshal(out)
}

// retireGrant takes a grant token, or a key id/ARN with a grant id.
func (s *Service) retireGrant(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.RetireGrantRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.Str("grantToken", req.GrantToken, false, 1, 8192)
	v.Str("keyId", req.KeyId, false, 1, 2048)
	v.Str("grantId", req.GrantId, false, 1, 128)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var keyID, grantID string
	switch {
	case req.GrantToken != nil:
		g, ok := s.store.GrantByToken(*req.GrantToken)
		if !ok {
			return nil, errInvalidGrantToken()
		}
		keyID, grantID = g.KeyID, g.ID
	case req.KeyId != nil && req.GrantId != nil:
		view, err := s.resolve(*req.KeyId, keysOnly)
		if err != nil {
			return nil, err
		}
		keyID, grantID = view.Key.ID, *req.GrantId
	default:
		return nil, errValidation("Either GrantToken or both KeyId and GrantId must be specified.")
	}
	return s.removeGrant(keyID, grantID, req.DryRun)
}

func (s *Service) revokeGrant(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.RevokeGrantRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.Str("grantId", req.GrantId, true, 1, 128)
	})
	if err != nil {
		return nil, err
	}
	return s.removeGrant(view.Key.ID, *req.GrantId, req.DryRun)
}

func (s *Service) removeGrant(keyID, grantID string, dryRun *bool) ([]byte, error) {
	if dryRun != nil && *dryRun {
		if !s.grantExists(keyID, grantID) {
			return nil, errNotFound("Grant ID " + grantID + " not found")
		}
		return nil, errDryRun()
	}
	if err := s.store.RemoveGrant(keyID, grantID); errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound("Grant ID " + grantID + " not found")
	}
	return emptyResponse, nil
}

func (s *Service) grantExists(keyID, grantID string) bool {
	for _, g := range s.store.ListGrants(keyID) {
		if g.ID == grantID {
			return true
		}
	}
	return false
}
