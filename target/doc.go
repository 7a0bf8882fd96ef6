// Package target is the endpoint under test and the two clients that reach
// it: the aws-sdk-go-v2 KMS client (what users' code does) and a raw,
// SigV4-signed awsJson1_1 client for requests the SDK refuses to send.
// Every call comes back as an Outcome: the request, the HTTP answer as it
// arrived and, for errors, the KMS error type and message.
//
// It owns hosts, credentials, retries and request timeouts (retry.go),
// telling a lost endpoint from a slow call (lost.go), the run tag on the
// keys a run creates, and starting the embedded reference when no
// endpoint is given (embedded.go).
//
// It must not know scenarios, rules or verdicts: it does not import steps
// or godog. Callers mark the call a scenario asserts on with UnderTest and
// setup or cleanup calls with Harness; that is all it knows of them.
package target
