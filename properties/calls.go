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

// generate calls GenerateMac and checks the shape of a 200 answer: the MAC
// length (GM-OK-2), the echoed algorithm (GM-OK-1), the key ARN (KID-4).
func generate(ctx context.Context, c *kms.Client, keyID, alg string, msg []byte, tokens []string) ([]byte, Outcome, []finding) {
	out, err := c.GenerateMac(ctx, &kms.GenerateMacInput{
		KeyId: aws.String(keyID), MacAlgorithm: types.MacAlgorithmSpec(alg), Message: msg, GrantTokens: tokens,
	})
	o := fromSDK(err)
	if !o.OK() {
		return nil, o, nil
	}
	var v verdict
	want := digestSize(alg)
	v.check("GM-OK-2", len(out.Mac) == want, "GenerateMac returned a %d-byte Mac, want %d (GM-OK-2)", len(out.Mac), want)
	v.check("GM-OK-1", string(out.MacAlgorithm) == alg, "GenerateMac echoed MacAlgorithm %q, want %q (GM-OK-1)", out.MacAlgorithm, alg)
	got := aws.ToString(out.KeyId)
	v.check("KID-4", strings.HasPrefix(got, "arn:"), "GenerateMac KeyId %q is not a key ARN (KID-4)", got)
	return out.Mac, o, v.fs
}

// verify calls VerifyMac; a 200 answer must say MacValid true (VM-OK-2),
// echo the algorithm (VM-OK-1) and name the key by ARN (KID-4).
func verify(ctx context.Context, c *kms.Client, keyID, alg string, msg, tag []byte, tokens []string) (Outcome, []finding) {
	out, err := c.VerifyMac(ctx, &kms.VerifyMacInput{
		KeyId: aws.String(keyID), MacAlgorithm: types.MacAlgorithmSpec(alg), Message: msg, Mac: tag, GrantTokens: tokens,
	})
	o := fromSDK(err)
	if !o.OK() {
		return o, nil
	}
	var v verdict
	v.check("VM-OK-2", out.MacValid, "VerifyMac answered 200 with MacValid false (VM-OK-2)")
	v.check("VM-OK-1", string(out.MacAlgorithm) == alg, "VerifyMac echoed MacAlgorithm %q, want %q (VM-OK-1)", out.MacAlgorithm, alg)
	got := aws.ToString(out.KeyId)
	v.check("KID-4", strings.HasPrefix(got, "arn:"), "VerifyMac KeyId %q is not a key ARN (KID-4)", got)
	return o, v.fs
}

// reasons lists what went wrong among fs.
func reasons(fs []finding) []string {
	var out []string
	for _, f := range fs {
		if !f.ok {
			out = append(out, f.reason)
		}
	}
	return out
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

// finding is one check of one rule: ok, or what went wrong. halt marks a
// divergence after which the model no longer knows the endpoint's state
// (a lifecycle call that answered or acted otherwise).
type finding struct {
	rule, reason string
	ok, halt     bool
}

// verdict collects the findings of one generated case; result judges them
// with the check's hunt (nil: a plain collector).
type verdict struct {
	h  *hunt
	fs []finding
}

// check records a finding for rule and returns ok.
func (v *verdict) check(rule string, ok bool, format string, args ...any) bool {
	f := finding{rule: rule, ok: ok}
	if !ok {
		f.reason = fmt.Sprintf(format, args...)
	}
	v.fs = append(v.fs, f)
	return ok
}

func (v *verdict) add(fs []finding) { v.fs = append(v.fs, fs...) }

// want checks that o is the expected answer ("" for 200 OK), for rule.
func (v *verdict) want(rule, what string, o Outcome, code string, status int) bool {
	if code == "" {
		return v.check(rule, o.OK(), "%s: got %s, want 200 OK", what, o)
	}
	return v.check(rule, o.Is(code, status), "%s: got %s, want %d %s", what, o, status, code)
}

// result fails the case only for the rule the hunt is after.
func (v *verdict) result() *gopter.PropResult {
	rule, why, _ := v.h.judge(v.fs)
	if rule == "" {
		return &gopter.PropResult{Status: gopter.PropTrue}
	}
	return &gopter.PropResult{Status: gopter.PropFalse, Labels: why}
}
