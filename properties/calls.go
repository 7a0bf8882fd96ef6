package properties

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/leanovate/gopter"
)

// generate calls GenerateMac and checks the shape of a 200 answer
// (rules.md GM-OK-1/2): the MAC length, the echoed algorithm, the key ARN.
func generate(ctx context.Context, c *kms.Client, keyID, alg string, msg []byte, tokens []string) ([]byte, Outcome, []string) {
	out, err := c.GenerateMac(ctx, &kms.GenerateMacInput{
		KeyId: aws.String(keyID), MacAlgorithm: types.MacAlgorithmSpec(alg), Message: msg, GrantTokens: tokens,
	})
	o := fromSDK(err)
	if !o.OK() {
		return nil, o, nil
	}
	var bad []string
	if want := digestSize(alg); len(out.Mac) != want {
		bad = append(bad, fmt.Sprintf("GenerateMac returned a %d-byte Mac, want %d (GM-OK-2)", len(out.Mac), want))
	}
	if string(out.MacAlgorithm) != alg {
		bad = append(bad, fmt.Sprintf("GenerateMac echoed MacAlgorithm %q, want %q (GM-OK-1)", out.MacAlgorithm, alg))
	}
	if got := aws.ToString(out.KeyId); !strings.HasPrefix(got, "arn:") {
		bad = append(bad, fmt.Sprintf("GenerateMac KeyId %q is not a key ARN (KID-4)", got))
	}
	return out.Mac, o, bad
}

// verify calls VerifyMac; a 200 answer must say MacValid true (VM-OK-2).
func verify(ctx context.Context, c *kms.Client, keyID, alg string, msg, tag []byte, tokens []string) (Outcome, []string) {
	out, err := c.VerifyMac(ctx, &kms.VerifyMacInput{
		KeyId: aws.String(keyID), MacAlgorithm: types.MacAlgorithmSpec(alg), Message: msg, Mac: tag, GrantTokens: tokens,
	})
	o := fromSDK(err)
	if !o.OK() {
		return o, nil
	}
	var bad []string
	if !out.MacValid {
		bad = append(bad, "VerifyMac answered 200 with MacValid false (VM-OK-2)")
	}
	if string(out.MacAlgorithm) != alg {
		bad = append(bad, fmt.Sprintf("VerifyMac echoed MacAlgorithm %q, want %q (VM-OK-1)", out.MacAlgorithm, alg))
	}
	return o, bad
}

func digestSize(alg string) int {
	switch alg {
	case "HMAC_SHA_224":
		return 28
	case "HMAC_SHA_256":
		return 32
	case "HMAC_SHA_384":
		return 48
	case "HMAC_SHA_512":
		return 64
	}
	return 0
}

// message derives n bytes from seed: all zeros for seed 0 (what shrinking
// aims at), pseudo-random otherwise. Deterministic, so a seed replays.
func message(n int, seed int64) []byte {
	b := make([]byte, n)
	if seed == 0 {
		return b
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x6b6d736d6163))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// verdict collects why one generated case failed.
type verdict struct{ reasons []string }

func (v *verdict) failf(format string, args ...any) {
	v.reasons = append(v.reasons, fmt.Sprintf(format, args...))
}

func (v *verdict) add(reasons []string) { v.reasons = append(v.reasons, reasons...) }

// want records a failure unless o is the expected answer.
func (v *verdict) want(what string, o Outcome, code string, status int) bool {
	if code == "" {
		if o.OK() {
			return true
		}
		v.failf("%s: got %s, want 200 OK", what, o)
		return false
	}
	if o.Is(code, status) {
		return true
	}
	v.failf("%s: got %s, want %d %s", what, o, status, code)
	return false
}

func (v *verdict) result() *gopter.PropResult {
	if len(v.reasons) == 0 {
		return &gopter.PropResult{Status: gopter.PropTrue}
	}
	return &gopter.PropResult{Status: gopter.PropFalse, Labels: v.reasons}
}
