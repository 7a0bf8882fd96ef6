package properties

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// Every MAC check against the endpoint (the embedded reference unless
// $KMSMAC_PROPERTIES_ENDPOINT is set), each alteration and each limit on its
// own so one finding does not hide another.
func TestMACChecksPassOnEndpoint(t *testing.T) {
	ctx := context.Background()
	client, raw := endpoint(t)
	fx, err := NewFixture(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fx.Close(context.Background()) })
	type named struct {
		name  string
		check Check
		tests int
	}
	checks := []named{
		{"RoundTrip", RoundTrip, 200},
		{"Deterministic", Deterministic, 100},
		{"DistinctKeys", DistinctKeys, 100},
		{"KnownAnswer", KnownAnswer, 200},
		{"Tamper", Tamper, 300},
		{"Limits", Limits, 200},
	}
	for _, k := range TamperKinds {
		checks = append(checks, named{"Tamper[" + k + "]", TamperOnly(k), 30})
	}
	for _, f := range LimitFields {
		checks = append(checks, named{"Limits[" + f + "]", LimitsOnly(f), 20})
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			r := c.check(ctx, client, raw, Config{Seed: testSeed, Tests: c.tests, Fixture: fx})
			t.Log(r)
			if !r.Passed {
				t.Fatal("check failed")
			}
			if r.Succeeded < c.tests || r.Seed != testSeed || r.Name != c.name {
				t.Fatalf("result %+v", r)
			}
		})
	}
}

func TestUnknownKindsAndFieldsFail(t *testing.T) {
	for _, c := range []Check{TamperOnly(), TamperOnly("nonsense"), LimitsOnly(), LimitsOnly("Nonsense")} {
		client, raw := endpoint(t)
		r := c(context.Background(), client, raw, Config{Seed: 1, Tests: 5})
		if r.Passed {
			t.Errorf("%s passed", r.Name)
		}
	}
}

func TestChecksRegistry(t *testing.T) {
	names := Names()
	if len(names) != 7 || names[0] != "Deterministic" {
		t.Fatalf("Names() = %v", names)
	}
	client, raw := endpoint(t)
	for _, n := range []string{"RoundTrip", "Model"} {
		if r := Checks[n](context.Background(), client, raw, Config{Seed: testSeed, Tests: 3}); !r.Passed || r.Name != n {
			t.Errorf("%s: %v", n, r)
		}
	}
}

func TestFixtureWaitReady(t *testing.T) {
	ctx := context.Background()
	client, raw := endpoint(t)
	r := RoundTrip(ctx, client, raw, Config{Seed: testSeed, Tests: 5, Wait: 2 * time.Second})
	if !r.Passed {
		t.Fatal(r)
	}
	fx, err := NewFixtureWithoutImport(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	defer fx.Close(ctx)
	if err := fx.WaitReady(ctx, time.Second); err != nil {
		t.Fatal(err)
	}
	// A disabled key never becomes usable: WaitReady gives up after d.
	if _, err := client.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(fx.Keys["HMAC_256"][0])}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := fx.WaitReady(ctx, 300*time.Millisecond); err == nil || !strings.Contains(err.Error(), "DisabledException") {
		t.Fatalf("WaitReady on a disabled key: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("WaitReady did not stop at its deadline")
	}
	if fx.ImportErr == nil || len(fx.Imported) != 0 {
		t.Fatalf("fixture without import: %v %v", fx.ImportErr, fx.Imported)
	}
}
