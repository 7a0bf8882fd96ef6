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
	// AllowUnsigned runs a request without an Authorization header as
	// the first principal (the server's default account) instead of
	// answering MissingAuthenticationTokenException (SIG-1).
	AllowUnsigned
	// IgnoreCallerAccount serves every caller from the server's default
	// account, whatever account its access key belongs to (SIG-5).
	IgnoreCallerAccount
	// BareIDAcrossAccounts resolves a bare key id the caller's account
	// lacks in the account that has it (KID-3: only ARNs may cross).
	BareIDAcrossAccounts
	// NoCrossAccountGrant keeps CreateGrant in the caller's account, so
	// another account's key ARN is not found there (GR-8).
	NoCrossAccountGrant
)

// Apply sets the mutations on a *reference.Options; the reference package
// installs it (this package cannot import the reference).
var Apply func(opts any, m Mutation)
