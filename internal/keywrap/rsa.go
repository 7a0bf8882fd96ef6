package keywrap

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"hash"
)

// KMS WrappingAlgorithmSpec values this package implements.
const (
	RSAESOAEPSHA1       = "RSAES_OAEP_SHA_1"
	RSAESOAEPSHA256     = "RSAES_OAEP_SHA_256"
	RSAAESKeyWrapSHA1   = "RSA_AES_KEY_WRAP_SHA_1"
	RSAAESKeyWrapSHA256 = "RSA_AES_KEY_WRAP_SHA_256"
)

// Algorithms lists the wrapping algorithms Wrap and Unwrap accept.
var Algorithms = []string{RSAESOAEPSHA1, RSAESOAEPSHA256, RSAAESKeyWrapSHA1, RSAAESKeyWrapSHA256}

// ErrAlgorithm reports a wrapping algorithm this package does not implement
// (RSAES_PKCS1_V1_5, SM2PKE or an unknown name).
var ErrAlgorithm = errors.New("keywrap: unsupported wrapping algorithm")

// aesKeyLen is the ephemeral AES key of the RSA_AES_KEY_WRAP_* algorithms.
const aesKeyLen = 32

// scheme splits a wrapping algorithm into its hash name and whether the
// material goes through the AES key-wrap step.
func scheme(alg string) (hashName string, hybrid bool, err error) {
	switch alg {
	case RSAESOAEPSHA1:
		return "SHA_1", false, nil
	case RSAESOAEPSHA256:
		return "SHA_256", false, nil
	case RSAAESKeyWrapSHA1:
		return "SHA_1", true, nil
	case RSAAESKeyWrapSHA256:
		return "SHA_256", true, nil
	}
	return "", false, fmt.Errorf("%w: %q", ErrAlgorithm, alg)
}

func newHash(name string) (hash.Hash, error) {
	switch name {
	case "SHA_1":
		return sha1.New(), nil
	case "SHA_256":
		return sha256.New(), nil
	}
	return nil, fmt.Errorf("keywrap: unsupported OAEP hash %q (want SHA_1 or SHA_256)", name)
}

// ParsePublicKey parses the DER SubjectPublicKeyInfo of an RSA wrapping key,
// as returned in GetParametersForImport's PublicKey.
func ParsePublicKey(der []byte) (*rsa.PublicKey, error) {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("keywrap: parsing wrapping public key: %w", err)
	}
	rsaPub, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("keywrap: wrapping public key is %T, not RSA", pub)
	}
	return rsaPub, nil
}

// Wrap encrypts key material for ImportKeyMaterial with the wrapping public
// key from GetParametersForImport (DER SubjectPublicKeyInfo).
func Wrap(publicKeyDER []byte, wrappingAlgorithm string, material []byte) ([]byte, error) {
	hashName, hybrid, err := scheme(wrappingAlgorithm)
	if err != nil {
		return nil, err
	}
	if len(material) == 0 {
		return nil, errors.New("keywrap: empty key material")
	}
	pub, err := ParsePublicKey(publicKeyDER)
	if err != nil {
		return nil, err
	}
	if !hybrid {
		return encryptOAEP(pub, hashName, material)
	}
	aesKey := make([]byte, aesKeyLen)
	if _, err := rand.Read(aesKey); err != nil {
		return nil, fmt.Errorf("keywrap: generating AES key: %w", err)
	}
	head, err := encryptOAEP(pub, hashName, aesKey)
	if err != nil {
		return nil, err
	}
	tail, err := WrapPad(aesKey, material)
	if err != nil {
		return nil, err
	}
	return append(head, tail...), nil
}

func encryptOAEP(pub *rsa.PublicKey, hashName string, msg []byte) ([]byte, error) {
	h, err := newHash(hashName)
	if err != nil {
		return nil, err
	}
	ct, err := rsa.EncryptOAEP(h, rand.Reader, pub, msg, nil)
	if err != nil {
		return nil, fmt.Errorf("keywrap: RSA-OAEP(%s) encryption of %d bytes: %w", hashName, len(msg), err)
	}
	return ct, nil
}

// Unwrap decrypts EncryptedKeyMaterial made with wrappingAlgorithm, the
// server side of Wrap. A ciphertext that does not decrypt returns an error
// wrapping ErrUnwrap; an unknown algorithm one wrapping ErrAlgorithm.
func Unwrap(priv *rsa.PrivateKey, wrappingAlgorithm string, ct []byte) ([]byte, error) {
	hashName, hybrid, err := scheme(wrappingAlgorithm)
	if err != nil {
		return nil, err
	}
	if hybrid {
		return UnwrapRSAAES(priv, hashName, ct)
	}
	return UnwrapRSAOAEP(priv, hashName, ct)
}

// UnwrapRSAOAEP decrypts RSAES_OAEP_SHA_1 / _SHA_256 ciphertext; hash is
// "SHA_1" or "SHA_256".
func UnwrapRSAOAEP(priv *rsa.PrivateKey, hash string, ct []byte) ([]byte, error) {
	if priv == nil {
		return nil, errors.New("keywrap: nil private key")
	}
	h, err := newHash(hash)
	if err != nil {
		return nil, err
	}
	if len(ct) != priv.Size() {
		return nil, fmt.Errorf("%w (RSA ciphertext is %d bytes, the key needs %d)", ErrUnwrap, len(ct), priv.Size())
	}
	pt, err := rsa.DecryptOAEP(h, nil, priv, ct, nil)
	if err != nil {
		return nil, ErrUnwrap
	}
	return pt, nil
}

// UnwrapRSAAES decrypts RSA_AES_KEY_WRAP_SHA_1 / _SHA_256 ciphertext: the
// RSA-OAEP block holding the AES key, then the RFC 5649 wrapped material.
func UnwrapRSAAES(priv *rsa.PrivateKey, hash string, ct []byte) ([]byte, error) {
	if priv == nil {
		return nil, errors.New("keywrap: nil private key")
	}
	k := priv.Size()
	if len(ct) < k+16 {
		return nil, fmt.Errorf("%w (ciphertext is %d bytes, shorter than the %d-byte RSA block plus a wrapped key)", ErrUnwrap, len(ct), k)
	}
	aesKey, err := UnwrapRSAOAEP(priv, hash, ct[:k])
	if err != nil {
		return nil, err
	}
	if len(aesKey) != aesKeyLen {
		return nil, fmt.Errorf("%w (wrapped AES key is %d bytes, want %d)", ErrUnwrap, len(aesKey), aesKeyLen)
	}
	pt, err := UnwrapPad(aesKey, ct[k:])
	if err != nil {
		if errors.Is(err, ErrUnwrap) {
			return nil, err
		}
		return nil, fmt.Errorf("%w (%v)", ErrUnwrap, err)
	}
	return pt, nil
}
