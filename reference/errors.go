package reference

import "github.com/kmsmac/kmsmac/reference/kmserr"

// The error constructors live in reference/kmserr; these names keep the
// handlers' call sites short.
var (
	errValidation        = kmserr.Validation
	errUnknownOperation  = kmserr.UnknownOperation
	errNotFound          = kmserr.NotFound
	errKeyNotFound       = kmserr.KeyNotFound
	errInvalidKeyID      = kmserr.InvalidKeyID
	errAliasNotFound     = kmserr.AliasNotFound
	errDisabled          = kmserr.Disabled
	errInvalidState      = kmserr.InvalidState
	errInvalidKeyUsage   = kmserr.InvalidKeyUsage
	errUsageNotValid     = kmserr.UsageNotValid
	errInvalidMac        = kmserr.InvalidMac
	errInvalidGrantToken = kmserr.InvalidGrantToken
	errDryRun            = kmserr.DryRun
	errUnsupported       = kmserr.Unsupported
	errAlreadyExists     = kmserr.AlreadyExists
	errIncorrectKey      = kmserr.IncorrectKey
	errInvalidMarker     = kmserr.InvalidMarker
	errInternal          = kmserr.Internal
	awsjsonClient        = kmserr.Client
)
