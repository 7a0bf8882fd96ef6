// Package reference is the kmsmac reference endpoint: an in-memory AWS KMS
// (https://docs.aws.amazon.com/kms/latest/APIReference/) for HMAC keys and
// the key lifecycle around them, with the error codes, messages and order of
// checks that real KMS shows (../shared/spec/rules.md). Service implements
// the operations on raw awsJson1_1 bodies; Server puts it on HTTP.
//
// Every failure is a *awsjson.Error with HTTP 400 (500 only for server
// faults). The one thing users get wrong: the reference is strictly
// consistent, while real KMS is eventually consistent (EC-1); a test that
// passes here may still need bounded polling against AWS.
package reference

import (
	"context"
	"strings"

	"github.com/kmsmac/kmsmac/reference/auth"
	"github.com/kmsmac/kmsmac/reference/store"
)

// Service is the KMS semantics of the reference endpoint. It is safe for
// concurrent use.
type Service struct {
	opts      Options
	partition string
	arnPrefix string // arn:<partition>:kms:<region>:<account>:
	store     *store.Store
	durable                       // the clock offset and the data file (durable.go)
	peers     map[string]*Service // the account's Service per Region (op_region.go)
}

// NewService returns a service with an empty key store in memory. It
// panics if opts.DataDir is set and cannot be opened; use Open for an error.
func NewService(opts Options) *Service {
	s, err := Open(opts)
	if err != nil {
		panic("reference: " + err.Error())
	}
	return s
}

// Store exposes the key store, for tests and tools in this module.
func (s *Service) Store() *store.Store { return s.store }

type handler func(s *Service, ctx context.Context, body []byte) ([]byte, error)

// ops maps the operation name (the X-Amz-Target without "TrentService.")
// to its handler. Reference-only controls keep their full target.
var ops map[string]handler

func init() {
	ops = map[string]handler{
		"GenerateMac": (*Service).generateMac,
		"VerifyMac":   (*Service).verifyMac,

		"CreateKey":           (*Service).createKey,
		"DescribeKey":         (*Service).describeKey,
		"ListKeys":            (*Service).listKeys,
		"EnableKey":           (*Service).enableKey,
		"DisableKey":          (*Service).disableKey,
		"ScheduleKeyDeletion": (*Service).scheduleKeyDeletion,
		"CancelKeyDeletion":   (*Service).cancelKeyDeletion,

		"CreateAlias": (*Service).createAlias,
		"UpdateAlias": (*Service).updateAlias,
		"DeleteAlias": (*Service).deleteAlias,
		"ListAliases": (*Service).listAliases,

		"TagResource":      (*Service).tagResource,
		"UntagResource":    (*Service).untagResource,
		"ListResourceTags": (*Service).listResourceTags,

		"CreateGrant": (*Service).createGrant,
		"ListGrants":  (*Service).listGrants,
		"RetireGrant": (*Service).retireGrant,
		"RevokeGrant": (*Service).revokeGrant,

		"EnableKeyRotation":    (*Service).enableKeyRotation,
		"DisableKeyRotation":   (*Service).disableKeyRotation,
		"GetKeyRotationStatus": (*Service).getKeyRotationStatus,
		"RotateKeyOnDemand":    (*Service).rotateKeyOnDemand,

		"GetParametersForImport":    (*Service).getParametersForImport,
		"ImportKeyMaterial":         (*Service).importKeyMaterial,
		"DeleteImportedKeyMaterial": (*Service).deleteImportedKeyMaterial,

		"Sign":                                (*Service).sign,
		"Verify":                              (*Service).verify,
		"Encrypt":                             (*Service).encrypt,
		"Decrypt":                             (*Service).decrypt,
		"ReEncrypt":                           (*Service).reEncrypt,
		"GenerateDataKey":                     (*Service).generateDataKey,
		"GenerateDataKeyWithoutPlaintext":     (*Service).generateDataKeyWithoutPlaintext,
		"GenerateDataKeyPair":                 (*Service).generateDataKeyPair,
		"GenerateDataKeyPairWithoutPlaintext": (*Service).generateDataKeyPairWithoutPlaintext,
		"GetPublicKey":                        (*Service).getPublicKey,

		"ReplicateKey":        (*Service).replicateKey,
		"UpdatePrimaryRegion": (*Service).updatePrimaryRegion,

		"GetKeyPolicy":    (*Service).getKeyPolicy,
		"PutKeyPolicy":    (*Service).putKeyPolicy,
		"ListKeyPolicies": (*Service).listKeyPolicies,

		"KmsmacReference.SetKeyState":       (*Service).setKeyState,
		"KmsmacReference.ExpireKeyMaterial": (*Service).expireKeyMaterial,
		"KmsmacReference.AdvanceClock":      (*Service).advanceClock,
		"KmsmacReference.SetQuota":          (*Service).setQuota,
	}
}

// Call runs one operation. op is the X-Amz-Target value without the
// "TrentService." prefix, or a whole "KmsmacReference.*" control target;
// body is the raw JSON request. It returns the raw JSON response, or a
// *awsjson.Error.
func (s *Service) Call(ctx context.Context, op string, body []byte) ([]byte, error) {
	h, ok := ops[op]
	if !ok || (strings.Contains(op, ".") && !strings.HasPrefix(op, "KmsmacReference.")) {
		return nil, errUnknownOperation(op)
	}
	if err := ctx.Err(); err != nil {
		return nil, errInternal("The request was cancelled.")
	}
	// The request rate is counted before anything else, so DryRun calls
	// and calls refused later count too (QUO-4, DRY-5).
	if s.opts.limiter.On() {
		if err := s.throttle(ctx, op, body); err != nil {
			return nil, err
		}
	}
	if auth.ChecksKey(op) {
		if err := s.authorizeKeyOp(ctx, op, body); err != nil {
			return nil, err
		}
	}
	return h(s, ctx, body)
}
