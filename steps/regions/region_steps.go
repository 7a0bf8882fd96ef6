package regions

import (
	"context"
	"fmt"
	"strings"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

// NoSecondRegion is why the scenarios are blocked without --region2.
const NoSecondRegion = "the endpoint has no second Region for the harness: run conform with --region2 REGION (a Region the endpoint serves besides --region)"

// blockedBy is no rule: a second Region is the run's configuration, not
// a promise of the endpoint (blocking by MRK-1 would fail MRK-1).
const blockedBy = ""

func init() {
	steps.Define(func(sc *godog.ScenarioContext) {
		sc.Given(steps.Re(`^the endpoint serves a second Region$`), secondRegion)
		sc.When(steps.Re(`^I replicate key "([^"]+)" to the second Region as "([^"]+)"$`), replicate)
		sc.Given(steps.Re(`^key "([^"]+)" has a replica "([^"]+)" in the second Region$`), hasReplica)
		sc.Given(steps.Re(`^"([^"]+)" names key "([^"]+)" in the second Region$`), namesInSecond)
		sc.When(steps.Re(`^I call (\S+) in the second Region with:$`), callInSecond)
		sc.Then(steps.Re(`^key "([^"]+)" reaches state (\w+) in the second Region$`), reachesInSecond)
		sc.Given(steps.Re(`^I generate a MAC of "([^"]*)" with key "([^"]+)" and (\S+) in the second Region as "([^"]+)"$`), generateInSecond)
		sc.When(steps.Re(`^I schedule the deletion of key "([^"]+)"$`), scheduleDeletion)
	})
}

// second is the endpoint in its second Region, or the blocking error.
func second(w *steps.World) (*target.Target, error) {
	if w.Target.Second == nil {
		return nil, w.Block(blockedBy, NoSecondRegion)
	}
	return w.Target.Second, nil
}

// inSecond runs f with the World talking to the second Region (calls,
// waits and the outcome's polling all go there), then puts it back.
func inSecond(w *steps.World, f func() error) error {
	s, err := second(w)
	if err != nil {
		return err
	}
	first := w.Target
	w.Target = s
	defer func() { w.Target = first }()
	return f()
}

func secondRegion(ctx context.Context) error {
	_, err := second(steps.WorldFrom(ctx))
	return err
}

// keyAndSecond is the scenario key K and the second Region's target, or
// why either is missing (blocked without a second Region).
func keyAndSecond(ctx context.Context, key string) (*steps.World, *steps.Key, *target.Target, error) {
	w, k, err := steps.ScenarioKey(ctx, key)
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := second(w)
	return w, k, s, err
}

// replicate is the call under test: ReplicateKey of K to the second
// Region. On success the replica is named as, and deleted at cleanup.
func replicate(ctx context.Context, key, as string) error {
	w, k, s, err := keyAndSecond(ctx, key)
	if err != nil {
		return err
	}
	o, err := w.CallUnderTest(ctx, "ReplicateKey", replicateRequest(w, k, s), false)
	if err != nil || !o.OK() {
		return err
	}
	return addReplica(w, s, k, as, o)
}

// hasReplica replicates K as a setup step and waits for the replica to
// settle: Enabled, or PendingImport for imported material (MRK-6).
func hasReplica(ctx context.Context, key, as string) error {
	w, k, s, err := keyAndSecond(ctx, key)
	if err != nil {
		return err
	}
	defer w.KeepLast()()
	o, err := w.CallRequired(ctx, "ReplicateKey", replicateRequest(w, k, s), false)
	if err != nil {
		return err
	}
	if err := addReplica(w, s, k, as, o); err != nil {
		return err
	}
	state := "Enabled"
	if k.Origin == "EXTERNAL" {
		state = "PendingImport"
	}
	return inSecond(w, func() error { return w.WaitForState(ctx, as, state) })
}

// replicateRequest replicates k to s's Region, the replica tagged with
// the run tag like every key the harness makes (kmsmac cleanup finds it).
func replicateRequest(w *steps.World, k *steps.Key, s *target.Target) map[string]any {
	return map[string]any{"KeyId": k.ID, "ReplicaRegion": s.Region,
		"Tags": []map[string]string{{"TagKey": target.RunTagKey, "TagValue": w.Target.RunID}}}
}

// addReplica names the replica from ReplicateKey's answer and schedules
// its deletion before the primary's (cleanup runs before the keys').
func addReplica(w *steps.World, s *target.Target, k *steps.Key, as string, o *target.Outcome) error {
	arn, ok := o.Member("ReplicaKeyMetadata.Arn")
	if !ok {
		return fmt.Errorf("ReplicateKey answered 200 without ReplicaKeyMetadata.Arn: %s", o.Summary())
	}
	r := &steps.Key{Name: as, ID: k.ID, ARN: fmt.Sprint(arn), Spec: k.Spec, Usage: k.Usage, Origin: k.Origin}
	w.AddKey(r)
	if !w.Opts.KeepKeys {
		w.OnCleanup(func(ctx context.Context) error {
			o := s.Raw.Send(ctx, "ScheduleKeyDeletion", textutil.MustJSON(map[string]any{"KeyId": r.ID, "PendingWindowInDays": 7}))
			if !o.OK() && !target.AlreadyGone(o) {
				s.LeftKey(r.ARN)
				return fmt.Errorf("ScheduleKeyDeletion of replica %s: %s", r.ARN, o.Summary())
			}
			return nil
		})
	}
	return nil
}

// namesInSecond names key K's ARN as it would be in the second Region
// (KID-10: a key that exists only in the first one).
func namesInSecond(ctx context.Context, as, key string) error {
	w, k, s, err := keyAndSecond(ctx, key)
	if err != nil {
		return err
	}
	// arn:<partition>:kms:<region>:<account>:key/<id>
	p := strings.SplitN(k.ARN, ":", 6)
	if len(p) != 6 {
		return fmt.Errorf("key %s has no ARN to restate in %s: %q", key, s.Region, k.ARN)
	}
	p[3] = s.Region
	w.AddKey(&steps.Key{Name: as, ID: k.ID, ARN: strings.Join(p, ":"), Spec: k.Spec, Usage: k.Usage, Origin: k.Origin})
	return nil
}

// callInSecond is "I call OP with:" in the second Region. The table is
// read first, so <region> is still the first Region; <second-region> is
// the second.
func callInSecond(ctx context.Context, op string, t *godog.Table) error {
	w := steps.WorldFrom(ctx)
	s, err := second(w)
	if err != nil {
		return err
	}
	req, err := w.Request(ctx, withSecondRegion(t, s.Region))
	if err != nil {
		return err
	}
	return inSecond(w, func() error {
		_, err := w.CallUnderTest(ctx, op, req, false)
		return err
	})
}

// withSecondRegion is t with <second-region> replaced.
func withSecondRegion(t *godog.Table, region string) *godog.Table {
	out := &godog.Table{}
	for _, row := range t.Rows {
		r := &messages.PickleTableRow{}
		for _, c := range row.Cells {
			r.Cells = append(r.Cells, &messages.PickleTableCell{Value: strings.ReplaceAll(c.Value, "<second-region>", region)})
		}
		out.Rows = append(out.Rows, r)
	}
	return out
}

func reachesInSecond(ctx context.Context, key, state string) error {
	w := steps.WorldFrom(ctx)
	defer w.KeepLast()()
	return inSecond(w, func() error { return w.WaitForState(ctx, key, state) })
}

// generateInSecond makes a MAC with the replica (a setup call) and keeps it.
func generateInSecond(ctx context.Context, text, key, alg, as string) error {
	w, k, err := steps.ScenarioKey(ctx, key)
	if err != nil {
		return err
	}
	defer w.KeepLast()()
	return inSecond(w, func() error {
		o, err := w.CallRequired(ctx, "GenerateMac", map[string]any{"KeyId": k.ID, "Message": []byte(text), "MacAlgorithm": alg}, false)
		if err != nil {
			return err
		}
		mac, err := o.Blob("Mac")
		if err != nil {
			return fmt.Errorf("GenerateMac answered 200 without a usable Mac: %v (%s)", err, o.Summary())
		}
		w.SetMac(as, mac)
		return nil
	})
}

// scheduleDeletion is ScheduleKeyDeletion (7 days) as the call under
// test, without waiting for PendingDeletion: a primary with replicas goes
// to PendingReplicaDeletion instead (STATE-4, MRK-8).
func scheduleDeletion(ctx context.Context, key string) error {
	w, k, err := steps.ScenarioKey(ctx, key)
	if err != nil {
		return err
	}
	o := w.CallRaw(ctx, "ScheduleKeyDeletion", textutil.MustJSON(map[string]any{"KeyId": k.ID, "PendingWindowInDays": 7}))
	if o.Status == 0 && o.Err != nil {
		return fmt.Errorf("ScheduleKeyDeletion: %s", o.Summary())
	}
	return nil
}
