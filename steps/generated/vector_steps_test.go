package generated

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
	"github.com/kmsmac/kmsmac/vectors"
)

// scenarioCtx is a context holding a World for calling steps directly, as
// the run engine makes one (a scenario without rule tags: hard checks).
func scenarioCtx(t *testing.T, o *steps.Settings) (context.Context, *steps.World) {
	t.Helper()
	w := steps.NewWorld(&target.Target{Name: "none"}, o)
	w.Begin(&godog.Scenario{})
	return steps.WithWorld(context.Background(), w), w
}

// The vector scenarios use the embedded Wycheproof set unless --vectors or
// $KMSMAC_VECTORS names a directory; a directory without the files is an
// error that says what it lacks and how to get the embedded set, not a skip.
func TestWycheproofSource(t *testing.T) {
	good := filepath.Join("..", "..", "vectors", "wycheproof") // the embedded files, as a directory
	empty := t.TempDir()
	names := "hmac_sha224_test.json, hmac_sha256_test.json, hmac_sha384_test.json, hmac_sha512_test.json"
	tests := []struct {
		name, explicit, env string
		wantDir             string   // the set the scenario used, when no error
		wantErr             []string // parts of the error
	}{
		{name: "default: the embedded set", wantDir: vectors.EmbeddedName},
		{name: "explicit directory with the files", explicit: good, wantDir: good},
		{name: "environment variable with the files", env: good, wantDir: good},
		{name: "explicit beats the environment", explicit: good, env: empty, wantDir: good},
		{name: "explicit directory without them is an error, not a skip", explicit: empty,
			wantErr: []string{"--vectors " + empty, names, "without --vectors, " + vectors.EmbeddedName + " is used"}},
		{name: "environment variable without them is an error", env: empty,
			wantErr: []string{"$" + vectors.EnvDir + "=" + empty, names, "unset"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(vectors.EnvDir, tc.env)
			ctx, w := scenarioCtx(t, &steps.Settings{VectorsDir: tc.explicit})
			err := givenWycheproof(ctx, "HMAC_SHA_256")
			if tc.wantErr != nil {
				if err == nil {
					t.Fatal("no error")
				}
				for _, part := range tc.wantErr {
					if !strings.Contains(err.Error(), part) {
						t.Errorf("error %q lacks %q", err, part)
					}
				}
				return
			}
			vr, _ := w.Vals[vectorRunKey].(*vectorRun)
			if err != nil || vr == nil || vr.dir != tc.wantDir || len(vr.vs) < 100 || vr.skip != "" {
				t.Fatalf("err %v, run %+v; want %d+ vectors from %q", err, vr, 100, tc.wantDir)
			}
		})
	}
}

func TestVectorSteps(t *testing.T) {
	ctx, _ := scenarioCtx(t, &steps.Settings{})
	if err := givenWycheproof(ctx, "HMAC_SHA_999"); err == nil {
		t.Error("an unknown algorithm was accepted")
	}
	ctx, _ = scenarioCtx(t, &steps.Settings{})
	if err := runVectorsStep(ctx); err == nil {
		t.Error("running vectors before loading them did not fail")
	}
	if err := thenVectorsPass(ctx); err == nil {
		t.Error("checking vectors before loading them did not fail")
	}
}
