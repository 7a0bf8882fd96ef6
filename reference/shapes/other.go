package shapes

import "github.com/kmsmac/kmsmac/reference/request"

// The request shapes of the cryptographic operations the reference answers
// only with KMS's errors for HMAC keys (rules.md §18): every member of the
// model, so strict decoding accepts what the SDKs send.

// SignRequest is the Sign body.
type SignRequest struct {
	KeyId            *string      `json:"KeyId"`
	Message          request.Blob `json:"Message"`
	MessageType      *string      `json:"MessageType"`
	SigningAlgorithm *string      `json:"SigningAlgorithm"`
	GrantTokens      []string     `json:"GrantTokens"`
	DryRun           *bool        `json:"DryRun"`
}

// VerifyRequest is the Verify body.
type VerifyRequest struct {
	KeyId            *string      `json:"KeyId"`
	Message          request.Blob `json:"Message"`
	MessageType      *string      `json:"MessageType"`
	Signature        request.Blob `json:"Signature"`
	SigningAlgorithm *string      `json:"SigningAlgorithm"`
	GrantTokens      []string     `json:"GrantTokens"`
	DryRun           *bool        `json:"DryRun"`
}

// EncryptRequest is the Encrypt body.
type EncryptRequest struct {
	KeyId               *string           `json:"KeyId"`
	Plaintext           request.Blob      `json:"Plaintext"`
	EncryptionContext   map[string]string `json:"EncryptionContext"`
	GrantTokens         []string          `json:"GrantTokens"`
	EncryptionAlgorithm *string           `json:"EncryptionAlgorithm"`
	DryRun              *bool             `json:"DryRun"`
}

// RecipientInfo is the RecipientInfo body.
type RecipientInfo struct {
	KeyEncryptionAlgorithm *string      `json:"KeyEncryptionAlgorithm"`
	AttestationDocument    request.Blob `json:"AttestationDocument"`
}

// GenerateDataKeyRequest is the GenerateDataKey body.
type GenerateDataKeyRequest struct {
	KeyId             *string           `json:"KeyId"`
	EncryptionContext map[string]string `json:"EncryptionContext"`
	NumberOfBytes     *int64            `json:"NumberOfBytes"`
	KeySpec           *string           `json:"KeySpec"`
	GrantTokens       []string          `json:"GrantTokens"`
	Recipient         *RecipientInfo    `json:"Recipient"`
	DryRun            *bool             `json:"DryRun"`
}

// GenerateDataKeyWithoutPlaintextRequest is the GenerateDataKeyWithoutPlaintext body.
type GenerateDataKeyWithoutPlaintextRequest struct {
	KeyId             *string           `json:"KeyId"`
	EncryptionContext map[string]string `json:"EncryptionContext"`
	KeySpec           *string           `json:"KeySpec"`
	NumberOfBytes     *int64            `json:"NumberOfBytes"`
	GrantTokens       []string          `json:"GrantTokens"`
	DryRun            *bool             `json:"DryRun"`
}

// GenerateDataKeyPairRequest is the GenerateDataKeyPair body.
type GenerateDataKeyPairRequest struct {
	EncryptionContext map[string]string `json:"EncryptionContext"`
	KeyId             *string           `json:"KeyId"`
	KeyPairSpec       *string           `json:"KeyPairSpec"`
	GrantTokens       []string          `json:"GrantTokens"`
	Recipient         *RecipientInfo    `json:"Recipient"`
	DryRun            *bool             `json:"DryRun"`
}

// GenerateDataKeyPairWithoutPlaintextRequest is the GenerateDataKeyPairWithoutPlaintext body.
type GenerateDataKeyPairWithoutPlaintextRequest struct {
	EncryptionContext map[string]string `json:"EncryptionContext"`
	KeyId             *string           `json:"KeyId"`
	KeyPairSpec       *string           `json:"KeyPairSpec"`
	GrantTokens       []string          `json:"GrantTokens"`
	DryRun            *bool             `json:"DryRun"`
}

// DecryptRequest is the Decrypt body.
type DecryptRequest struct {
	CiphertextBlob      request.Blob      `json:"CiphertextBlob"`
	EncryptionContext   map[string]string `json:"EncryptionContext"`
	GrantTokens         []string          `json:"GrantTokens"`
	KeyId               *string           `json:"KeyId"`
	EncryptionAlgorithm *string           `json:"EncryptionAlgorithm"`
	Recipient           *RecipientInfo    `json:"Recipient"`
	DryRun              *bool             `json:"DryRun"`
	DryRunModifiers     []string          `json:"DryRunModifiers"`
}

// ReEncryptRequest is the ReEncrypt body.
type ReEncryptRequest struct {
	CiphertextBlob                 request.Blob      `json:"CiphertextBlob"`
	SourceEncryptionContext        map[string]string `json:"SourceEncryptionContext"`
	SourceKeyId                    *string           `json:"SourceKeyId"`
	DestinationKeyId               *string           `json:"DestinationKeyId"`
	DestinationEncryptionContext   map[string]string `json:"DestinationEncryptionContext"`
	SourceEncryptionAlgorithm      *string           `json:"SourceEncryptionAlgorithm"`
	DestinationEncryptionAlgorithm *string           `json:"DestinationEncryptionAlgorithm"`
	GrantTokens                    []string          `json:"GrantTokens"`
	DryRun                         *bool             `json:"DryRun"`
	DryRunModifiers                []string          `json:"DryRunModifiers"`
}

// GetPublicKeyRequest is the GetPublicKey body.
type GetPublicKeyRequest struct {
	KeyId       *string  `json:"KeyId"`
	GrantTokens []string `json:"GrantTokens"`
}
