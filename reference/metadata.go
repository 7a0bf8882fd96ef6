package reference

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/kmsmac/kmsmac/reference/mac"
	"github.com/kmsmac/kmsmac/reference/store"
)

// epoch is a timestamp on the wire: epoch seconds as a JSON number with a
// millisecond fraction (WIRE-6, e.g. 1566160362.664).
type epoch time.Time

func (e epoch) MarshalJSON() ([]byte, error) {
	t := time.Time(e)
	return strconv.AppendFloat(nil, float64(t.UnixMilli())/1000, 'f', 3, 64), nil
}

func epochPtr(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

// keyMetadata is KeyMetadata. Pointers and omitempty keep members absent,
// not empty, where the key type has none (DK-2, DK-3).
type keyMetadata struct {
	AWSAccountId                string     `json:"AWSAccountId"`
	KeyId                       string     `json:"KeyId"`
	Arn                         string     `json:"Arn"`
	CreationDate                epoch      `json:"CreationDate"`
	Enabled                     bool       `json:"Enabled"`
	Description                 string     `json:"Description"`
	KeyUsage                    string     `json:"KeyUsage"`
	KeyState                    string     `json:"KeyState"`
	DeletionDate                *epoch     `json:"DeletionDate,omitempty"`
	ValidTo                     *epoch     `json:"ValidTo,omitempty"`
	Origin                      string     `json:"Origin"`
	ExpirationModel             string     `json:"ExpirationModel,omitempty"`
	KeyManager                  string     `json:"KeyManager"`
	CustomerMasterKeySpec       string     `json:"CustomerMasterKeySpec"`
	KeySpec                     string     `json:"KeySpec"`
	EncryptionAlgorithms        []string   `json:"EncryptionAlgorithms,omitempty"`
	SigningAlgorithms           []string   `json:"SigningAlgorithms,omitempty"`
	KeyAgreementAlgorithms      []string   `json:"KeyAgreementAlgorithms,omitempty"`
	MacAlgorithms               []string   `json:"MacAlgorithms,omitempty"`
	MultiRegion                 bool       `json:"MultiRegion"`
	MultiRegionConfiguration    *mrkConfig `json:"MultiRegionConfiguration,omitempty"`
	PendingDeletionWindowInDays int        `json:"PendingDeletionWindowInDays,omitempty"`
	CurrentKeyMaterialId        string     `json:"CurrentKeyMaterialId,omitempty"`
}

type mrkConfig struct {
	MultiRegionKeyType string   `json:"MultiRegionKeyType"`
	PrimaryKey         mrkKey   `json:"PrimaryKey"`
	ReplicaKeys        []mrkKey `json:"ReplicaKeys"`
}

type mrkKey struct {
	Arn    string `json:"Arn"`
	Region string `json:"Region"`
}

func (s *Service) metadata(k *store.Key, m store.Mutable) keyMetadata {
	md := keyMetadata{
		AWSAccountId:          s.opts.Account,
		KeyId:                 k.ID,
		Arn:                   k.ARN,
		CreationDate:          epoch(k.Created),
		Enabled:               m.State == store.Enabled, // STATE-9
		Description:           m.Description,
		KeyUsage:              k.KeyUsage,
		KeyState:              string(m.State),
		Origin:                k.Origin,
		ExpirationModel:       m.ExpirationModel,
		KeyManager:            "CUSTOMER",
		CustomerMasterKeySpec: customerMasterKeySpec(k.KeySpec),
		KeySpec:               k.KeySpec,
		MultiRegion:           k.MultiRegion,
	}
	if m.State == store.PendingDeletion || m.State == store.PendingReplicaDeletion {
		md.DeletionDate = epochPtr(m.DeletionDate)
		md.PendingDeletionWindowInDays = m.PendingWindowDays
	}
	if m.ExpirationModel == store.MaterialExpires {
		md.ValidTo = epochPtr(m.ValidTo)
	}
	switch k.KeyUsage {
	case "GENERATE_VERIFY_MAC":
		if sp, ok := mac.ByKeySpec(k.KeySpec); ok {
			md.MacAlgorithms = []string{sp.Algorithm}
		}
	case "ENCRYPT_DECRYPT":
		if k.KeySpec == "SYMMETRIC_DEFAULT" {
			md.EncryptionAlgorithms = []string{"SYMMETRIC_DEFAULT"}
			// Symmetric keys report their material id; HMAC keys never do
			// (DK-2). Derived from the key id: the reference never rotates.
			if m.HasMaterial {
				sum := sha256.Sum256([]byte(k.ID))
				md.CurrentKeyMaterialId = hex.EncodeToString(sum[:])
			}
		} else {
			md.EncryptionAlgorithms = []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
		}
	case "SIGN_VERIFY":
		md.SigningAlgorithms = signingAlgorithms[k.KeySpec]
	case "KEY_AGREEMENT":
		md.KeyAgreementAlgorithms = []string{"ECDH"}
	}
	if k.MultiRegion {
		md.MultiRegionConfiguration = s.mrkConfiguration(k, m)
	}
	return md
}

// customerMasterKeySpec mirrors KeySpec for the specs the deprecated
// member knows (CK-7); newer specs leave it empty in the reference.
func customerMasterKeySpec(keySpec string) string {
	for _, s := range customerMasterKeySpecs {
		if s == keySpec {
			return s
		}
	}
	return ""
}

var signingAlgorithms = map[string][]string{
	"RSA_2048":              rsaSigning,
	"RSA_3072":              rsaSigning,
	"RSA_4096":              rsaSigning,
	"ECC_NIST_P256":         {"ECDSA_SHA_256"},
	"ECC_NIST_P384":         {"ECDSA_SHA_384"},
	"ECC_NIST_P521":         {"ECDSA_SHA_512"},
	"ECC_SECG_P256K1":       {"ECDSA_SHA_256"},
	"ECC_NIST_EDWARDS25519": {"ED25519_SHA_512", "ED25519_PH_SHA_512"},
	"ML_DSA_44":             {"ML_DSA_SHAKE_256"},
	"ML_DSA_65":             {"ML_DSA_SHAKE_256"},
	"ML_DSA_87":             {"ML_DSA_SHAKE_256"},
	"SM2":                   {"SM2DSA"},
}

var rsaSigning = []string{
	"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
	"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
}
