package regions

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/steps"
)

// Steps about multi-Region keys themselves: making a primary, importing
// material into a replica, and what DescribeKey says of the Regions.
func init() {
	steps.Define(func(sc *godog.ScenarioContext) {
		sc.Given(steps.Re(`^a multi-Region (HMAC_\d+) key "([^"]+)"$`), func(ctx context.Context, spec, name string) error {
			return createPrimary(ctx, spec, name, "AWS_KMS", 0)
		})
		sc.Given(steps.Re(`^a multi-Region (HMAC_\d+) key "([^"]+)" with imported material of (\d+) bytes$`), func(ctx context.Context, spec, name string, n int) error {
			return createPrimary(ctx, spec, name, "EXTERNAL", n)
		})
		sc.When(steps.Re(`^I import the material of key "([^"]+)" into key "([^"]+)" in the second Region$`), importIntoReplica)
		sc.Then(steps.Re(`^the response "([^"]+)" names the second Region$`), namesSecondRegion)
		sc.Then(steps.Re(`^the response lists key "([^"]+)" as a replica in the second Region$`), listsReplica)
	})
}

// createPrimary makes a multi-Region primary (with n random bytes of
// imported material for EXTERNAL), waited for like any scenario key.
func createPrimary(ctx context.Context, spec, name, origin string, n int) error {
	w := steps.WorldFrom(ctx)
	if _, err := second(w); err != nil {
		return err // no point in a primary that cannot be replicated
	}
	k, err := w.CreateKey(ctx, name, map[string]any{"KeySpec": spec, "KeyUsage": "GENERATE_VERIFY_MAC",
		"MultiRegion": true, "Origin": origin})
	if err != nil || origin != "EXTERNAL" {
		return err
	}
	if n < 1 || n > 1024 {
		return fmt.Errorf("key material of %d bytes: want 1..1024", n)
	}
	material := make([]byte, n)
	if _, err := rand.Read(material); err != nil {
		return err
	}
	if err := w.ImportMaterial(ctx, k, material); err != nil {
		return err
	}
	return w.WaitForState(ctx, name, "Enabled")
}

// importIntoReplica imports the primary's material into its replica in
// the second Region (MRK-6) as a setup step, and waits for Enabled.
func importIntoReplica(ctx context.Context, from, into string) error {
	w, src, err := steps.ScenarioKey(ctx, from)
	if err != nil {
		return err
	}
	r, err := w.Key(into)
	if err != nil {
		return err
	}
	if src.Material == nil {
		return fmt.Errorf("key %s has no material the scenario imported", from)
	}
	return inSecond(w, func() error {
		if err := w.ImportMaterial(ctx, r, src.Material); err != nil {
			return err
		}
		return w.WaitForState(ctx, into, "Enabled")
	})
}

// namesSecondRegion checks that an ARN in the last answer is of the
// second Region (MRK-2: a replica has its own ARN, the same key ID).
func namesSecondRegion(ctx context.Context, path string) error {
	w, o, err := steps.LastOutcome(ctx)
	if err != nil {
		return err
	}
	s, err := second(w)
	if err != nil {
		return err
	}
	v, ok := o.Member(path)
	arn, _ := v.(string)
	p := strings.SplitN(arn, ":", 6)
	want := "an ARN in " + s.Region
	return w.Check(steps.KindText, ok && len(p) == 6 && p[3] == s.Region, want, steps.ObservedMember(o, path, v, ok))
}

// listsReplica checks KeyMetadata.MultiRegionConfiguration.ReplicaKeys of
// the last answer (DescribeKey) for replica R in the second Region.
func listsReplica(ctx context.Context, name string) error {
	w, o, err := steps.LastOutcome(ctx)
	if err != nil {
		return err
	}
	r, err := w.Key(name)
	if err != nil {
		return err
	}
	s, err := second(w)
	if err != nil {
		return err
	}
	const path = "KeyMetadata.MultiRegionConfiguration.ReplicaKeys"
	v, ok := o.Member(path)
	list, _ := v.([]any)
	found := false
	for _, e := range list {
		m, _ := e.(map[string]any)
		if m["Arn"] == r.ARN && m["Region"] == s.Region {
			found = true
		}
	}
	return w.Check(steps.KindText, found, fmt.Sprintf("a replica {Arn: %s, Region: %s}", r.ARN, s.Region), steps.ObservedMember(o, path, v, ok))
}
