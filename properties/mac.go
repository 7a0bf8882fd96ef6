package properties

import (
	"bytes"
	"context"
	"fmt"
	"math"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/kmsmac/kmsmac/kmsspec"
)

// Generators shared by the MAC checks. Messages are (length, seed) pairs so
// that both shrink: to 1 byte and to all zeros.
var (
	genSpec   = gen.OneConstOf("HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512").WithLabel("key spec")
	genLen    = gen.IntRange(1, 4096).WithLabel("message length")
	genSeed   = gen.Int64Range(0, math.MaxInt32).WithLabel("message seed (0 = zeros)")
	genOffset = gen.IntRange(0, 1<<20).WithLabel("position")
)

func specOf(keySpec string) kmsspec.Spec {
	s, _ := kmsspec.ByKeySpec(keySpec)
	return s
}

// RoundTrip checks that GenerateMac then VerifyMac succeeds for any message
// of 1..4096 bytes and every spec with its algorithm (GM-OK-1/2, VM-OK-1/2).
func RoundTrip(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result {
	const name = "RoundTrip"
	return withFixture(ctx, client, cfg, name, func(fx *Fixture) Result {
		return check(name, cfg, 100, func(h *hunt) gopter.Prop {
			return prop.ForAll(func(keySpec string, n int, seed int64) *gopter.PropResult {
				v := verdict{h: h}
				spec, key, msg := specOf(keySpec), fx.Keys[keySpec][0], message(n, seed)
				tag, o, fs := generate(ctx, client, key, spec.Algorithm, msg, nil)
				v.add(fs)
				if v.want("GM-OK-1", "GenerateMac", o, "", 0) {
					o, fs = verify(ctx, client, key, spec.Algorithm, msg, tag, nil)
					v.add(fs)
					// ALG-5: the spec's own algorithm works both ways.
					if v.want("VM-OK-1", "VerifyMac of the MAC GenerateMac returned", o, "", 0) {
						v.check("ALG-5", true, "")
					}
				}
				return v.result()
			}, genSpec, genLen, genSeed)
		})
	})
}

// Deterministic checks that two GenerateMac calls with the same key,
// algorithm and message return the same bytes (GM-OK-3), and that a MAC
// verifies again (VM-OK-4).
func Deterministic(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result {
	// Only determinism here: RoundTrip checks the shape of answers.
	return twoMacs("Deterministic", 0, 0, "first GenerateMac", "second GenerateMac",
		func(v *verdict, _ string, a, b []byte) {
			v.check("GM-OK-3", bytes.Equal(a, b), "GenerateMac is not deterministic: %x then %x (GM-OK-3)", a, b)
		})(ctx, client, raw, cfg)
}

// DistinctKeys checks that two keys of the same spec give different MACs
// for the same message (GM-OK-5).
func DistinctKeys(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result {
	return twoMacs("DistinctKeys", 0, 1, "GenerateMac with the first key", "GenerateMac with the second key",
		func(v *verdict, keySpec string, a, b []byte) {
			v.check("GM-OK-5", !bytes.Equal(a, b), "two keys of spec %s gave the same MAC %x (GM-OK-5)", keySpec, a)
		})(ctx, client, raw, cfg)
}

// twoMacs is a check (50 tests by default) that asks for two MACs of one
// message, with the fixture keys of one spec at indexes ka and kb, and
// judges the pair when both calls succeeded.
func twoMacs(name string, ka, kb int, whatA, whatB string, judge func(v *verdict, keySpec string, a, b []byte)) Check {
	return func(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result {
		return withFixture(ctx, client, cfg, name, func(fx *Fixture) Result {
			return check(name, cfg, 50, func(h *hunt) gopter.Prop {
				return prop.ForAll(func(keySpec string, n int, seed int64) *gopter.PropResult {
					v := verdict{h: h}
					spec, keys, msg := specOf(keySpec), fx.Keys[keySpec], message(n, seed)
					a, o1, _ := generate(ctx, client, keys[ka], spec.Algorithm, msg, nil)
					b, o2, _ := generate(ctx, client, keys[kb], spec.Algorithm, msg, nil)
					if v.want("GM-OK-1", whatA, o1, "", 0) && v.want("GM-OK-1", whatB, o2, "", 0) {
						judge(&v, keySpec, a, b)
					}
					return v.result()
				}, genSpec, genLen, genSeed)
			})
		})
	}
}

// KnownAnswer checks that, for keys with imported material, GenerateMac
// equals a locally computed RFC 2104 HMAC and VerifyMac accepts it (GM-OK-4,
// VM-OK-3): the oracle that needs no AWS reference.
func KnownAnswer(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result {
	const name = "KnownAnswer"
	return withFixture(ctx, client, cfg, name, func(fx *Fixture) Result {
		if fx.ImportErr != nil {
			return blocked(name, cfg, importBlock(fx.ImportErr))
		}
		return check(name, cfg, 100, func(h *hunt) gopter.Prop {
			h.checked["IMP-1"] = true // the fixture imported material for every spec
			return prop.ForAll(func(keySpec string, n int, seed int64) *gopter.PropResult {
				v := verdict{h: h}
				spec, imp, msg := specOf(keySpec), fx.Imported[keySpec], message(n, seed)
				want := kmsspec.HMAC(spec.Algorithm, imp.Material, msg)
				got, o, _ := generate(ctx, client, imp.KeyID, spec.Algorithm, msg, nil)
				if v.want("GM-OK-4", "GenerateMac", o, "", 0) {
					v.check("GM-OK-4", bytes.Equal(got, want), "GenerateMac = %x, want the RFC 2104 HMAC of the imported material %x (GM-OK-4)", got, want)
				}
				o, _ = verify(ctx, client, imp.KeyID, spec.Algorithm, msg, want, nil)
				v.want("VM-OK-3", "VerifyMac of the locally computed HMAC", o, "", 0)
				return v.result()
			}, genSpec, genLen, genSeed)
		})
	})
}

// Tamper kinds: each alteration of a valid (message, MAC) pair that
// VerifyMac must refuse.
const (
	TamperMessageBit     = "message-bit"     // flip one bit of the message (VM-FAIL-1)
	TamperMacBit         = "mac-bit"         // flip one bit of the MAC (VM-FAIL-2)
	TamperTruncate       = "truncate"        // a proper, non-empty prefix of the MAC (VM-FAIL-2)
	TamperExtend         = "extend"          // the MAC with bytes appended (VM-FAIL-2)
	TamperOtherKey       = "other-key"       // verify with another key of the same spec (VM-FAIL-3)
	TamperOtherAlgorithm = "other-algorithm" // verify with another algorithm (VM-FAIL-4)
)

// TamperKinds lists every kind Tamper generates.
var TamperKinds = []string{TamperMessageBit, TamperMacBit, TamperTruncate, TamperExtend, TamperOtherKey, TamperOtherAlgorithm}

// Tamper checks that every altered MAC is refused with the documented error:
// 400 KMSInvalidMacException, or 400 InvalidKeyUsageException for another
// algorithm (ALG-3, VM-FAIL-4).
func Tamper(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result {
	return TamperOnly(TamperKinds...)(ctx, client, raw, cfg)
}

// TamperOnly is Tamper restricted to some kinds.
func TamperOnly(kinds ...string) Check {
	return func(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result {
		name := "Tamper"
		if len(kinds) != len(TamperKinds) {
			name = fmt.Sprintf("Tamper%v", kinds)
		}
		if len(kinds) == 0 {
			return failed(name, cfg, fmt.Errorf("no tamper kinds"))
		}
		args := make([]any, len(kinds))
		for i, k := range kinds {
			args[i] = k
		}
		return withFixture(ctx, client, cfg, name, func(fx *Fixture) Result {
			genKind := gen.OneConstOf(args...).WithLabel("alteration")
			return check(name, cfg, 200, func(h *hunt) gopter.Prop {
				return prop.ForAll(func(keySpec string, n int, seed int64, kind string, pos int) *gopter.PropResult {
					v := verdict{h: h}
					spec, keys, msg := specOf(keySpec), fx.Keys[keySpec], message(n, seed)
					tag, o, _ := generate(ctx, client, keys[0], spec.Algorithm, msg, nil)
					if !v.want("GM-OK-1", "GenerateMac", o, "", 0) {
						return v.result()
					}
					key, alg, m, t := keys[0], spec.Algorithm, msg, bytes.Clone(tag)
					wantCode := "KMSInvalidMacException"
					var what string
					switch kind {
					case TamperMessageBit:
						m = bytes.Clone(msg)
						bit := pos % (8 * len(m))
						m[bit/8] ^= 1 << (bit % 8)
						what = fmt.Sprintf("message bit %d flipped", bit)
					case TamperMacBit:
						bit := pos % (8 * len(t))
						t[bit/8] ^= 1 << (bit % 8)
						what = fmt.Sprintf("MAC bit %d flipped", bit)
					case TamperTruncate:
						t = t[:1+pos%(len(t)-1)]
						what = fmt.Sprintf("MAC truncated to %d of %d bytes", len(t), len(tag))
					case TamperExtend:
						extra := 1 + pos%64
						t = append(t, message(extra, int64(pos)+1)...)
						what = fmt.Sprintf("MAC extended by %d bytes", extra)
					case TamperOtherKey:
						key = keys[1]
						what = "MAC checked with another key of spec " + keySpec
					case TamperOtherAlgorithm:
						others := otherAlgorithms(alg)
						alg = others[pos%len(others)]
						wantCode = "InvalidKeyUsageException"
						what = "MAC checked with algorithm " + alg
					default:
						v.check("harness", false, "unknown alteration %q", kind)
						return v.result()
					}
					o, _ = verify(ctx, client, key, alg, m, t, nil)
					for _, rule := range tamperRules[kind] {
						v.want(rule, "VerifyMac, "+what, o, wantCode, 400)
					}
					return v.result()
				}, genSpec, genLen, genSeed, genKind, genOffset)
			})
		})
	}
}

// tamperRules are the rules each alteration checks.
var tamperRules = map[string][]string{
	TamperMessageBit:     {"VM-FAIL-1"},
	TamperMacBit:         {"VM-FAIL-2"},
	TamperTruncate:       {"VM-FAIL-2"},
	TamperExtend:         {"VM-FAIL-2"},
	TamperOtherKey:       {"VM-FAIL-3"},
	TamperOtherAlgorithm: {"VM-FAIL-4", "ALG-3"},
}

func otherAlgorithms(alg string) []string {
	var out []string
	for _, a := range kmsspec.Algorithms() {
		if a != alg {
			out = append(out, a)
		}
	}
	return out
}
