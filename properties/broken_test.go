package properties

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kmsmac/kmsmac/reference/awsjson"
)

// rewrite returns a Caller wrapper that edits the request (before) or the
// response (after) of one operation as JSON objects.
func rewrite(op string, before, after func(m map[string]any)) func(awsjson.Caller) awsjson.Caller {
	return func(next awsjson.Caller) awsjson.Caller {
		return callerFunc(func(ctx context.Context, o string, body []byte) ([]byte, error) {
			if o != op {
				return next.Call(ctx, o, body)
			}
			if before != nil {
				var m map[string]any
				if err := json.Unmarshal(body, &m); err == nil {
					before(m)
					body, _ = json.Marshal(m)
				}
			}
			out, err := next.Call(ctx, o, body)
			if err != nil || after == nil {
				return out, err
			}
			var m map[string]any
			if json.Unmarshal(out, &m) != nil {
				return out, nil
			}
			after(m)
			return json.Marshal(m)
		})
	}
}

// brokenSeed is fixed (not $KMSMAC_PROPERTIES_SEED): these tests check
// that a known fault is found and shrunk, which a budget of 100 cases does
// for this seed; other seeds may need more cases.
const brokenSeed = 20261123

// Each broken endpoint must make the matching check fail, with the seed, a
// shrunk counterexample and a reason naming the rule.
func TestChecksFailOnBrokenEndpoints(t *testing.T) {
	b64 := func(m map[string]any, k string) []byte {
		var b []byte
		s, _ := json.Marshal(m[k])
		_ = json.Unmarshal(s, &b)
		return b
	}
	tests := []struct {
		name   string
		wrap   func(awsjson.Caller) awsjson.Caller
		check  Check
		reason string   // substring of a reason
		shrunk []string // substrings of the counterexample
	}{
		{
			name: "GenerateMac drops the last byte",
			wrap: rewrite("GenerateMac", nil, func(m map[string]any) {
				mac := b64(m, "Mac")
				m["Mac"] = mac[:len(mac)-1]
			}),
			check:  RoundTrip,
			reason: "GM-OK-2",
			shrunk: []string{"message length: 1", "message seed (0 = zeros): 0"},
		},
		{
			name:   "VerifyMac checks only a 16-byte prefix",
			wrap:   lenientVerify(func(tag, want []byte) bool { return len(tag) >= 16 && bytes.Equal(tag[:16], want[:16]) }),
			check:  TamperOnly(TamperMacBit),
			reason: "want 400 KMSInvalidMacException",
			shrunk: []string{"message length: 1", "alteration: mac-bit"},
		},
		{
			name:   "VerifyMac accepts any prefix",
			wrap:   lenientVerify(func(tag, want []byte) bool { return bytes.HasPrefix(want, tag) }),
			check:  TamperOnly(TamperTruncate, TamperOtherKey),
			reason: "KMSInvalidMacException",
			shrunk: []string{"message length: 1", "alteration: truncate"},
		},
		{
			name: "GenerateMac accepts 8 KiB messages",
			wrap: rewrite("GenerateMac", func(m map[string]any) {
				if msg := b64(m, "Message"); len(msg) > 4096 {
					m["Message"] = msg[:4096]
				}
			}, nil),
			check:  Limits,
			reason: "want 400 ValidationException",
			shrunk: []string{"Message of length 4097"},
		},
		{
			name:   "GenerateMac uses one key per algorithm",
			wrap:   oneKeyPerAlgorithm,
			check:  DistinctKeys,
			reason: "GM-OK-5",
			shrunk: []string{"key spec", "message length: 1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client, raw := brokenEndpoint(t, tc.wrap)
			r := tc.check(context.Background(), client, raw, Config{Seed: brokenSeed, Tests: 100})
			text := r.String()
			t.Log(text)
			if r.Passed {
				t.Fatal("check passed on a broken endpoint")
			}
			if r.Err != nil {
				t.Fatalf("setup error instead of a failed property: %v", r.Err)
			}
			if !strings.Contains(text, fmt.Sprintf("seed %d", brokenSeed)) {
				t.Error("failure text lacks the seed")
			}
			if !strings.Contains(strings.Join(r.Reasons, "\n"), tc.reason) {
				t.Errorf("reasons %q lack %q", r.Reasons, tc.reason)
			}
			ce := strings.Join(r.Counterexample, "\n")
			for _, s := range tc.shrunk {
				if !strings.Contains(ce, s) {
					t.Errorf("counterexample %q lacks %q", ce, s)
				}
			}
		})
	}
}

// lenientVerify answers VerifyMac itself: it asks the service for the true
// MAC and calls the request valid when accept says so.
func lenientVerify(accept func(tag, want []byte) bool) func(awsjson.Caller) awsjson.Caller {
	return func(next awsjson.Caller) awsjson.Caller {
		return callerFunc(func(ctx context.Context, op string, body []byte) ([]byte, error) {
			if op != "VerifyMac" {
				return next.Call(ctx, op, body)
			}
			var req struct {
				KeyId, MacAlgorithm string
				Message, Mac        []byte
			}
			if err := json.Unmarshal(body, &req); err != nil {
				return next.Call(ctx, op, body)
			}
			genBody, _ := json.Marshal(map[string]any{"KeyId": req.KeyId, "MacAlgorithm": req.MacAlgorithm, "Message": req.Message})
			out, err := next.Call(ctx, "GenerateMac", genBody)
			if err != nil {
				return nil, err
			}
			var gen struct {
				KeyId string
				Mac   []byte
			}
			if err := json.Unmarshal(out, &gen); err != nil {
				return nil, err
			}
			if !accept(req.Mac, gen.Mac) {
				return nil, &awsjson.Error{Type: "KMSInvalidMacException", NoMessage: true, Status: 400}
			}
			return json.Marshal(map[string]any{"KeyId": gen.KeyId, "MacValid": true, "MacAlgorithm": req.MacAlgorithm})
		})
	}
}

// oneKeyPerAlgorithm sends every GenerateMac to the first key seen for its
// algorithm, as an emulator that ignores KeyId would.
func oneKeyPerAlgorithm(next awsjson.Caller) awsjson.Caller {
	var mu sync.Mutex
	first := map[string]any{}
	return rewrite("GenerateMac", func(m map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		alg, _ := m["MacAlgorithm"].(string)
		if k, ok := first[alg]; ok {
			m["KeyId"] = k
		} else {
			first[alg] = m["KeyId"]
		}
	}, nil)(next)
}
