package reference

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"github.com/kmsmac/kmsmac/reference/shapes"
	"strconv"
	"time"

	"github.com/kmsmac/kmsmac/internal/keywrap"
	"github.com/kmsmac/kmsmac/reference/mac"
	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
)

var (
	wrappingAlgorithms = []string{"RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE"}
	wrappingKeySpecs   = []string{"RSA_2048", "RSA_3072", "RSA_4096", "SM2"}
	expirationModels   = []string{store.MaterialExpires, store.MaterialDoesNotExpire}
	importTypes        = []string{"NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"}
)

// importParamsTTL is how long an import token and wrapping key stay valid
// (IMP-3).
const importParamsTTL = 24 * time.Hour

// errOrigin refuses an operation the key's origin does not allow: import
// into a key that is not EXTERNAL (IMP-2), rotation of a symmetric key
// that is not AWS_KMS.
func errOrigin(k *store.Key) error {
	return errUnsupported(k.ARN + " origin is " + k.Origin + " which is not valid for this operation.")
}

// importableKey checks what GetParametersForImport and ImportKeyMaterial
// share: Origin EXTERNAL (IMP-2), a key type the reference can import
// into, and a key state that allows import.
func importableKey(k *store.Key, st store.State, op string) error {
	if k.Origin != "EXTERNAL" {
		return errOrigin(k)
	}
	switch st {
	case store.PendingDeletion, store.PendingReplicaDeletion, store.Creating:
		return stateErr(k.ARN, st)
	}
	if _, ok := mac.ByKeySpec(k.KeySpec); !ok && k.KeySpec != "SYMMETRIC_DEFAULT" {
		return errUnsupported("The kmsmac reference implements " + op + " only for HMAC and SYMMETRIC_DEFAULT keys.")
	}
	return nil
}

func (s *Service) getParametersForImport(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.GetParametersForImportRequest
	// keysOnly: no aliases (IMP-14).
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.Enum("wrappingAlgorithm", req.WrappingAlgorithm, true, wrappingAlgorithms)
		v.Enum("wrappingKeySpec", req.WrappingKeySpec, true, wrappingKeySpecs)
	})
	if err != nil {
		return nil, err
	}
	k := view.Key
	if err := importableKey(k, view.State, "GetParametersForImport"); err != nil {
		return nil, err
	}
	alg, spec := *req.WrappingAlgorithm, *req.WrappingKeySpec
	switch {
	case alg == "RSAES_PKCS1_V1_5":
		// Withdrawn by AWS on 2023-10-10 (IMP-5).
		return nil, errValidation("The wrapping algorithm RSAES_PKCS1_V1_5 is no longer supported.")
	case alg == "SM2PKE" || spec == "SM2":
		return nil, errValidation("SM2 wrapping is available only in the China Regions.")
	}
	priv, pub, err := s.store.WrappingKey(spec)
	if err != nil {
		return nil, errInternal("cannot create the wrapping key")
	}
	var tok [64]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return nil, errInternal("cannot create an import token")
	}
	validTo := s.opts.Now().Add(importParamsTTL)
	if err := s.store.AddImport(&store.ImportParams{
		Token: string(tok[:]), KeyID: k.ID, WrappingSpec: spec, Algorithm: alg,
		ExpiresAt: validTo, Private: priv,
	}); err != nil {
		return nil, err
	}
	return marshal(struct {
		KeyId             string `json:"KeyId"`
		ImportToken       []byte `json:"ImportToken"`
		PublicKey         []byte `json:"PublicKey"`
		ParametersValidTo epoch  `json:"ParametersValidTo"`
	}{k.ARN, tok[:], pub, epoch(validTo)})
}

