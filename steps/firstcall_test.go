package steps

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// The first caller's refusal is every later caller's, even of those that
// came while it was still trying; without a refusal they all go ahead.
func TestFirstCallsShareARefusal(t *testing.T) {
	var f firstCalls
	ctx := context.Background()
	refused, finish := f.wait(ctx, "k")
	if refused != nil {
		t.Fatal("the first caller was refused")
	}
	var wg sync.WaitGroup
	got := make([]error, 4)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i], _ = f.wait(ctx, "k") }()
	}
	time.Sleep(10 * time.Millisecond) // they are waiting
	no := errors.New("not implemented")
	finish(no)
	finish(nil) // later calls change nothing
	wg.Wait()
	for i, err := range got {
		if err != no {
			t.Errorf("caller %d got %v, want the first caller's refusal", i, err)
		}
	}
	_, finish = f.wait(ctx, "other")
	finish(nil)
	if err, _ := f.wait(ctx, "other"); err != nil {
		t.Errorf("no refusal to share, yet %v", err)
	}
	_, _ = f.wait(ctx, "stuck") // a first caller that never finishes
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err, _ := f.wait(cctx, "stuck"); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled wait returned %v", err)
	}
}
