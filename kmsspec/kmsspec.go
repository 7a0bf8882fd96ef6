// Package kmsspec is the AWS KMS HMAC vocabulary shared by the kmsmac
// harness and its reference endpoint: key specs, MAC algorithms, which
// algorithm each spec takes, MAC lengths, key states and request limits.
//
// It is written from the AWS KMS documentation, not from either user, so a
// slip in the reference cannot hide behind a table the harness borrowed
// from it. Rule ids (ALG-1, GM-OK-2, ...) are those of features/RULES.md.
// Doc pages cited below are under https://docs.aws.amazon.com/kms/latest/.
//
// It imports only the standard library and nothing of kmsmac, so any
// package (users' Go tests too) can depend on it.
package kmsspec

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
)

// HMAC key specs (KeySpec / CustomerMasterKeySpec values), from
// developerguide/hmac.html "Key specs for HMAC keys".
const (
	HMAC224 = "HMAC_224"
	HMAC256 = "HMAC_256"
	HMAC384 = "HMAC_384"
	HMAC512 = "HMAC_512"
)

// MAC algorithms (the MacAlgorithmSpec enum of APIReference/API_GenerateMac.html).
const (
	HMACSHA224 = "HMAC_SHA_224"
	HMACSHA256 = "HMAC_SHA_256"
	HMACSHA384 = "HMAC_SHA_384"
	HMACSHA512 = "HMAC_SHA_512"
)

// KeyUsageMAC is the only KeyUsage an HMAC key can have (CK-1, CK-5).
const KeyUsageMAC = "GENERATE_VERIFY_MAC"

// Spec is one HMAC key spec and the single MAC algorithm it supports.
type Spec struct {
	KeySpec   string // HMAC_224 ... HMAC_512
	Algorithm string // HMAC_SHA_224 ... HMAC_SHA_512: the only one this spec takes (ALG-1)
	Size      int    // MAC length in bytes: the full digest, never truncated (GM-OK-2)
	BlockSize int    // the hash's block size in bytes (RFC 2104's B)
	// MinImport and MaxImport bound imported key material, digest size up
	// to block size (IMP-12: the range LocalStack encodes; real AWS was
	// recorded accepting exactly Size bytes).
	MinImport, MaxImport int
}

// Specs lists the four HMAC key specs in ascending MAC size
// (developerguide/hmac.html; sizes from FIPS 180-4).
var Specs = []Spec{
	{KeySpec: HMAC224, Algorithm: HMACSHA224, Size: 28, BlockSize: 64, MinImport: 28, MaxImport: 64},
	{KeySpec: HMAC256, Algorithm: HMACSHA256, Size: 32, BlockSize: 64, MinImport: 32, MaxImport: 64},
	{KeySpec: HMAC384, Algorithm: HMACSHA384, Size: 48, BlockSize: 128, MinImport: 48, MaxImport: 128},
	{KeySpec: HMAC512, Algorithm: HMACSHA512, Size: 64, BlockSize: 128, MinImport: 64, MaxImport: 128},
}

// ByKeySpec returns the spec named by a KeySpec value such as "HMAC_256".
func ByKeySpec(keySpec string) (Spec, bool) {
	for _, s := range Specs {
		if s.KeySpec == keySpec {
			return s, true
		}
	}
	return Spec{}, false
}

// ByAlgorithm returns the spec whose algorithm is alg, such as "HMAC_SHA_256".
func ByAlgorithm(alg string) (Spec, bool) {
	for _, s := range Specs {
		if s.Algorithm == alg {
			return s, true
		}
	}
	return Spec{}, false
}

// KeySpecs returns the four HMAC key spec names, ascending.
func KeySpecs() []string {
	out := make([]string, len(Specs))
	for i, s := range Specs {
		out[i] = s.KeySpec
	}
	return out
}

// Algorithms returns the four MAC algorithm names, ascending.
func Algorithms() []string {
	out := make([]string, len(Specs))
	for i, s := range Specs {
		out[i] = s.Algorithm
	}
	return out
}

// HMAC is the expected MAC of msg under key material: RFC 2104 HMAC from
// crypto/hmac with the algorithm's SHA-2 hash, the full digest (GM-OK-2,
// GM-OK-4). It is the harness's oracle, independent of the reference's
// core. It panics on an algorithm that is not one of the four.
func HMAC(alg string, key, msg []byte) []byte {
	var h func() hash.Hash
	switch alg {
	case HMACSHA224:
		h = sha256.New224
	case HMACSHA256:
		h = sha256.New
	case HMACSHA384:
		h = sha512.New384
	case HMACSHA512:
		h = sha512.New
	default:
		panic("kmsspec: not a MAC algorithm: " + alg)
	}
	m := hmac.New(h, key)
	m.Write(msg)
	return m.Sum(nil)
}
