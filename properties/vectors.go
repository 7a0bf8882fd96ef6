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
	Run, Passed int
	// Skipped counts vectors by the reason they cannot go through an
	// endpoint (key length outside IMP-12, empty message, NoImport).
	Skipped  map[string]int
	Failures []string // "<vector name>: <what went wrong>"
	Keys     int      // keys imported
	// Cleanup says what could not be undone (keys not scheduled for
	// deletion); it does not make the report fail.
	Cleanup []string
}

// OK reports that every vector that ran passed.
func (r VectorsReport) OK() bool { return len(r.Failures) == 0 && r.Run == r.Passed }

func (r VectorsReport) String() string {
	var b strings.Builder
	skipped := 0
	for _, n := range r.Skipped {
		skipped += n
	}
	fmt.Fprintf(&b, "vectors: %d run, %d passed, %d failed, %d skipped (%d keys imported)", r.Run, r.Passed, len(r.Failures), skipped, r.Keys)
	reasons := make([]string, 0, len(r.Skipped))
	for why := range r.Skipped {
		reasons = append(reasons, why)
	}
	sort.Strings(reasons)
	for _, why := range reasons {
		fmt.Fprintf(&b, "\n  skipped %d: %s", r.Skipped[why], why)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "\n  FAIL %s", f)
	}
	for _, c := range r.Cleanup {
		fmt.Fprintf(&b, "\n  cleanup: %s", c)
	}
	return b.String()
}

// RunVectors imports each vector's key into a fresh EXTERNAL key (one key
// per distinct algorithm and key, rules.md IMP-1), then checks GenerateMac
// against the expected tag and VerifyMac's verdict on it. Vectors an endpoint
// cannot take are counted as skipped with the reason. Imported keys are
// scheduled for deletion at the end.
func RunVectors(ctx context.Context, client *kms.Client, vs []Vector, cfg Config) (rep VectorsReport) {
	rep = VectorsReport{Skipped: map[string]int{}}
	keys := map[string]string{}     // algorithm/key hex -> key ARN
	importErr := map[string]error{} // same index, failed imports
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
		rep.Run++
		idx := v.Algorithm + "/" + hex.EncodeToString(v.Key)
		id, ok := keys[idx]
		if err, failed := importErr[idx]; failed {
			rep.Failures = append(rep.Failures, fmt.Sprintf("%s: key import failed earlier: %v", v.Name, err))
			continue
		}
		if !ok {
			keySpec := "HMAC_" + strings.TrimPrefix(v.Algorithm, "HMAC_SHA_")
			var err error
			id, err = cfg.createHMACKey(ctx, client, keySpec, types.OriginTypeExternal)
			if err == nil {
				created = append(created, id)
				err = ImportMaterial(ctx, client, id, v.Key)
			}
			if err != nil {
				importErr[idx] = err
				rep.Failures = append(rep.Failures, fmt.Sprintf("%s: importing its %d-byte key: %v", v.Name, len(v.Key), err))
				continue
			}
			keys[idx] = id
			rep.Keys++
		}
		if why := runVector(ctx, client, id, v); why != "" {
			rep.Failures = append(rep.Failures, v.Name+": "+why)
			continue
		}
		rep.Passed++
	}
	return rep
}

func runVector(ctx context.Context, client *kms.Client, keyID string, v Vector) string {
	var why []string
	got, o, _ := generate(ctx, client, keyID, v.Algorithm, v.Msg, nil)
	switch {
	case !o.OK():
		why = append(why, "GenerateMac: "+o.String())
	case v.Correct && v.Prefix && !bytes.HasPrefix(got, v.Tag):
		why = append(why, fmt.Sprintf("GenerateMac = %x, want a MAC starting with %x (GM-OK-4)", got, v.Tag))
	case v.Correct && !v.Prefix && !bytes.Equal(got, v.Tag):
		why = append(why, fmt.Sprintf("GenerateMac = %x, want %x (GM-OK-4)", got, v.Tag))
	}
	o, bad := verify(ctx, client, keyID, v.Algorithm, v.Msg, v.Tag, nil)
	why = append(why, reasons(bad)...)
	if v.Valid && !o.OK() {
		why = append(why, fmt.Sprintf("VerifyMac of the expected tag: got %s, want 200 OK (VM-OK-3)", o))
	}
	if !v.Valid && !o.Is("KMSInvalidMacException", 400) {
		what := "a modified tag"
		if v.Prefix {
			what = fmt.Sprintf("a %d-byte truncated tag", len(v.Tag))
		}
		why = append(why, fmt.Sprintf("VerifyMac of %s: got %s, want 400 KMSInvalidMacException (VM-FAIL-2)", what, o))
	}
	return strings.Join(why, "; ")
}
