// Package kmserr builds the reference's error answers: one constructor per
// AWS error shape the service sends, with the messages rules.md records.
// Every client error is HTTP 400 (rules.md WIRE-11/12): never 404/409/412.
// It knows awsjson's error type, nothing of keys or the Service.
package kmserr

import (
	"net/http"

	"github.com/kmsmac/kmsmac/reference/awsjson"
)

func Validation(msg string) *awsjson.Error {
	return awsjson.ClientError("ValidationException", msg)
}

func UnknownOperation(op string) *awsjson.Error {
	return awsjson.ClientError("UnknownOperationException", "Unknown operation "+awsjson.Safe(op)) // a 60 KB target is not echoed whole
}

func NotFound(msg string) *awsjson.Error {
	return awsjson.ClientError("NotFoundException", msg)
}

// KeyNotFound is KID-7/8/10.
func KeyNotFound(arn string) *awsjson.Error {
	return NotFound("Key '" + arn + "' does not exist")
}

// InvalidKeyID is KID-6.
func InvalidKeyID(v string) *awsjson.Error {
	return NotFound("Invalid keyId '" + v + "'")
}

// AliasNotFound is KID-11: the alias ARN is quoted even for an alias name.
func AliasNotFound(aliasARN string) *awsjson.Error {
	return NotFound("Alias " + aliasARN + " is not found.")
}

func Disabled(arn string) *awsjson.Error {
	return awsjson.ClientError("DisabledException", arn+" is disabled.")
}

func InvalidState(msg string) *awsjson.Error {
	return awsjson.ClientError("KMSInvalidStateException", msg)
}

func InvalidKeyUsage(msg string) *awsjson.Error {
	return awsjson.ClientError("InvalidKeyUsageException", msg)
}

// UsageNotValid is the USE-1 / XOP-1 template.
func UsageNotValid(arn, usage, op string) *awsjson.Error {
	return InvalidKeyUsage(arn + " key usage is " + usage + " which is not valid for " + op + ".")
}

// InvalidMac carries no message at all (WIRE-10).
func InvalidMac() *awsjson.Error {
	return &awsjson.Error{Type: "KMSInvalidMacException", NoMessage: true, Status: http.StatusBadRequest}
}

// InvalidGrantToken: AWS's message is not recorded (AMB-15); this one
// says what is wrong.
func InvalidGrantToken() *awsjson.Error {
	return awsjson.ClientError("InvalidGrantTokenException", "The grant token is not valid.")
}

// DryRun is DRY-2.
func DryRun() *awsjson.Error {
	return awsjson.ClientError("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.")
}

func Unsupported(msg string) *awsjson.Error {
	return awsjson.ClientError("UnsupportedOperationException", msg)
}

func AlreadyExists(msg string) *awsjson.Error {
	return awsjson.ClientError("AlreadyExistsException", msg)
}

// IncorrectKey is XOP-3/4.
func IncorrectKey() *awsjson.Error {
	return awsjson.ClientError("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
}

func InvalidMarker() *awsjson.Error {
	return awsjson.ClientError("InvalidMarkerException", "Invalid marker")
}

func Internal(msg string) *awsjson.Error {
	return awsjson.ServerError("KMSInternalException", msg)
}

// Client is a 400 error of any other shape.
func Client(typ, msg string) *awsjson.Error {
	return awsjson.ClientError(typ, msg)
}

// Throttling is QUO-2: a common error, not modeled for any operation (QUO-3).
func Throttling() *awsjson.Error {
	return awsjson.ClientError("ThrottlingException", "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.")
}
