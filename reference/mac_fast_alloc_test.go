//go:build !race

// The race detector makes sync.Pool drop objects at random, so allocation
// counts only mean something without it.

package reference

import (
	"context"
	"encoding/base64"
	"testing"
)

// TestMacAllocs bounds the allocations of a successful 4 KiB GenerateMac
// and VerifyMac through Service.Call: the KeyId string and the response.
// The strict decoder needed about 30.
func TestMacAllocs(t *testing.T) {
	s, _ := newTestService(t)
	id, _ := hmacKey(t, s, "HMAC_256")
	msg := base64.StdEncoding.EncodeToString(make([]byte, 4096))
	gen := []byte(`{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256"}`)
	out := mustCall(t, s, "GenerateMac", string(gen))
	ver := []byte(`{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256","Mac":"` + out["Mac"].(string) + `"}`)
	ctx := context.Background()
	for _, c := range []struct {
		op   string
		body []byte
		max  float64
	}{
		{"GenerateMac", gen, 2},
		{"VerifyMac", ver, 2},
	} {
		n := testing.AllocsPerRun(200, func() {
			if _, err := s.Call(ctx, c.op, c.body); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("%s: %.1f allocs per call", c.op, n)
		if n > c.max {
			t.Errorf("%s: %.1f allocs per call, want <= %.0f", c.op, n, c.max)
		}
	}
}
