// Package refmut breaks the reference endpoint on purpose, for the
// harness's own tests: a suite that still passes against a reference with
// one check removed does not test that check. Only tests use it.
package refmut

// Mutation is one check removed from the reference.
type Mutation uint

const (
	// SkipSignature takes the caller from the access key id without
	// checking the signature, its scope or its time.
	SkipSignature Mutation = 1 << iota
	// IgnoreKeyPolicy allows every authenticated caller everything.
	IgnoreKeyPolicy
	// IgnoreMacAlgorithm evaluates policies as if no kms:MacAlgorithm
	// were in the request.
	IgnoreMacAlgorithm
	// IgnoreGrants never lets a grant give a permission.
	IgnoreGrants
)

// Apply sets the mutations on a *reference.Options; the reference package
// installs it (this package cannot import the reference).
var Apply func(opts any, m Mutation)
