package reference

import (
	"context"
	"encoding/base64"

	"github.com/kmsmac/kmsmac/kmsspec"
	"github.com/kmsmac/kmsmac/reference/mac"
	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
)

func (s *Service) generateMac(ctx context.Context, body []byte) ([]byte, error) {
	return s.macOp(ctx, body, false)
}

func (s *Service) verifyMac(ctx context.Context, body []byte) ([]byte, error) {
	return s.macOp(ctx, body, true)
}

// macOp is GenerateMac and VerifyMac. The order of checks (rules.md §9):
// framework validation (all violations together) → key resolution → grant
// tokens → authorization (AUTH-*, with kms:MacAlgorithm) → key state → key usage → algorithm vs key spec → MAC comparison →
// DryRun.
//
// Key state before key usage is undocumented (ORD-5, AMB-3); LocalStack
// does the same. Grant tokens are checked right after the key is found,
// because a token is an authorization input and KMS authorizes before it
// looks at the key's state. DryRun comes last so that a DryRun call reports
// whatever the real call would fail with (DRY-6).
func (s *Service) macOp(ctx context.Context, body []byte, verify bool) ([]byte, error) {
	req, sc, err := request.DecodeMac(body, verify)
	defer sc.Release()
	if err != nil {
		return nil, err
	}
	op := "GenerateMac"
	if verify {
		op = "VerifyMac"
	}

	// Model member order: Message, KeyId, MacAlgorithm, Mac, GrantTokens.
	var v request.Violations
	v.Blob("message", req.Message.Bytes, req.Message.Present, true, true, kmsspec.MinMessage, kmsspec.MaxMessage)
	v.Str("keyId", req.KeyId, true, kmsspec.MinKeyID, kmsspec.MaxKeyID)
	v.Enum("macAlgorithm", req.MacAlgorithm, true, request.MacAlgorithms)
	if verify {
		v.Blob("mac", req.Mac.Bytes, req.Mac.Present, true, false, kmsspec.MinMac, kmsspec.MaxMac)
	}
	v.GrantTokens(req.GrantTokens)
	if err := v.Err(); err != nil {
		return nil, err
	}

	view, err := s.resolve(*req.KeyId, withAliases)
	if err == nil {
		err = s.checkGrantTokens(req.GrantTokens)
	}
	if err == nil {
		err = s.authorize(ctx, view, op, *req.MacAlgorithm)
	}
	if err == nil {
		err = cryptoStateErr(view.Key.ARN, view.State)
	}
	if err != nil {
		return nil, err
	}
	k := view.Key
	if k.KeyUsage != kmsspec.KeyUsageMAC {
		return nil, errUsageNotValid(k.ARN, k.KeyUsage, op)
	}
	alg := *req.MacAlgorithm
	spec, _ := mac.ByAlgorithm(alg)
	if spec.KeySpec != k.KeySpec {
		return nil, errInvalidKeyUsage("Algorithm " + alg + " is incompatible with key spec " + k.KeySpec + ".")
	}
	if view.MAC == nil {
		// An usable state without material can only come from a forced
		// state (SetKeyState refuses it); answer as for PendingImport.
		return nil, errInvalidState(k.ARN + " is pending import.")
	}

	if verify {
		if !view.MAC.Verify(req.Message.Bytes, req.Mac.Bytes) {
			return nil, errInvalidMac()
		}
		if req.DryRun != nil && *req.DryRun {
			return nil, errDryRun()
		}
		return macResponse(k.ARN, nil, alg), nil
	}
	if req.DryRun != nil && *req.DryRun {
		return nil, errDryRun()
	}
	return macResponse(k.ARN, view.MAC.Sum(sc.Tag[:0], req.Message.Bytes), alg), nil
}

// macResponse writes the response by hand: the ARN and algorithm hold no
// characters JSON must escape, and this is the hot path. A nil tag means a
// VerifyMac response (MacValid is always true on success, VM-OK-2).
func macResponse(arn string, tag []byte, alg string) []byte {
	n := len(arn) + len(alg) + 64
	if tag != nil {
		n += base64.StdEncoding.EncodedLen(len(tag))
	}
	out := make([]byte, 0, n)
	out = append(out, `{"KeyId":"`...)
	out = append(out, arn...)
	if tag != nil {
		out = append(out, `","Mac":"`...)
		out = base64.StdEncoding.AppendEncode(out, tag)
		out = append(out, `","MacAlgorithm":"`...)
	} else {
		out = append(out, `","MacValid":true,"MacAlgorithm":"`...)
	}
	out = append(out, alg...)
	out = append(out, `"}`...)
	return out
}

// cryptoStateErr applies the key-state table of the cryptographic
// operations (rules.md §5): Enabled and Updating work, every other state
// fails with the documented footnote text.
func cryptoStateErr(arn string, st store.State) error {
	switch st {
	case store.Enabled, store.Updating:
		return nil
	case store.Disabled:
		return errDisabled(arn)
	}
	return stateErr(arn, st)
}

// stateErr is the KMSInvalidStateException for a state an operation does
// not allow (footnotes [3], [5], [14] of the key-state table).
func stateErr(arn string, st store.State) error {
	switch st {
	case store.Disabled:
		return errDisabled(arn)
	case store.PendingDeletion:
		return errInvalidState(arn + " is pending deletion.")
	case store.PendingReplicaDeletion:
		return errInvalidState(arn + " is pending replica deletion.")
	case store.PendingImport:
		return errInvalidState(arn + " is pending import.")
	case store.Creating:
		return errInvalidState(arn + " is creating.")
	case store.Updating:
		return errInvalidState(arn + " is updating.")
	case store.Unavailable:
		return errInvalidState(arn + " is unavailable.")
	}
	return errInvalidState(arn + " is " + string(st) + ".")
}

// checkGrantTokens accepts only tokens of live grants issued by this
// endpoint (MAC-GT-4). A token is not required to belong to the key named:
// KMS uses a token only to add permissions, and the reference does not
// evaluate permissions.
func (s *Service) checkGrantTokens(toks []string) error {
	for _, t := range toks {
		if !s.store.ValidToken(t) {
			return errInvalidGrantToken()
		}
	}
	return nil
}
