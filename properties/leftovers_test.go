package properties

import (
	"context"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/reference/awsjson"
)

// refuseCleanup makes ScheduleKeyDeletion (and DeleteAlias) fail with a
// 500, as a flaky endpoint might: the keys stay, and the check must say so.
func refuseCleanup(next awsjson.Caller) awsjson.Caller {
	return callerFunc(func(ctx context.Context, op string, body []byte) ([]byte, error) {
		if op == "ScheduleKeyDeletion" || op == "DeleteAlias" {
			return nil, awsjson.ServerError("KMSInternalException", "cleanup refused for the test")
		}
		return next.Call(ctx, op, body)
	})
}

// A check whose keys cannot be scheduled for deletion lists each leftover in
// Result.Cleanup and String; RoundTrip still passes (a leftover is no rule;
// the Model also judges ScheduleKeyDeletion, so it may fail here).
func TestCleanupFailuresAreReported(t *testing.T) {
	client, raw := brokenEndpoint(t, refuseCleanup)
	for _, c := range []struct {
		name  string
		check Check
		cfg   Config
	}{
		{"RoundTrip", RoundTrip, Config{Seed: testSeed, Tests: 5}},
		{"Model", Model, Config{Seed: testSeed, Tests: 3, MaxCommands: 6}},
	} {
		r := c.check(context.Background(), client, raw, c.cfg)
		t.Log(r)
		if c.name == "RoundTrip" && !r.Passed {
			t.Errorf("RoundTrip failed; a leftover is no rule:\n%s", r)
		}
		if len(r.Cleanup) == 0 {
			t.Errorf("%s: no Cleanup although every deletion was refused:\n%s", c.name, r)
			continue
		}
		if !strings.Contains(r.Cleanup[0], "cleanup refused for the test") {
			t.Errorf("%s: Cleanup[0] = %q, want the endpoint's answer", c.name, r.Cleanup[0])
		}
		if !strings.Contains(r.String(), "cleanup: ") {
			t.Errorf("%s: String does not show the leftovers:\n%s", c.name, r)
		}
	}

	// On a healthy endpoint there is nothing to report.
	client, raw = endpoint(t)
	if r := RoundTrip(context.Background(), client, raw, Config{Seed: testSeed, Tests: 5}); len(r.Cleanup) != 0 {
		t.Errorf("Cleanup on a healthy endpoint: %q", r.Cleanup)
	}
}
