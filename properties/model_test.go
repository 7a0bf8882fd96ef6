package properties

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsmac/kmsmac/reference/awsjson"
)

func TestModelPassesOnEndpoint(t *testing.T) {
	client, raw := endpoint(t)
	r := Model(context.Background(), client, raw, withCaps(Config{Seed: testSeed, Tests: 100, MaxCommands: 25}))
	t.Log(r)
	if !r.Passed {
		t.Fatal("model check failed")
	}
}

// An endpoint whose CancelKeyDeletion re-enables the key (a known emulator
// mistake; STATE-11 says Disabled) must fail with a short shrunk sequence.
func TestModelFailsOnBrokenEndpoint(t *testing.T) {
	client, raw := brokenEndpoint(t, func(next awsjson.Caller) awsjson.Caller {
		return callerFunc(func(ctx context.Context, op string, body []byte) ([]byte, error) {
			out, err := next.Call(ctx, op, body)
			if op == "CancelKeyDeletion" && err == nil {
				_, _ = next.Call(ctx, "EnableKey", body) // refused for keys without material
			}
			return out, err
		})
	})
	r := Model(context.Background(), client, raw, Config{Seed: brokenSeed, Tests: 100, MaxCommands: 14})
	text := r.String()
	t.Log(text)
	if r.Passed {
		t.Fatal("model check passed on a broken endpoint")
	}
	if !strings.Contains(text, "CancelKeyDeletion") || !strings.Contains(text, "is Enabled, want Disabled") {
		t.Fatalf("failure does not show the divergence")
	}
	// Shrinking leaves CreateKey, ScheduleKeyDeletion, CancelKeyDeletion
	// and little else.
	if steps := strings.Count(strings.Join(r.Reasons, "\n"), " -> "); steps > 5 {
		t.Errorf("shrunk sequence still has %d steps", steps)
	}
}

// Every key the model creates, the ones its key factory made ahead and
// nobody took included, is scheduled for deletion when Model returns.
func TestModelLeavesNoKeyBehind(t *testing.T) {
	client, raw := endpoint(t)
	var mu sync.Mutex
	var created []string
	cfg := withCaps(Config{Seed: testSeed, Tests: 20, MaxCommands: 10,
		KeyCreated: func(arn string) { mu.Lock(); created = append(created, arn); mu.Unlock() }})
	if r := Model(context.Background(), client, raw, cfg); !r.Passed {
		t.Fatal(r)
	}
	if len(created) < 20 {
		t.Fatalf("only %d keys created", len(created))
	}
	for _, arn := range created {
		out, err := client.DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String(arn)})
		if err != nil {
			t.Fatalf("DescribeKey %s: %v", arn, err)
		}
		if st := out.KeyMetadata.KeyState; st != types.KeyStatePendingDeletion {
			t.Errorf("key %s left in state %s", arn, st)
		}
	}
}
