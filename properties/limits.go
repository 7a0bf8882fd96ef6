package properties

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
)

// Limit fields: which constraint of rules.md section 2 a LimitCase probes.
const (
	LimitMessage     = "Message"     // GenerateMac Message, 1..4096 bytes (MAC-SIZE-1/2/3)
	LimitMac         = "Mac"         // VerifyMac Mac, 1..6144 bytes (VM-SIZE-1/2/3)
	LimitKeyID       = "KeyId"       // KeyId, 1..2048 characters (MAC-SIZE-4/5)
	LimitGrantTokens = "GrantTokens" // number of grant tokens, 0..10 (MAC-GT-1/2)
	LimitGrantToken  = "GrantToken"  // one grant token, 1..8192 characters (MAC-GT-3)
)

// LimitCase is one generated request: Field set to a value of length Len.
type LimitCase struct {
	Field string
	Len   int
}

func (c LimitCase) String() string { return fmt.Sprintf("%s of length %d", c.Field, c.Len) }

// limitRanges are the accepted ranges (inclusive) and the lower-camel member
// name a ValidationException must name (VAL-FMT-1).
var limitRanges = map[string]struct {
	min, max int
	member   string
}{
	LimitMessage:     {1, 4096, "'message'"},
	LimitMac:         {1, 6144, "'mac'"},
	LimitKeyID:       {1, 2048, "'keyId'"},
	LimitGrantTokens: {0, 10, "'grantTokens'"},
	LimitGrantToken:  {1, 8192, "grantTokens"},
}

// limitCases are the boundary cases: each limit, one inside and one outside.
func limitCases() []any {
	var out []any
	for _, f := range []string{LimitMessage, LimitMac, LimitKeyID, LimitGrantTokens, LimitGrantToken} {
		r := limitRanges[f]
		for _, n := range []int{r.min - 1, r.min, r.min + 1, r.max - 1, r.max, r.max + 1} {
			if n >= 0 {
				out = append(out, LimitCase{f, n})
			}
		}
	}
	return out
}

// LimitFields lists every field Limits probes.
var LimitFields = []string{LimitMessage, LimitMac, LimitKeyID, LimitGrantTokens, LimitGrantToken}

// genLimitCase picks a boundary case half of the time, else a length
// anywhere from 0 to twice the maximum.
func genLimitCase(fields []string) gopter.Gen {
	var interior []gopter.Gen
	var bounds []any
	for _, c := range limitCases() {
		if slices.Contains(fields, c.(LimitCase).Field) {
			bounds = append(bounds, c)
		}
	}
	for _, f := range fields {
		f := f
		interior = append(interior, gen.IntRange(0, 2*limitRanges[f].max).Map(func(n int) LimitCase { return LimitCase{f, n} }))
	}
	return gen.Weighted([]gen.WeightedGen{
		{Weight: 1, Gen: gen.OneConstOf(bounds...)},
		{Weight: 1, Gen: gen.OneGenOf(interior...)},
	}).WithShrinker(shrinkLimitCase).WithLabel("request")
}

// shrinkLimitCase proposes the boundary cases of the same field that come
// before c in limitCases order: a failure at length 6799 shrinks to the
// boundary that also fails (4097), and shrinking always ends.
func shrinkLimitCase(v any) gopter.Shrink {
	c := v.(LimitCase)
	var cands []LimitCase
	for _, b := range limitCases() {
		b := b.(LimitCase)
		if b == c {
			break
		}
		if b.Field == c.Field {
			cands = append(cands, b)
		}
	}
	i := 0
	return func() (any, bool) {
		if i >= len(cands) {
			return nil, false
		}
		i++
		return cands[i-1], true
	}
}

