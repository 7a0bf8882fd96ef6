package auth

// keyOperations are the key-management operations whose handlers do not
// authorize themselves: the reference checks kms:<op> on the key they
// name once it resolves, before the operation's state checks and DryRun
// (DRY-4). GenerateMac, VerifyMac, DescribeKey, CreateGrant and the
// key-policy operations authorize in their handlers.
var keyOperations = map[string]bool{
	"EnableKey": true, "DisableKey": true, "ScheduleKeyDeletion": true, "CancelKeyDeletion": true,
	"UpdateKeyDescription": true, "TagResource": true, "UntagResource": true, "ListResourceTags": true,
	"ListGrants": true, "RevokeGrant": true,
	"EnableKeyRotation": true, "DisableKeyRotation": true, "GetKeyRotationStatus": true,
	"RotateKeyOnDemand": true, "ListKeyRotations": true,
	"GetParametersForImport": true, "ImportKeyMaterial": true, "DeleteImportedKeyMaterial": true,
	"ReplicateKey": true, "UpdatePrimaryRegion": true,
}

// ChecksKey reports whether the reference authorizes op on its KeyId
// before running it.
func ChecksKey(op string) bool { return keyOperations[op] }
