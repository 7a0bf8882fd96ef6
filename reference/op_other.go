package reference

import (
	"context"

	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/shapes"
	"github.com/kmsmac/kmsmac/reference/store"
)

// Other cryptographic operations. The reference implements them only far
// enough to give the errors KMS gives for HMAC keys (rules.md §18); for any
// other key they answer UnsupportedOperationException.

// notImplemented is the answer for keys the reference has no crypto for.
func notImplemented(op string) error {
	return errUnsupported("The kmsmac reference implements " + op + " only to report the errors KMS gives for HMAC keys.")
}

// usageOp is the common path of Sign, Verify, Encrypt and the data-key
// operations: validate KeyId and grant tokens, resolve the key (aliases
// allowed), check tokens and state as GenerateMac does, then refuse an HMAC
// key on usage (XOP-1, XOP-2).
func (s *Service) usageOp(op string, keyID *string, grantTokens []string, v request.Violations) ([]byte, error) {
	view, err := s.cryptoKey(keyID, grantTokens, v)
	if err != nil {
		return nil, err
	}
	if view.Key.KeyUsage == "GENERATE_VERIFY_MAC" {
		return nil, errUsageNotValid(view.Key.ARN, view.Key.KeyUsage, op)
	}
	return nil, notImplemented(op)
}

// cryptoKey adds the required KeyId and the grant tokens to the violations
// v already holds (model order: they come last), reports them, and resolves
// the key for a cryptographic operation.
func (s *Service) cryptoKey(keyID *string, grantTokens []string, v request.Violations) (store.View, error) {
	requireKeyID(&v, keyID)
	v.GrantTokens(grantTokens)
	if err := v.Err(); err != nil {
		return store.View{}, err
	}
	return s.resolveForCrypto(*keyID, grantTokens)
}

// resolveForCrypto resolves the KeyId of a cryptographic operation
// (aliases allowed), then checks grant tokens and key state: macOp's order.
func (s *Service) resolveForCrypto(keyID string, grantTokens []string) (store.View, error) {
	view, err := s.resolve(keyID, withAliases)
	if err != nil {
		return store.View{}, err
	}
	if err := s.usable(view, grantTokens); err != nil {
		return store.View{}, err
	}
	return view, nil
}

// usable checks, for a key just resolved, the grant tokens and then the
// key state of the cryptographic operations (and CreateGrant, GR-7).
func (s *Service) usable(view store.View, grantTokens []string) error {
	if err := s.checkGrantTokens(grantTokens); err != nil {
		return err
	}
	return cryptoStateErr(view.Key.ARN, view.State)
}

func (s *Service) sign(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.SignRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.Blob("message", req.Message.Bytes, req.Message.Present, true, true, 1, 4096)
	if req.SigningAlgorithm == nil {
		v.Null("signingAlgorithm")
	}
	return s.usageOp("Sign", req.KeyId, req.GrantTokens, v)
}

func (s *Service) verify(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.VerifyRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.Blob("message", req.Message.Bytes, req.Message.Present, true, true, 1, 4096)
	v.Blob("signature", req.Signature.Bytes, req.Signature.Present, true, false, 1, 6144)
	if req.SigningAlgorithm == nil {
		v.Null("signingAlgorithm")
	}
	return s.usageOp("Verify", req.KeyId, req.GrantTokens, v)
}

func (s *Service) encrypt(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.EncryptRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.Blob("plaintext", req.Plaintext.Bytes, req.Plaintext.Present, true, true, 1, 4096)
	return s.usageOp("Encrypt", req.KeyId, req.GrantTokens, v)
}

func (s *Service) generateDataKey(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.GenerateDataKeyRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.IntRange("numberOfBytes", req.NumberOfBytes, 1, 1024)
	return s.usageOp("GenerateDataKey", req.KeyId, req.GrantTokens, v)
}

func (s *Service) generateDataKeyWithoutPlaintext(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.GenerateDataKeyWithoutPlaintextRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.IntRange("numberOfBytes", req.NumberOfBytes, 1, 1024)
	return s.usageOp("GenerateDataKeyWithoutPlaintext", req.KeyId, req.GrantTokens, v)
}

func (s *Service) generateDataKeyPair(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.GenerateDataKeyPairRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	if req.KeyPairSpec == nil {
		v.Null("keyPairSpec")
	}
	return s.usageOp("GenerateDataKeyPair", req.KeyId, req.GrantTokens, v)
}

func (s *Service) generateDataKeyPairWithoutPlaintext(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.GenerateDataKeyPairWithoutPlaintextRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	if req.KeyPairSpec == nil {
		v.Null("keyPairSpec")
	}
	return s.usageOp("GenerateDataKeyPairWithoutPlaintext", req.KeyId, req.GrantTokens, v)
}

// decrypt: an HMAC key named in KeyId is the "incorrect key" (XOP-3).
// Without KeyId the ciphertext would name the key, and the reference makes
// no ciphertexts.
func (s *Service) decrypt(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.DecryptRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.Blob("ciphertextBlob", req.CiphertextBlob.Bytes, req.CiphertextBlob.Present, true, false, 1, 6144)
	v.GrantTokens(req.GrantTokens)
	v.Str("keyId", req.KeyId, false, 1, 2048)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if req.KeyId == nil {
		return nil, notImplemented("Decrypt")
	}
	view, err := s.resolveForCrypto(*req.KeyId, req.GrantTokens)
	if err != nil {
		return nil, err
	}
	if view.Key.KeyUsage == "GENERATE_VERIFY_MAC" {
		return nil, errIncorrectKey()
	}
	return nil, notImplemented("Decrypt")
}

// reEncrypt: an HMAC source key is the "incorrect key" (XOP-4); an HMAC
// destination key fails on usage.
func (s *Service) reEncrypt(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.ReEncryptRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.Blob("ciphertextBlob", req.CiphertextBlob.Bytes, req.CiphertextBlob.Present, true, false, 1, 6144)
	v.Str("sourceKeyId", req.SourceKeyId, false, 1, 2048)
	v.Str("destinationKeyId", req.DestinationKeyId, true, 1, 2048)
	v.GrantTokens(req.GrantTokens)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if req.SourceKeyId != nil {
		view, err := s.resolveForCrypto(*req.SourceKeyId, req.GrantTokens)
		if err != nil {
			return nil, err
		}
		if view.Key.KeyUsage == "GENERATE_VERIFY_MAC" {
			return nil, errIncorrectKey()
		}
	}
	dst, err := s.resolveForCrypto(*req.DestinationKeyId, req.GrantTokens)
	if err != nil {
		return nil, err
	}
	if dst.Key.KeyUsage == "GENERATE_VERIFY_MAC" {
		return nil, errUsageNotValid(dst.Key.ARN, dst.Key.KeyUsage, "ReEncrypt")
	}
	return nil, notImplemented("ReEncrypt")
}

// getPublicKey: HMAC keys have no public key. The error type is not
// recorded (XOP-5, AMB-15); UnsupportedOperationException is what the
// model lists for keys without one.
func (s *Service) getPublicKey(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.GetPublicKeyRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	view, err := s.cryptoKey(req.KeyId, req.GrantTokens, nil)
	if err != nil {
		return nil, err
	}
	if view.Key.KeyUsage == "GENERATE_VERIFY_MAC" {
		return nil, errUnsupported(view.Key.ARN + " key spec " + view.Key.KeySpec + " has no public key; GetPublicKey is not valid for HMAC KMS keys.")
	}
	return nil, notImplemented("GetPublicKey")
}
