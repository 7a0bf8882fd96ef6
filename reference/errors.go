package reference

import (
	"net/http"

	"github.com/kmsmac/kmsmac/reference/awsjson"
)

// Error constructors, one per AWS error shape the service sends. Every
// client error is HTTP 400 (rules.md WIRE-11/12): never 404/409/412.

func errValidation(msg string) *awsjson.Error {
	return awsjson.ClientError("ValidationException", msg)
}

func errUnknownOperation(op string) *awsjson.Error {
	return awsjson.ClientError("UnknownOperationException", "Unknown operation "+awsjson.Safe(op)) // a 60 KB target is not echoed whole
}

func errNotFound(msg string) *awsjson.Error {
	return awsjson.ClientError("NotFoundException", msg)
}

// errKeyNotFound is KID-7/8/10.
func errKeyNotFound(arn string) *awsjson.Error {
	return errNotFound("Key '" + arn + "' does not exist")
}

// errInvalidKeyID is KID-6.
func errInvalidKeyID(v string) *awsjson.Error {
	return errNotFound("Invalid keyId '" + v + "'")
}

// errAliasNotFound is KID-11: the alias ARN is quoted even for an alias name.
func errAliasNotFound(aliasARN string) *awsjson.Error {
	return errNotFound("Alias " + aliasARN + " is not found.")
}

func errDisabled(arn string) *awsjson.Error {
	return awsjson.ClientError("DisabledException", arn+" is disabled.")
}

func errInvalidState(msg string) *awsjson.Error {
	return awsjson.ClientError("KMSInvalidStateException", msg)
}

func errInvalidKeyUsage(msg string) *awsjson.Error {
	return awsjson.ClientError("InvalidKeyUsageException", msg)
}

// errUsageNotValid is the USE-1 / XOP-1 template.
func errUsageNotValid(arn, usage, op string) *awsjson.Error {
	return errInvalidKeyUsage(arn + " key usage is " + usage + " which is not valid for " + op + ".")
}

// errInvalidMac carries no message at all (WIRE-10).
func errInvalidMac() *awsjson.Error {
	return &awsjson.Error{Type: "KMSInvalidMacException", NoMessage: true, Status: http.StatusBadRequest}
}

// errInvalidGrantToken: AWS's message is not recorded (AMB-15); this one
// says what is wrong.
func errInvalidGrantToken() *awsjson.Error {
	return awsjson.ClientError("InvalidGrantTokenException", "The grant token is not valid.")
}

// errDryRun is DRY-2.
func errDryRun() *awsjson.Error {
	return awsjson.ClientError("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.")
}

func errUnsupported(msg string) *awsjson.Error {
	return awsjson.ClientError("UnsupportedOperationException", msg)
}

func errAlreadyExists(msg string) *awsjson.Error {
	return awsjson.ClientError("AlreadyExistsException", msg)
}

// errIncorrectKey is XOP-3/4.
func errIncorrectKey() *awsjson.Error {
	return awsjson.ClientError("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
}

func errInvalidMarker() *awsjson.Error {
	return awsjson.ClientError("InvalidMarkerException", "Invalid marker")
}

func errInternal(msg string) *awsjson.Error {
	return awsjson.ServerError("KMSInternalException", msg)
}

// awsjsonClient is a 400 error of any other shape.
func awsjsonClient(typ, msg string) *awsjson.Error {
	return awsjson.ClientError(typ, msg)
}
