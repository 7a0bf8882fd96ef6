package regions

import (
	"context"
	"strings"
	"testing"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

func world(t *target.Target) (context.Context, *steps.World) {
	w := steps.NewWorld(t, &steps.Settings{})
	w.Begin(&godog.Scenario{})
	return steps.WithWorld(context.Background(), w), w
}

// Without a second Region every step is blocked with the reason, by no
// rule (so no rule of the scenario counts as failed).
func TestBlockedWithoutSecondRegion(t *testing.T) {
	ctx, w := world(&target.Target{Name: "none", Region: "us-east-1"})
	w.AddKey(&steps.Key{Name: "K", ID: "mrk-0123456789abcdef0123456789abcdef", ARN: "arn:aws:kms:us-east-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef"})
	for name, err := range map[string]error{
		"serves":    secondRegion(ctx),
		"replicate": replicate(ctx, "K", "R"),
		"names":     namesInSecond(ctx, "K2", "K"),
		"call":      callInSecond(ctx, "DescribeKey", &godog.Table{}),
		"reaches":   reachesInSecond(ctx, "K", "Enabled"),
	} {
		rule, reason, ok := steps.IsBlocked(err)
		if !ok || rule != "" || !strings.Contains(reason, "--region2") {
			t.Errorf("%s: %v, want blocked (by no rule) naming --region2", name, err)
		}
	}
}

func TestNamesKeyInSecondRegion(t *testing.T) {
	ctx, w := world(&target.Target{Name: "none", Region: "us-east-1", Second: &target.Target{Name: "two", Region: "eu-west-1"}})
	id := "1234abcd-12ab-34cd-56ef-1234567890ab"
	w.AddKey(&steps.Key{Name: "K", ID: id, ARN: "arn:aws:kms:us-east-1:111122223333:key/" + id})
	if err := namesInSecond(ctx, "K2", "K"); err != nil {
		t.Fatal(err)
	}
	k2, err := w.Key("K2")
	if err != nil || k2.ARN != "arn:aws:kms:eu-west-1:111122223333:key/"+id || k2.ID != id {
		t.Fatalf("K2 = %+v, %v", k2, err)
	}
	w.AddKey(&steps.Key{Name: "B", ID: id, ARN: "not-an-arn"})
	if err := namesInSecond(ctx, "B2", "B"); err == nil {
		t.Error("a key without an ARN was restated")
	}
}

func TestWithSecondRegion(t *testing.T) {
	tb := &godog.Table{Rows: []*messages.PickleTableRow{{Cells: []*messages.PickleTableCell{{Value: "ReplicaRegion"}, {Value: "<second-region>"}}}}}
	got := withSecondRegion(tb, "eu-west-1")
	if got.Rows[0].Cells[1].Value != "eu-west-1" || got.Rows[0].Cells[0].Value != "ReplicaRegion" {
		t.Errorf("row %v", got.Rows[0].Cells)
	}
	if tb.Rows[0].Cells[1].Value != "<second-region>" {
		t.Error("the scenario's own table was changed")
	}
}
