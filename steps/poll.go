package steps

import (
	"context"
	"fmt"
	"time"
)

// WaitForState polls DescribeKey (backoff from 50 ms, bounded by the
// target's PollTimeout) until the key shows state. keyRef is a scenario
// key name, key id or ARN. It does not change the scenario's last outcome.
func (w *World) WaitForState(ctx context.Context, keyRef, state string) error {
	id := keyRef
	if k, ok := w.keys[keyRef]; ok {
		id = k.ARN
	}
	deadline := time.Now().Add(w.Target.PollTimeout)
	delay := 50 * time.Millisecond
	var seen string
	for {
		o := w.Target.Raw.Send(ctx, "DescribeKey", mustJSON(map[string]any{"KeyId": id}))
		if o.OK() {
			v, _ := o.Member("KeyMetadata.KeyState")
			seen = fmt.Sprint(v)
			if seen == state {
				return nil
			}
		} else {
			seen = o.Summary()
		}
		if time.Now().Add(delay).After(deadline) {
			return fmt.Errorf("key %s did not reach state %s within %s (DescribeKey shows %s)", keyRef, state, w.Target.PollTimeout, seen)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, 2*time.Second)
	}
}
