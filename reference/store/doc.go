// Package store holds the state of the kmsmac reference KMS endpoint: keys
// and their states, aliases, grants and import parameters, as AWS KMS
// models them (https://docs.aws.amazon.com/kms/latest/APIReference/).
// It knows nothing of HTTP or JSON, and it does not decide which operation
// a key state allows: that is the service's job (package reference).
//
// All methods are safe for concurrent use. A Key's identity fields (ID, ARN,
// KeySpec, KeyUsage, Origin, ...) never change and may be read freely; its
// mutable part is reachable only inside Update (under the write lock) or as
// a copy from Snapshot and Lookup.
//
// The one thing callers get wrong: a Snapshot is a copy taken at one moment.
// Checking a state from a Snapshot and then changing the key in a separate
// call races with other writers; put the check inside the Update callback.
package store
