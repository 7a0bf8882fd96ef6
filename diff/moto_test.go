package diff

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/internal/motoserver"
)

func TestReferenceAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto_server")
	}
	url := motoserver.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rep, err := Run(ctx, Config{A: ReferenceName, B: url, Seed: 3, Requests: 60, ShrinkBudget: 20})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rep.WriteText(&buf)
	t.Log("\n" + buf.String())
	if rep.Agreed+len(rep.Divergences) != 60 {
		t.Fatalf("run incomplete: %d agreed + %d diverged", rep.Agreed, len(rep.Divergences))
	}
	if rep.OK() {
		t.Fatal("moto is known to differ from the reference (e.g. DryRun, KeyId as ARN); no divergence found")
	}
	if !rep.MACBytesCompared && len(rep.Notes) == 0 {
		t.Error("fell back to generated keys without saying why")
	}
}
