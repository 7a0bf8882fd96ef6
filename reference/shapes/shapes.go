// Package shapes holds the request shapes of the operations the reference
// serves, as the AWS KMS API reference names their members (encoding/json
// matches member names case-insensitively; request.Decode is strict about
// unknown ones). Pointers tell a member that is absent from one that is
// empty. It must not know what an operation does with them.
package shapes

import (
	"github.com/kmsmac/kmsmac/reference/keymeta"
	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/tags"
)

type SetKeyStateRequest struct {
	KeyId    *string `json:"KeyId"`
	KeyState *string `json:"KeyState"`
}

type AdvanceClockRequest struct {
	Seconds *int64 `json:"Seconds"`
}

type DeleteAliasRequest struct {
	AliasName *string `json:"AliasName"`
}

type ListAliasesRequest struct {
	KeyId  *string `json:"KeyId"`
	Limit  *int64  `json:"Limit"`
	Marker *string `json:"Marker"`
}

// CreateKeyRequest has every member of the CreateKeyRequest model.
type CreateKeyRequest struct {
	Policy                         *string     `json:"Policy"`
	Description                    *string     `json:"Description"`
	KeyUsage                       *string     `json:"KeyUsage"`
	CustomerMasterKeySpec          *string     `json:"CustomerMasterKeySpec"`
	KeySpec                        *string     `json:"KeySpec"`
	Origin                         *string     `json:"Origin"`
	CustomKeyStoreId               *string     `json:"CustomKeyStoreId"`
	BypassPolicyLockoutSafetyCheck *bool       `json:"BypassPolicyLockoutSafetyCheck"`
	Tags                           []tags.JSON `json:"Tags"`
	MultiRegion                    *bool       `json:"MultiRegion"`
	XksKeyId                       *string     `json:"XksKeyId"`
}

type GrantConstraints struct {
	EncryptionContextSubset map[string]string `json:"EncryptionContextSubset"`
	EncryptionContextEquals map[string]string `json:"EncryptionContextEquals"`
}

type CreateGrantRequest struct {
	KeyId                    *string           `json:"KeyId"`
	GranteePrincipal         *string           `json:"GranteePrincipal"`
	GranteeServicePrincipal  *string           `json:"GranteeServicePrincipal"`
	RetiringPrincipal        *string           `json:"RetiringPrincipal"`
	RetiringServicePrincipal *string           `json:"RetiringServicePrincipal"`
	Operations               []string          `json:"Operations"`
	Constraints              *GrantConstraints `json:"Constraints"`
	GrantTokens              []string          `json:"GrantTokens"`
	Name                     *string           `json:"Name"`
	DryRun                   *bool             `json:"DryRun"`
}

type ListGrantsRequest struct {
	KeyId                   *string `json:"KeyId"`
	GrantId                 *string `json:"GrantId"`
	GranteePrincipal        *string `json:"GranteePrincipal"`
	GranteeServicePrincipal *string `json:"GranteeServicePrincipal"`
	Limit                   *int64  `json:"Limit"`
	Marker                  *string `json:"Marker"`
}

type GrantEntry struct {
	KeyId             string            `json:"KeyId"`
	GrantId           string            `json:"GrantId"`
	Name              string            `json:"Name,omitempty"`
	CreationDate      keymeta.Epoch     `json:"CreationDate"`
	GranteePrincipal  string            `json:"GranteePrincipal"`
	RetiringPrincipal string            `json:"RetiringPrincipal,omitempty"`
	IssuingAccount    string            `json:"IssuingAccount"`
	Operations        []string          `json:"Operations"`
	Constraints       *GrantConstraints `json:"Constraints,omitempty"`
}

type RetireGrantRequest struct {
	GrantToken *string `json:"GrantToken"`
	KeyId      *string `json:"KeyId"`
	GrantId    *string `json:"GrantId"`
	DryRun     *bool   `json:"DryRun"`
}

type RevokeGrantRequest struct {
	KeyId   *string `json:"KeyId"`
	GrantId *string `json:"GrantId"`
	DryRun  *bool   `json:"DryRun"`
}

type GetParametersForImportRequest struct {
	KeyId             *string `json:"KeyId"`
	WrappingAlgorithm *string `json:"WrappingAlgorithm"`
	WrappingKeySpec   *string `json:"WrappingKeySpec"`
}

type ImportKeyMaterialRequest struct {
	KeyId                  *string      `json:"KeyId"`
	ImportToken            request.Blob `json:"ImportToken"`
	EncryptedKeyMaterial   request.Blob `json:"EncryptedKeyMaterial"`
	ValidTo                *float64     `json:"ValidTo"`
	ExpirationModel        *string      `json:"ExpirationModel"`
	ImportType             *string      `json:"ImportType"`
	KeyMaterialDescription *string      `json:"KeyMaterialDescription"`
	KeyMaterialId          *string      `json:"KeyMaterialId"`
}

type DeleteImportedKeyMaterialRequest struct {
	KeyId         *string `json:"KeyId"`
	KeyMaterialId *string `json:"KeyMaterialId"`
}

type DescribeKeyRequest struct {
	KeyId       *string  `json:"KeyId"`
	GrantTokens []string `json:"GrantTokens"`
}

type ListRequest struct {
	Limit  *int64  `json:"Limit"`
	Marker *string `json:"Marker"`
}

type KeyIDRequest struct {
	KeyId *string `json:"KeyId"`
}

type ScheduleKeyDeletionRequest struct {
	KeyId               *string `json:"KeyId"`
	PendingWindowInDays *int64  `json:"PendingWindowInDays"`
}

type KeyPolicyRequest struct {
	KeyId                          *string `json:"KeyId"`
	PolicyName                     *string `json:"PolicyName"`
	Policy                         *string `json:"Policy"`
	BypassPolicyLockoutSafetyCheck *bool   `json:"BypassPolicyLockoutSafetyCheck"`
	Limit                          *int    `json:"Limit"`
	Marker                         *string `json:"Marker"`
}

type ReplicateKeyRequest struct {
	KeyId                          *string     `json:"KeyId"`
	ReplicaRegion                  *string     `json:"ReplicaRegion"`
	Policy                         *string     `json:"Policy"`
	BypassPolicyLockoutSafetyCheck *bool       `json:"BypassPolicyLockoutSafetyCheck"`
	Description                    *string     `json:"Description"`
	Tags                           []tags.JSON `json:"Tags"`
}

type UpdatePrimaryRegionRequest struct {
	KeyId         *string `json:"KeyId"`
	PrimaryRegion *string `json:"PrimaryRegion"`
}

type EnableKeyRotationRequest struct {
	KeyId                *string `json:"KeyId"`
	RotationPeriodInDays *int64  `json:"RotationPeriodInDays"`
}

type TagResourceRequest struct {
	KeyId *string      `json:"KeyId"`
	Tags  *[]tags.JSON `json:"Tags"` // a pointer: absent and [] differ
}

type UntagResourceRequest struct {
	KeyId   *string   `json:"KeyId"`
	TagKeys *[]string `json:"TagKeys"`
}

type ListResourceTagsRequest struct {
	KeyId  *string `json:"KeyId"`
	Limit  *int64  `json:"Limit"`
	Marker *string `json:"Marker"`
}

type SetQuotaRequest struct {
	Quota             *string  `json:"Quota"`
	RequestsPerSecond *float64 `json:"RequestsPerSecond"`
	Burst             *int     `json:"Burst"`
	KeyId             *string  `json:"KeyId"`
}
