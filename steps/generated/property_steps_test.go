package generated

import (
	"testing"

	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

func TestRunSeed(t *testing.T) {
	tests := []struct {
		name     string
		opt, env string
		optSeed  int64
		want     int64 // 0: any non-zero seed
	}{
		{name: "--seed wins over the environment", optSeed: 42, env: "7", want: 42},
		{name: "environment when no --seed", env: "7", want: 7},
		{name: "a bad environment value is ignored", env: "seven"},
		{name: "picked when neither is set"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvSeed, tc.env)
			o := &steps.Settings{Seed: tc.optSeed}
			a, b := steps.NewWorld(&target.Target{}, o), steps.NewWorld(&target.Target{}, o)
			got := RunSeed(a)
			if got == 0 || (tc.want != 0 && got != tc.want) {
				t.Fatalf("seed %d, want %d (non-zero)", got, tc.want)
			}
			// One seed per run: another scenario of the same run gets it,
			// and the run's Settings report it.
			if again := RunSeed(b); again != got || o.Seed != got {
				t.Fatalf("second scenario got %d, Settings %d; want %d", again, o.Seed, got)
			}
		})
	}
}

func TestPropertyStepsRefuseUnknownNames(t *testing.T) {
	ctx, _ := scenarioCtx(t, &steps.Settings{})
	for name, err := range map[string]error{
		"property":   checkProperty(ctx, "NoSuchCheck", 10),
		"model":      checkProperty(ctx, "Model", 10),
		"alteration": checkTamper(ctx, "rot13", 10),
		"field":      checkLimits(ctx, "Plaintext", 10),
		"commands":   checkModel(ctx, 10, 0),
	} {
		if err == nil {
			t.Errorf("%s: an unknown or bad value was accepted", name)
		}
	}
	if err := thenPropertyHolds(ctx); err == nil {
		t.Error("Then without a checked property did not fail")
	}
}
