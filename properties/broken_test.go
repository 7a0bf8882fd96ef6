package properties

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// bareKeyID answers GenerateMac and VerifyMac with the key id instead of
// the ARN (KID-4), as moto does.
func bareKeyID(next awsjson.Caller) awsjson.Caller {
	bare := func(m map[string]any) {
		if s, _ := m["KeyId"].(string); strings.Contains(s, ":key/") {
			m["KeyId"] = s[strings.LastIndex(s, ":key/")+len(":key/"):]
		}
	}
	return rewrite("GenerateMac", nil, bare)(rewrite("VerifyMac", nil, bare)(next))
}

// disabledStillMacs lets GenerateMac work on a Disabled key (STATE-2): it
// enables the key for the call and disables it again.
func disabledStillMacs(next awsjson.Caller) awsjson.Caller {
	return callerFunc(func(ctx context.Context, op string, body []byte) ([]byte, error) {
		out, err := next.Call(ctx, op, body)
		var e *awsjson.Error
		if op != "GenerateMac" || !errors.As(err, &e) || e.Type != "DisabledException" {
			return out, err
		}
		var req struct{ KeyId string }
		_ = json.Unmarshal(body, &req)
		id, _ := json.Marshal(map[string]string{"KeyId": req.KeyId})
		if _, err := next.Call(ctx, "EnableKey", id); err != nil {
			return out, err
		}
		defer func() { _, _ = next.Call(ctx, "DisableKey", id) }()
		return next.Call(ctx, op, body)
	})
}

// One model run against an endpoint with two deviations reports both, each
// once and with its own shrunk sequence: the bare key id does not stop the
// model from reaching disabled keys.
func TestModelReportsEachViolatedRule(t *testing.T) {
	client, raw := brokenEndpoint(t, func(next awsjson.Caller) awsjson.Caller {
		return bareKeyID(disabledStillMacs(next))
	})
	r := Model(context.Background(), client, raw, Config{Seed: brokenSeed, Tests: 100, MaxCommands: 14})
	t.Log(r)
	if r.Passed || r.Err != nil || r.Blocked != nil {
		t.Fatalf("want violations only; passed %v, err %v, blocked %v", r.Passed, r.Err, r.Blocked)
	}
	seen := map[string]Violation{}
	for _, v := range r.Violations {
		if _, dup := seen[v.Rule]; dup {
			t.Errorf("%s reported twice", v.Rule)
		}
		seen[v.Rule] = v
	}
	for rule, step := range map[string]string{"KID-4": "GenerateMac", "STATE-2": "DisableKey"} {
		v, ok := seen[rule]
		if !ok {
			t.Errorf("%s not reported (violations: %v)", rule, r.Violations)
			continue
		}
		// The shrunk sequence shows the cause and no more than the
		// original; a sequence gopter could shorten says so in Shrinks.
		shrunk, orig := commandsIn(v.Counterexample), commandsIn(v.Original)
		if !strings.Contains(strings.Join(v.Counterexample, ""), step) {
			t.Errorf("%s: counterexample %q lacks %s", rule, v.Counterexample, step)
		}
		if shrunk > orig || (shrunk < orig && v.Shrinks == 0) {
			t.Errorf("%s: shrunk sequence has %d commands, original %d, %d shrinks", rule, shrunk, orig, v.Shrinks)
		}
		if shrunk > 4 {
			t.Errorf("%s: shrunk sequence still has %d commands", rule, shrunk)
		}
		for _, why := range v.Reasons {
			if strings.Contains(why, "(") && !strings.Contains(why, rule) && !strings.HasPrefix(why, "sequence run") && !strings.Contains(why, " -> ") {
				t.Errorf("%s: reason of another rule: %s", rule, why)
			}
		}
	}
	for _, rule := range []string{"KID-4", "STATE-1", "STATE-2", "STATE-10"} {
		if !slices.Contains(r.Checked, rule) {
			t.Errorf("%s not in Checked %v", rule, r.Checked)
		}
	}
}

// commandsIn counts the commands of a Model counterexample.
func commandsIn(ce []string) int {
	s := strings.Join(ce, "")
	i := strings.Index(s, "sequential=[")
	if i < 0 {
		return 0
	}
	return strings.Count(s[i:], ")")
}

// A Limits failure is charged to the rule of the length that shows it:
// an empty Message to MAC-SIZE-3, an over-long one to MAC-SIZE-2.
func TestLimitsChargeEachLengthToItsRule(t *testing.T) {
	client, raw := brokenEndpoint(t, rewrite("GenerateMac", func(m map[string]any) {
		if s, _ := m["Message"].(string); s == "" {
			m["Message"] = "AA==" // accept an empty message
		}
	}, nil))
	r := LimitsOnly(LimitMessage)(context.Background(), client, raw, Config{Seed: brokenSeed, Tests: 100})
	t.Log(r)
	if len(r.Violations) != 1 || r.Violations[0].Rule != "MAC-SIZE-3" {
		t.Fatalf("violations %v, want MAC-SIZE-3 only", r.Violations)
	}
	if ce := strings.Join(r.Violations[0].Counterexample, ""); !strings.Contains(ce, "Message of length 0") {
		t.Errorf("counterexample %q", ce)
	}
	for _, rule := range []string{"MAC-SIZE-1", "MAC-SIZE-2", "MAC-SIZE-3", "VAL-FMT-1"} {
		if !slices.Contains(r.Checked, rule) {
			t.Errorf("%s not in Checked %v", rule, r.Checked)
		}
	}
}
