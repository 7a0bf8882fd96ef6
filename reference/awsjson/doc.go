// Package awsjson is the AWS JSON 1.1 (awsJson1_1) transport of the
// reference KMS endpoint: it turns an HTTP request into an operation call
// and the call's result or *Error into the HTTP response AWS SDKs expect.
//
// On the wire (Smithy awsJson1_1, rules.md WIRE-1..14): every request is
// POST /, the operation is named by "X-Amz-Target: TrentService.<Op>", the
// body is a JSON object, and every response, success or error, carries
// "Content-Type: application/x-amz-json-1.1" and an x-amzn-RequestId header.
// Errors are {"__type":"<BareShapeName>","message":"..."} with status 400
// for client errors and 500 for server faults; never the Smithy httpError
// codes 404/409/412 (WIRE-12).
//
// The handler does only transport work (method, path, target, content type,
// body size, error encoding, panics, request log); JSON decoding and every
// KMS rule belong to the Caller.
//
// The one thing users get wrong: the X-Amz-Target prefix is TrentService,
// the service's internal name, not "KMS"; a request with "KMS.GenerateMac"
// is an unknown operation.
package awsjson
