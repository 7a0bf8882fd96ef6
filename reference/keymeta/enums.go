package keymeta

import (
	"crypto/rand"
	"encoding/hex"
	"math"
	"strings"
	"time"
)

// Enum value sets in the order AWS prints them: the 2023 recordings (CK-3,
// CK-4) with the values added since appended (VAL-FMT-3: compare as sets).
var (
	KeyUsages = []string{"ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT", "ENCAPSULATE_DECAPSULATE"}
	KeySpecs  = []string{"RSA_2048", "ECC_NIST_P384", "ECC_NIST_P256", "ECC_NIST_P521", "HMAC_384", "RSA_3072",
		"ECC_SECG_P256K1", "RSA_4096", "SYMMETRIC_DEFAULT", "HMAC_256", "HMAC_224", "HMAC_512",
		"SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"}
	CustomerMasterKeySpecs = []string{"RSA_2048", "ECC_NIST_P384", "ECC_NIST_P256", "ECC_NIST_P521", "HMAC_384", "RSA_3072",
		"ECC_SECG_P256K1", "RSA_4096", "SYMMETRIC_DEFAULT", "HMAC_256", "HMAC_224", "HMAC_512", "SM2"}
	Origins = []string{"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"}
)

// UsagesBySpec lists the key usages each key spec allows.
var UsagesBySpec = map[string][]string{
	"SYMMETRIC_DEFAULT":     {"ENCRYPT_DECRYPT"},
	"RSA_2048":              {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
	"RSA_3072":              {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
	"RSA_4096":              {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
	"ECC_NIST_P256":         {"SIGN_VERIFY", "KEY_AGREEMENT"},
	"ECC_NIST_P384":         {"SIGN_VERIFY", "KEY_AGREEMENT"},
	"ECC_NIST_P521":         {"SIGN_VERIFY", "KEY_AGREEMENT"},
	"ECC_SECG_P256K1":       {"SIGN_VERIFY"},
	"ECC_NIST_EDWARDS25519": {"SIGN_VERIFY"},
	"SM2":                   {"ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"},
	"ML_DSA_44":             {"SIGN_VERIFY"},
	"ML_DSA_65":             {"SIGN_VERIFY"},
	"ML_DSA_87":             {"SIGN_VERIFY"},
	"ML_KEM_512":            {"ENCAPSULATE_DECAPSULATE"},
	"ML_KEM_768":            {"ENCAPSULATE_DECAPSULATE"},
	"ML_KEM_1024":           {"ENCAPSULATE_DECAPSULATE"},
	"HMAC_224":              {"GENERATE_VERIFY_MAC"},
	"HMAC_256":              {"GENERATE_VERIFY_MAC"},
	"HMAC_384":              {"GENERATE_VERIFY_MAC"},
	"HMAC_512":              {"GENERATE_VERIFY_MAC"},
}

// GrantOperations is the GrantOperation enum.
var GrantOperations = []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
	"Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair",
	"GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret", "Encapsulate", "Decapsulate"}

// GrantOpsByUsage lists the grant operations a key of each usage supports
// (GR-2, GR-3); the key-independent ones (CreateGrant, RetireGrant,
// DescribeKey) are allowed on every key.
var GrantOpsByUsage = map[string][]string{
	"GENERATE_VERIFY_MAC":     {"GenerateMac", "VerifyMac"},
	"ENCRYPT_DECRYPT":         {"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GetPublicKey"},
	"SIGN_VERIFY":             {"Sign", "Verify", "GetPublicKey"},
	"KEY_AGREEMENT":           {"DeriveSharedSecret", "GetPublicKey"},
	"ENCAPSULATE_DECAPSULATE": {"Encapsulate", "Decapsulate", "GetPublicKey"},
}

// NewKeyID returns a random version-4 UUID, or mrk- + 32 hex (KID-2).
func NewKeyID(multiRegion bool) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	if multiRegion {
		return "mrk-" + hex.EncodeToString(b[:]), nil
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// IsKeyID reports whether v is a canonical hyphenated UUID or a
// multi-Region id (mrk- + 32 hex), KID-2. Hex case is not checked: an
// upper-case id is well formed and simply not found (AMB-11).
func IsKeyID(v string) bool {
	if rest, ok := strings.CutPrefix(v, "mrk-"); ok {
		return len(rest) == 32 && isHex(rest)
	}
	if len(v) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := v[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !hexDigit(c) {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !hexDigit(s[i]) {
			return false
		}
	}
	return true
}

func hexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Partition returns the ARN partition of a region.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// EpochTime converts epoch seconds (with fraction) to a time. Values out
// of range saturate, so absurd numbers become "too far ahead" or "past".
func EpochTime(f float64) time.Time {
	switch {
	case math.IsNaN(f) || f < -1e11:
		return time.Unix(-1e11, 0)
	case f > 1e11:
		return time.Unix(1e11, 0)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// Intern returns the static copy of s from list, so keys do not each hold
// a copy decoded from their request.
func Intern(list []string, s string) string {
	for _, x := range list {
		if x == s {
			return x
		}
	}
	return s
}
