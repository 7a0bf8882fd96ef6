// Package request decodes and validates the JSON bodies of the reference
// endpoint's KMS requests, as the AWS front end does before any key is
// looked up: Decode is the strict decoder (exact member names, model types,
// base64 blobs; failures are SerializationException), Violations collects
// framework constraint failures into one ValidationException (VAL-FMT-*),
// and DecodeMac is GenerateMac / VerifyMac's allocation-free fast path,
// which falls back to Decode for anything but the plain shape SDKs send.
//
// The one thing callers get wrong: a request from DecodeMac may point into
// its MacScratch; use it only until MacScratch.Release.
package request

import "github.com/kmsmac/kmsmac/reference/awsjson"

func errValidation(msg string) *awsjson.Error {
	return awsjson.ClientError("ValidationException", msg)
}

func errSerialization(msg string) *awsjson.Error {
	return awsjson.ClientError("SerializationException", msg)
}
