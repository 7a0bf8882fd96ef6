// Package awsraw is a hand-written awsJson1_1 client for AWS KMS: POST /
// with X-Amz-Target and Content-Type application/x-amz-json-1.1, SigV4
// signed for service "kms" (or unsigned), returning the HTTP status,
// headers and body as they arrived. It exists for requests the
// aws-sdk-go-v2 client refuses to send (missing members, wrong JSON types,
// unknown targets, other methods and paths) and for comparing two
// endpoints byte for byte. ParseError reads the awsJson1_1 error shape
// with the normalisation of rules.md WIRE-9.
//
// The standard is the AWS JSON 1.1 protocol (Smithy awsJson1_1) with
// Signature Version 4.
//
// What people get wrong: a non-200 answer is not an error here. Do and Send
// return an error only when no complete HTTP answer arrived (bad URL,
// credentials, transport, context); an error answer is a Response whose
// Status is not 200, to be read with ParseError. Also, the client never
// retries: a caller that wants throttling retries adds them itself.
package awsraw
