package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/kmsmac/kmsmac/internal/textutil"
)

// WaitForState polls DescribeKey (every 50 ms for the first second, then
// backing off to 2 s, bounded by the target's PollTimeout) until the key
// shows state. keyRef is a scenario key name, key id or ARN. It does not
// change the scenario's last outcome.
//
// Only real KMS shows a change late (EC-2). Elsewhere a settled state
// (settledStates) that stays for settleWait is the answer: against
// local-kms, whose CancelKeyDeletion leaves the key Enabled, waiting out
// the 30 s PollTimeout was most of the run. A transitional state (a
// replica Creating) is waited for as long as PollTimeout allows.
func (w *World) WaitForState(ctx context.Context, keyRef, state string) error {
	id := keyRef
	if k, ok := w.keys[keyRef]; ok {
		id = k.ID
	}
	start := time.Now()
	deadline := start.Add(w.Target.PollTimeout)
	delay := 50 * time.Millisecond
	var seen string
	since := start // when seen was first seen
	for {
		o := w.Target.Raw.Send(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": id}))
		was := seen
		if o.OK() {
			v, _ := o.Member("KeyMetadata.KeyState")
			seen = fmt.Sprint(v)
			if seen == state {
				return nil
			}
		} else {
			seen = o.Summary()
		}
		if seen != was {
			since = time.Now()
		}
		if !w.Opts.AWS && settledStates[seen] && time.Since(since) >= settleWait {
			return fmt.Errorf("key %s did not reach state %s: DescribeKey shows %s, unchanged for %s (only real KMS shows a change late)", keyRef, state, seen, settleWait)
		}
		if time.Now().Add(delay).After(deadline) {
			return fmt.Errorf("key %s did not reach state %s within %s (DescribeKey shows %s)", keyRef, state, w.Target.PollTimeout, seen)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		if time.Since(start) >= time.Second {
			delay = min(delay*2, 2*time.Second)
		}
	}
}

// settledStates are the key states that change only when a call changes
// them; settleWait is how long one is watched off AWS before it counts.
var settledStates = map[string]bool{"Enabled": true, "Disabled": true, "PendingDeletion": true, "PendingImport": true}

const settleWait = 2 * time.Second

// WaitForAlias polls ListAliases until the scenario alias points at the
// scenario key (UpdateAlias is eventually consistent too).
func (w *World) WaitForAlias(ctx context.Context, alias, key string) error {
	k, err := w.Key(key)
	if err != nil {
		return err
	}
	name := w.Alias(alias)
	deadline := time.Now().Add(w.Target.PollTimeout)
	delay := 50 * time.Millisecond
	for {
		o := w.Target.Raw.Send(ctx, "ListAliases", textutil.MustJSON(map[string]any{"KeyId": k.ID}))
		if v, ok := o.Member("Aliases"); ok {
			list, _ := v.([]any)
			for _, e := range list {
				if m, _ := e.(map[string]any); m != nil && m["AliasName"] == name {
					w.SetAliasTarget(alias, k)
					return nil
				}
			}
		}
		if time.Now().Add(delay).After(deadline) {
			return fmt.Errorf("alias %s did not point at key %s within %s (ListAliases: %s)", name, key, w.Target.PollTimeout, o.Summary())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, 2*time.Second)
	}
}
