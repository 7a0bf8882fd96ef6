package properties

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsmac/kmsmac/kmsspec"
	"github.com/kmsmac/kmsmac/vectors"
)

// Vector is one known-answer test to run through an endpoint.
type Vector struct {
	Name      string
	Algorithm string // HMAC_SHA_256 ...
	Key, Msg  []byte
	// Tag is the expected tag; Prefix says it is only the start of the MAC
	// (RFC 4231 case 5, Wycheproof short-tag groups).
	Tag    []byte
	Prefix bool
	// Valid is what VerifyMac must answer for Tag: KMS accepts only the
	// full MAC (vectors.WycheproofTest.WantValid).
	Valid bool
	// Correct says Tag is the right MAC (or its prefix), so GenerateMac is
	// checked against it; false for Wycheproof's modified tags.
	Correct bool
}

// FromWycheproof converts Wycheproof tests.
func FromWycheproof(tests []vectors.WycheproofTest) []Vector {
	out := make([]Vector, len(tests))
	for i, t := range tests {
		out[i] = Vector{Name: t.Name(), Algorithm: t.Algorithm, Key: t.Key, Msg: t.Msg, Tag: t.Tag,
			Prefix: !t.FullLength(), Valid: t.WantValid(), Correct: t.Valid}
	}
	return out
}

// FromRFC4231 converts RFC 4231 cases, one Vector per case and algorithm.
func FromRFC4231(cases []vectors.RFC4231Case) []Vector {
	var out []Vector
	for _, c := range cases {
		algs := make([]string, 0, len(c.MAC))
		for a := range c.MAC {
			algs = append(algs, a)
		}
		sort.Strings(algs)
		for _, a := range algs {
			out = append(out, Vector{Name: c.Name() + " " + a, Algorithm: a, Key: c.Key, Msg: c.Data, Tag: c.MAC[a],
				Prefix: c.Truncate != 0, Valid: c.Truncate == 0, Correct: true})
		}
	}
	return out
}

// VectorsReport is the outcome of running vectors through an endpoint.
type VectorsReport struct {
	Total, Run, Passed int
	// Skipped counts vectors by the reason they cannot go through an
	// endpoint (key length outside IMP-12, empty message, NoImport, a
	// refused key longer than the digest).
	Skipped  map[string]int
	Failures []VectorFailure
	Keys     int // keys imported
	// Cleanup says what could not be undone (keys not scheduled for
	// deletion); it does not make the report fail.
	Cleanup []string
}

// VectorFailure is one vector that went wrong, charged to the rule its
// check belongs to.
type VectorFailure struct {
	Vector, Rule, Why string
}

func (f VectorFailure) String() string { return f.Vector + ": " + f.Why + " (" + f.Rule + ")" }

// OK reports that every vector that ran passed.
func (r VectorsReport) OK() bool { return len(r.Failures) == 0 && r.Run == r.Passed }

// ByRule groups the failures by rule.
func (r VectorsReport) ByRule() map[string][]string {
	out := map[string][]string{}
	for _, f := range r.Failures {
		out[f.Rule] = append(out[f.Rule], f.String())
	}
	return out
}

// Summary is the counts and skip reasons, without the failures.
func (r VectorsReport) Summary() string {
	var b strings.Builder
	skipped := 0
	for _, n := range r.Skipped {
		skipped += n
	}
	fmt.Fprintf(&b, "%d vectors: %d run, %d passed, %d failed, %d skipped (%d keys imported)", r.Total, r.Run, r.Passed, len(r.Failures), skipped, r.Keys)
	reasons := make([]string, 0, len(r.Skipped))
	for why := range r.Skipped {
		reasons = append(reasons, why)
	}
	sort.Strings(reasons)
	for _, why := range reasons {
		fmt.Fprintf(&b, "\n  skipped %d: %s", r.Skipped[why], why)
	}
	return b.String()
}

func (r VectorsReport) String() string {
	var b strings.Builder
	b.WriteString(r.Summary())
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "\n  FAIL %s", f)
	}
	for _, c := range r.Cleanup {
		fmt.Fprintf(&b, "\n  cleanup: %s", c)
	}
	return b.String()
}