// importKeyMaterial. Order: validation → key → origin/state → expiration
// model and ValidTo → import token → unwrap → material length → same
// material as before. ImportType, KeyMaterialId and KeyMaterialDescription
// are accepted and ignored: their effect on HMAC keys is undocumented
// (IMP-13, AMB-7).
func (s *Service) importKeyMaterial(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.ImportKeyMaterialRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.Blob("importToken", req.ImportToken.Bytes, req.ImportToken.Present, true, false, 1, 6144)
		v.Blob("encryptedKeyMaterial", req.EncryptedKeyMaterial.Bytes, req.EncryptedKeyMaterial.Present, true, false, 1, 6144)
		v.Enum("expirationModel", req.ExpirationModel, false, expirationModels)
		v.Enum("importType", req.ImportType, false, importTypes)
		v.Str("keyMaterialDescription", req.KeyMaterialDescription, false, 0, 256)
		v.Str("keyMaterialId", req.KeyMaterialId, false, 1, 64)
	})
	if err != nil {
		return nil, err
	}
	k := view.Key
	if err := importableKey(k, view.State, "ImportKeyMaterial"); err != nil {
		return nil, err
	}

	now := s.opts.Now()
	model := store.MaterialExpires // the model's default (IMP-7)
	if req.ExpirationModel != nil {
		model = *req.ExpirationModel
	}
	var validTo time.Time
	switch {
	case model == store.MaterialExpires && req.ValidTo == nil:
		return nil, errValidation("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES") // IMP-7, recorded
	case model == store.MaterialDoesNotExpire && req.ValidTo != nil:
		return nil, errValidation("A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE")
	case req.ValidTo != nil:
		validTo = epochTime(*req.ValidTo)
		if !validTo.After(now) || validTo.After(now.Add(365*24*time.Hour)) {
			return nil, errValidation("The validTo date must be in the future and no more than 365 days from now.")
		}
	}

	p, ok := s.store.Import(string(req.ImportToken.Bytes))
	if !ok || p.KeyID != k.ID {
		return nil, awsjsonClient("InvalidImportTokenException", "The import token is not valid for "+k.ARN+".")
	}
	if !now.Before(p.ExpiresAt) {
		return nil, awsjsonClient("ExpiredImportTokenException", "The import token has expired. Call GetParametersForImport again.")
	}
	material, err := keywrap.Unwrap(p.Private, p.Algorithm, req.EncryptedKeyMaterial.Bytes)
	if err != nil {
		return nil, awsjsonClient("InvalidCiphertextException", "The encrypted key material cannot be decrypted with the wrapping key of this import token ("+p.Algorithm+").")
	}
	var mk *mac.Key
	if sp, ok := mac.ByKeySpec(k.KeySpec); ok {
		// IMP-12: AWS's error type for a length outside the range is not
		// recorded; the reference answers ValidationException.
		if len(material) < sp.MinImport || len(material) > sp.MaxImport {
			return nil, errValidation(lengthRangeMessage(k.KeySpec, len(material), sp.MinImport, sp.MaxImport))
		}
		if mk, err = mac.NewKey(sp, material); err != nil {
			return nil, errInternal("cannot prepare key material")
		}
	} else if len(material) != 32 {
		return nil, errValidation(lengthRangeMessage(k.KeySpec, len(material), 32, 32))
	}
	digest := sha256.Sum256(material)

	err = s.update(k, func(m *store.Mutable) error {
		if err := importableKey(k, m.State, "ImportKeyMaterial"); err != nil {
			return err
		}
		if m.Imported != nil && *m.Imported != digest {
			// IMP-10; message not recorded.
			return awsjsonClient("IncorrectKeyMaterialException", "The key material does not match the key material previously imported into "+k.ARN+".")
		}
		m.Imported = &digest
		m.MAC, m.HasMaterial = mk, true
		m.ExpirationModel, m.ValidTo = model, validTo
		if m.State == store.PendingImport {
			m.State = store.Enabled
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return keyIDOutput(k.ARN)
}

func lengthRangeMessage(spec string, n, lo, hi int) string {
	want := strconv.Itoa(lo) + " to " + strconv.Itoa(hi)
	if lo == hi {
		want = strconv.Itoa(lo)
	}
	return "Key material of " + strconv.Itoa(n) + " bytes is not valid for key spec " + spec + "; it must be " + want + " bytes long."
}

// deleteImportedKeyMaterial sends the key to PendingImport and removes
// its expiration model (IMP-8).
func (s *Service) deleteImportedKeyMaterial(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.DeleteImportedKeyMaterialRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.Str("keyMaterialId", req.KeyMaterialId, false, 1, 64)
	})
	if err != nil {
		return nil, err
	}
	k := view.Key
	if k.Origin != "EXTERNAL" {
		return nil, errOrigin(k)
	}
	err = s.update(k, func(m *store.Mutable) error {
		switch m.State {
		case store.PendingDeletion, store.PendingReplicaDeletion, store.Creating, store.PendingImport:
			return stateErr(k.ARN, m.State)
		}
		m.DropMaterial()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return keyIDOutput(k.ARN)
}
