package properties

import (
	"context"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/vectors"
)

func wycheproof(t *testing.T) []vectors.WycheproofTest {
	t.Helper()
	tests, err := vectors.LoadWycheproofFS(vectors.Wycheproof())
	if err != nil {
		t.Fatal(err)
	}
	return tests
}

// Every Wycheproof vector a KMS endpoint can take passes through it; the
// rest are skipped with their reason. RFC 4231 keys are all skipped.
func TestVectorsThroughEndpoint(t *testing.T) {
	client, _ := endpoint(t)
	rep := RunVectors(context.Background(), client, FromWycheproof(wycheproof(t)), Config{})
	t.Log(rep)
	if !rep.OK() || rep.Run < 400 || rep.Keys == 0 || rep.Keys >= rep.Run {
		t.Fatalf("Wycheproof through the endpoint: %v", rep)
	}
	cases, err := vectors.RFC4231()
	if err != nil {
		t.Fatal(err)
	}
	rep = RunVectors(context.Background(), client, FromRFC4231(cases), Config{})
	t.Log(rep)
	if rep.Run != 0 || len(FromRFC4231(cases)) != 28 {
		t.Fatalf("RFC 4231 through the endpoint: %v", rep)
	}
}

func TestVectorsFailOnBrokenEndpoint(t *testing.T) {
	all := wycheproof(t)
	var some []vectors.WycheproofTest
	for _, tc := range all {
		if tc.Algorithm == "HMAC_SHA_256" {
			some = append(some, tc)
		}
	}
	client, _ := brokenEndpoint(t, lenientVerify(func(tag, want []byte) bool { return len(tag) >= 16 && strings.HasPrefix(string(want), string(tag)) }))
	rep := RunVectors(context.Background(), client, FromWycheproof(some), Config{})
	t.Log(rep)
	if rep.OK() || !strings.Contains(rep.String(), "truncated") || len(rep.ByRule()["VM-FAIL-2"]) == 0 {
		t.Fatalf("a verifier that accepts truncated tags passed: %v", rep)
	}
}
