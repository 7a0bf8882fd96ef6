package vectors

import (
	"strings"
	"testing"
)

func TestEndpointSkipReason(t *testing.T) {
	tests := []struct {
		alg       string
		key, msg  int
		wantEmpty bool
		want      string
	}{
		{"HMAC_SHA_256", 32, 1, true, ""},
		{"HMAC_SHA_256", 64, 4096, true, ""},
		{"HMAC_SHA_224", 28, 10, true, ""},
		{"HMAC_SHA_512", 128, 10, true, ""},
		{"HMAC_SHA_256", 31, 10, false, "31-byte key"},
		{"HMAC_SHA_256", 65, 10, false, "IMP-12"},
		{"HMAC_SHA_384", 20, 10, false, "HMAC_384"},
		{"HMAC_SHA_256", 32, 0, false, "0-byte message"},
		{"HMAC_SHA_256", 32, 4097, false, "MAC-SIZE"},
		{"HMAC_SHA_1", 32, 10, false, "not a KMS MAC algorithm"},
	}
	for _, tc := range tests {
		got := EndpointSkipReason(tc.alg, make([]byte, tc.key), make([]byte, tc.msg))
		if (got == "") != tc.wantEmpty || !strings.Contains(got, tc.want) {
			t.Errorf("%s key %d msg %d: %q, want %q", tc.alg, tc.key, tc.msg, got, tc.want)
		}
	}
	// RFC 4231 keys (4..131 bytes) all fall outside the import ranges
	// (RFC 4231 checks the core only: reference/mac's tests).
	cases, err := RFC4231()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for alg := range c.MAC {
			if EndpointSkipReason(alg, c.Key, c.Data) == "" {
				t.Errorf("%s %s: importable, expected not", c.Name(), alg)
			}
		}
	}
}

// Wycheproof's digest-length keys can go through an endpoint, except the
// empty-message tests.
func TestWycheproofEndpointShare(t *testing.T) {
	tests := wycheproof(t)
	run := 0
	for _, tc := range tests {
		if tc.EndpointSkipReason() == "" {
			run++
		}
	}
	if run == 0 || run == len(tests) {
		t.Fatalf("%d of %d tests can run through an endpoint", run, len(tests))
	}
	t.Logf("%d of %d Wycheproof tests can run through an endpoint", run, len(tests))
}