// Limits checks that lengths around every limit of GenerateMac / VerifyMac
// are accepted or refused as rules.md section 2 says. It uses the raw client:
// the SDK refuses some of these requests itself. In range, a Message gives
// 200, a wrong Mac KMSInvalidMacException, an unknown KeyId
// NotFoundException, garbage grant tokens InvalidGrantTokenException (none:
// 200); out of range, 400 ValidationException naming the member.
func Limits(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result {
	return LimitsOnly(LimitFields...)(ctx, client, raw, cfg)
}

// LimitsOnly is Limits restricted to some fields.
func LimitsOnly(fields ...string) Check {
	return func(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result {
		return limits(ctx, client, raw, cfg, fields)
	}
}

func limits(ctx context.Context, client *kms.Client, raw Raw, cfg Config, fields []string) Result {
	name := "Limits"
	if len(fields) != len(LimitFields) {
		name = fmt.Sprintf("Limits%v", fields)
	}
	for _, f := range fields {
		if _, ok := limitRanges[f]; !ok {
			return failed(name, cfg, fmt.Errorf("unknown limit field %q", f))
		}
	}
	if len(fields) == 0 {
		return failed(name, cfg, fmt.Errorf("no limit fields"))
	}
	if raw == nil {
		return failed(name, cfg, fmt.Errorf("Limits needs a raw client"))
	}
	return withFixture(ctx, client, cfg, name, func(fx *Fixture) Result {
		key := fx.Keys["HMAC_256"][0]
		return check(name, cfg, 60, func(h *hunt) gopter.Prop {
			return prop.ForAll(func(c LimitCase) *gopter.PropResult {
				v := verdict{h: h}
				r := limitRanges[c.Field]
				req := map[string]any{"KeyId": key, "MacAlgorithm": "HMAC_SHA_256", "Message": []byte("kmsmac")}
				op, okCode := "GenerateMac", ""
				switch c.Field {
				case LimitMessage:
					req["Message"] = message(c.Len, int64(c.Len)+1)
				case LimitMac:
					op, okCode = "VerifyMac", "KMSInvalidMacException"
					req["Mac"] = message(c.Len, int64(c.Len)+7)
				case LimitKeyID:
					okCode = "NotFoundException"
					req["KeyId"] = strings.Repeat("k", c.Len)
				case LimitGrantTokens:
					if c.Len > 0 {
						okCode = "InvalidGrantTokenException"
					}
					tokens := make([]string, c.Len)
					for i := range tokens {
						tokens[i] = fmt.Sprintf("kmsmac-invalid-grant-token-%d", i)
					}
					req["GrantTokens"] = tokens
				case LimitGrantToken:
					okCode = "InvalidGrantTokenException"
					req["GrantTokens"] = []string{strings.Repeat("t", c.Len)}
				}
				o, _ := callRaw(ctx, raw, op, req)
				what := fmt.Sprintf("%s with %s", op, c)
				rule := limitRule(c)
				if c.Len >= r.min && c.Len <= r.max {
					if c.Field == LimitMac {
						// VM-SIZE-1 promises only that the length is not a
						// validation error; refusing the random MAC is VM-FAIL-2's.
						v.check(rule, o.Code != "ValidationException", "%s: %s, want no ValidationException for a length in range (%s)", what, o, rule)
						v.want("VM-FAIL-2", what, o, okCode, 400)
						return v.result()
					}
					v.want(rule, what, o, okCode, 400)
					return v.result()
				}
				if c.Field == LimitMac {
					// an empty or over-long Mac is a validation error, not a mismatch
					v.want("VM-FAIL-5", what, o, "ValidationException", 400)
				}
				if v.want(rule, what, o, "ValidationException", 400) {
					v.check("VAL-FMT-1", strings.Contains(o.Message, "validation error") && strings.Contains(o.Message, r.member),
						"%s: ValidationException message %q does not say \"validation error\" and name %s (VAL-FMT-1)", what, o.Message, r.member)
				}
				return v.result()
			}, genLimitCase(fields))
		})
	})
}

// limitRule is the rule a LimitCase checks: each field's empty, too long
// and in-range cases have their own rule.
func limitRule(c LimitCase) string {
	r := limitRanges[c.Field]
	low, high := c.Len < r.min, c.Len > r.max
	switch c.Field {
	case LimitMessage:
		return pick(low, high, "MAC-SIZE-3", "MAC-SIZE-2", "MAC-SIZE-1")
	case LimitMac:
		return pick(low, high, "VM-SIZE-3", "VM-SIZE-2", "VM-SIZE-1")
	case LimitKeyID:
		// in range: an unknown key id fails key resolution (KID-6)
		return pick(low, high, "MAC-SIZE-4", "MAC-SIZE-5", "KID-6")
	case LimitGrantTokens:
		if c.Len == 0 {
			return "MAC-GT-1" // an empty list is allowed
		}
		return pick(low, high, "MAC-GT-2", "MAC-GT-2", "MAC-GT-4")
	case LimitGrantToken:
		return pick(low, high, "MAC-GT-3", "MAC-GT-3", "MAC-GT-4")
	}
	return ""
}

func pick(low, high bool, lowRule, highRule, inRule string) string {
	switch {
	case low:
		return lowRule
	case high:
		return highRule
	}
	return inRule
}
