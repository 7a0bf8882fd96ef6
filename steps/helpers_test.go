package steps

import (
	"context"
	"testing"

	"github.com/kmsmac/kmsmac/target"
)

// scenarioCtx is a context holding a World for calling steps directly.
func scenarioCtx(t *testing.T, o *Settings) (context.Context, *World) {
	t.Helper()
	w := NewWorld(&target.Target{Name: "none"}, o)
	w.ev = scenarioEvidence(nil, false) // no rule tags: assertions are hard
	return context.WithValue(context.Background(), worldKey{}, w), w
}