// RunVectors is the one known-answer runner, for the @vectors scenarios
// and the Go tests alike. It imports each distinct key once into a fresh
// EXTERNAL key of the algorithm's spec (IMP-1), then checks GenerateMac
// against the expected tag (GM-OK-4; GM-OK-2 when the length is wrong)
// and VerifyMac's verdict on it (VM-OK-1 for the full MAC; VM-FAIL-2 for
// any other tag, a correct but truncated one too: only an identical tag
// verifies). Vectors an endpoint cannot take are skipped with the reason;
// so is a refused key of another length than the digest (IMP-12 records
// only the digest size as accepted by AWS). Any other failed import fails
// the key's vectors (IMP-1). Imported keys are scheduled for deletion at
// the end.
func RunVectors(ctx context.Context, client *kms.Client, vs []Vector, cfg Config) (rep VectorsReport) {
	rep = VectorsReport{Total: len(vs), Skipped: map[string]int{}}
	keys := map[string]string{}    // algorithm/key hex -> key id
	refused := map[string]string{} // same index: skip reason after a refused import
	broken := map[string]string{}  // same index: failure after a failed import
	var created []string
	defer func() {
		f := &Fixture{client: client, created: created}
		if err := f.Close(context.WithoutCancel(ctx)); err != nil {
			rep.Cleanup = append(rep.Cleanup, err.Error())
		}
	}()
	for _, v := range vs {
		if why := vectors.EndpointSkipReason(v.Algorithm, v.Key, v.Msg); why != "" {
			rep.Skipped[why]++
			continue
		}
		if cfg.NoImport {
			rep.Skipped["the endpoint cannot import key material"]++
			continue
		}
		spec, ok := kmsspec.ByAlgorithm(v.Algorithm)
		if !ok {
			rep.Skipped[v.Algorithm+" is not a MAC algorithm"]++
			continue
		}
		idx := v.Algorithm + "/" + hex.EncodeToString(v.Key)
		if why, ok := refused[idx]; ok {
			rep.Skipped[why]++
			continue
		}
		if why, ok := broken[idx]; ok {
			rep.Run++
			rep.Failures = append(rep.Failures, VectorFailure{v.Name, "IMP-1", why})
			continue
		}
		id, ok := keys[idx]
		if !ok {
			var err error
			id, err = cfg.createHMACKey(ctx, client, spec.KeySpec, types.OriginTypeExternal)
			if err == nil {
				created = append(created, id)
				err = ImportMaterial(ctx, client, id, v.Key)
			}
			switch {
			case err != nil && len(v.Key) != spec.Size:
				why := fmt.Sprintf("the endpoint refused a %d-byte key for %s (IMP-12: only %d bytes is recorded as accepted by AWS; the range up to the block size is inferred)",
					len(v.Key), spec.KeySpec, spec.Size)
				refused[idx] = why
				rep.Skipped[why]++
				continue
			case err != nil:
				broken[idx] = fmt.Sprintf("importing its %d-byte key: %s", len(v.Key), firstLine(err.Error()))
				rep.Run++
				rep.Failures = append(rep.Failures, VectorFailure{v.Name, "IMP-1", broken[idx]})
				continue
			}
			keys[idx] = id
			rep.Keys++
		}
		rep.Run++
		if fs := runVector(ctx, client, id, v); len(fs) > 0 {
			rep.Failures = append(rep.Failures, fs...)
			continue
		}
		rep.Passed++
	}
	return rep
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

func runVector(ctx context.Context, client *kms.Client, keyID string, v Vector) []VectorFailure {
	var out []VectorFailure
	fail := func(rule, format string, args ...any) {
		out = append(out, VectorFailure{v.Name, rule, fmt.Sprintf(format, args...)})
	}
	got, o, _ := generate(ctx, client, keyID, v.Algorithm, v.Msg, nil)
	switch {
	case !o.OK():
		fail("GM-OK-4", "GenerateMac: %s", o)
	case v.Correct && v.Prefix && !bytes.HasPrefix(got, v.Tag):
		fail("GM-OK-4", "GenerateMac = %x, want a MAC starting with %x", got, v.Tag)
	case v.Correct && !v.Prefix && !bytes.Equal(got, v.Tag) && len(got) != len(v.Tag):
		fail("GM-OK-2", "GenerateMac = %x, want %x", got, v.Tag) // the length is wrong, whatever the bytes
	case v.Correct && !v.Prefix && !bytes.Equal(got, v.Tag):
		fail("GM-OK-4", "GenerateMac = %x, want %x", got, v.Tag)
	}
	if len(v.Tag) == 0 {
		// An empty Mac is a validation error (VM-FAIL-5), not a MAC
		// comparison; the SDK would not send it. No Wycheproof file has one.
		return out
	}
	o, bad := verify(ctx, client, keyID, v.Algorithm, v.Msg, v.Tag, nil)
	refused := o.Is("KMSInvalidMacException", 400)
	switch {
	case v.Valid && (!o.OK() || len(reasons(bad)) > 0):
		fail("VM-OK-1", "VerifyMac of the expected tag: %s %s, want HTTP 200 with MacValid true", o, strings.Join(reasons(bad), "; "))
	case !v.Valid && v.Prefix && v.Correct && !refused:
		fail("VM-FAIL-2", "VerifyMac of the correct tag truncated to %d bytes: %s, want HTTP 400 KMSInvalidMacException (only an identical tag verifies)", len(v.Tag), o)
	case !v.Valid && !refused:
		what := "a modified tag"
		if v.Prefix {
			what = fmt.Sprintf("a modified %d-byte truncated tag", len(v.Tag))
		}
		fail("VM-FAIL-2", "VerifyMac of %s: %s, want HTTP 400 KMSInvalidMacException", what, o)
	}
	return out
}
