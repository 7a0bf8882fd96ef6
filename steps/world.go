package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/keypool"
	"github.com/kmsmac/kmsmac/target"
)

// World is one scenario's state. Hooks put it in the context; step
// functions get it with WorldFrom(ctx). Nothing in it outlives the scenario.
type World struct {
	Target   *target.Target
	Opts     *Settings // the run's settings, shared by its scenarios
	Scenario string
	URI      string
	Tags     map[string]bool // every tag of the scenario, with its '@'
	Rules    []string        // rule ids among the tags, without '@'
	Vals     map[string]any  // free-form values topic steps share

	ev           evidence
	keys         map[string]*Key
	aliases      map[string]string // scenario name -> "alias/kmsmac-..."
	grants       map[string]*Grant
	macs         map[string][]byte
	last         *target.Outcome
	lastKey      *Key
	expected     []string
	soft         []string
	cleanup      []func(context.Context) error
	cleaned      []string                 // cleanup problems
	ownKeys      []string                 // key ids to schedule for deletion
	ownAlias     []string                 // alias names to delete
	skipped      string                   // why a step skipped the scenario
	share        map[string]keypool.Kind  // keys this scenario may take from the run's pool
	shareByStep  map[string]string        // step id -> the shared key the step declares
	sharing      string                   // the key the current step declares, if shared
	sharingName  string                   // the shared key being fetched (for sharedIDs)
	sharedIDs    map[string]string        // shared key id and ARN -> the scenario's name for it
	givenAliases []string                 // aliases taken from --keys: never created or deleted
	stepRules    []string                 // rules the current step's checks are charged to (nil: all)
	checks       []ruleCheck              // every check, per rule (verdict.go)
	steps        *scenarioSteps           // the scenario's steps and their rule annotations
	stepIdx      int                      // index of the running step
	failedAt     int                      // index of the first failed step, -1 while none
	partial      map[string]*precondition // rules blocked while the scenario went on (BlockRules)
	unreached    map[string]string        // rules whose checks never ran (Unreached)
}

// Key is a key a scenario created or named.
type Key struct {
	Name     string // the scenario's name for it ("K")
	ID       string
	ARN      string
	Spec     string
	Usage    string
	Origin   string
	Material []byte // imported key material, when the scenario imported some
}

// Grant is a grant a scenario created.
type Grant struct {
	Name, ID, Token string
	Key             *Key
}

type worldKey struct{}

// WorldFrom returns the scenario's World. It panics outside a scenario,
// which is a harness bug, not an endpoint problem.
func WorldFrom(ctx context.Context) *World {
	w, ok := ctx.Value(worldKey{}).(*World)
	if !ok {
		panic("steps: no World in context (step used outside a scenario)")
	}
	return w
}

// Key returns the key the scenario calls name.
func (w *World) Key(name string) (*Key, error) {
	k, ok := w.keys[name]
	if !ok {
		return nil, fmt.Errorf("no key %q in this scenario (known: %s)", name, strings.Join(textutil.SortedKeys(w.keys), ", "))
	}
	return k, nil
}

// AddKey names a key for later steps (e.g. one created by a topic step).
func (w *World) AddKey(k *Key) {
	w.keys[k.Name] = k
	if k.ARN != "" {
		w.Target.Learn(k.ARN)
	}
}

// Alias returns the full alias name ("alias/kmsmac-...") the scenario
// calls name, minting a unique one on first use.
func (w *World) Alias(name string) string {
	if a, ok := w.aliases[name]; ok {
		return a
	}
	a := fmt.Sprintf("alias/kmsmac-%s-%d", w.Target.RunID, atomic.AddInt64(&aliasSeq, 1))
	w.aliases[name] = a
	return a
}

var aliasSeq int64

// Grant returns a grant the scenario created.
func (w *World) Grant(name string) (*Grant, error) {
	g, ok := w.grants[name]
	if !ok {
		return nil, fmt.Errorf("no grant %q in this scenario", name)
	}
	return g, nil
}

// AddGrant names a grant for later steps.
func (w *World) AddGrant(g *Grant) { w.grants[g.Name] = g }

// SetMac and Mac keep MAC values between steps.
func (w *World) SetMac(name string, mac []byte) { w.macs[name] = append([]byte(nil), mac...) }

// Mac returns a kept MAC.
func (w *World) Mac(name string) ([]byte, error) {
	m, ok := w.macs[name]
	if !ok {
		return nil, fmt.Errorf("no MAC kept as %q", name)
	}
	return m, nil
}

// TrackKey schedules a key for deletion at the end of the scenario.
func (w *World) TrackKey(idOrARN string) {
	for _, k := range w.ownKeys {
		if k == idOrARN {
			return
		}
	}
	w.ownKeys = append(w.ownKeys, idOrARN)
}

// TrackAlias deletes an alias at the end of the scenario.
func (w *World) TrackAlias(name string) {
	for _, a := range w.ownAlias {
		if a == name {
			return
		}
	}
	w.ownAlias = append(w.ownAlias, name)
}

// OnCleanup runs f at the end of the scenario (after aliases, before keys).
func (w *World) OnCleanup(f func(context.Context) error) { w.cleanup = append(w.cleanup, f) }

// Last is the outcome of the scenario's last call.
func (w *World) Last() *target.Outcome { return w.last }

// LastKey is the key the last request named, if the scenario knows it.
func (w *World) LastKey() *Key { return w.lastKey }

// Call sends op with req (a JSON object) through the SDK, or raw when raw
// is set, and records the outcome as the scenario's last. Successful
// CreateKey/CreateAlias are tracked for cleanup; successful state changes
// wait until DescribeKey shows the new state.
func (w *World) Call(ctx context.Context, op string, req map[string]any, raw bool) (*target.Outcome, error) {
	if op == "CreateKey" && w.sharing != "" && !raw {
		if o, ok, err := w.sharedCreateKey(ctx, req); ok {
			if err != nil {
				return nil, err
			}
			w.last = o
			return o, nil // a shared key: nothing to track or count
		}
	}
	if op == "CreateAlias" && len(w.givenAliases) > 0 && !raw {
		if o, ok := w.givenAliasCall(ctx, req); ok {
			w.last = o
			return o, nil
		}
	}
	if op == "CreateKey" && w.Opts.NoCreate {
		return nil, w.Skip(NoCreateReason) // a key of the scenario's own
	}
	if op == "CreateKey" {
		if _, ok := req["Tags"]; !ok {
			req["Tags"] = []map[string]string{{"TagKey": target.RunTagKey, "TagValue": w.Target.RunID}}
		}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	if err := w.checkShared(op, body); err != nil {
		return nil, err
	}
	if id, ok := req["KeyId"].(string); ok {
		w.lastKey = w.keyFor(id)
	}
	var o *target.Outcome
	if raw {
		o = w.Target.Raw.Send(ctx, op, body)
	} else {
		o = w.Target.CallSDK(ctx, op, body)
	}
	w.last = o
	return o, w.after(ctx, op, req, o)
}

// CallRaw sends a raw body (which may be any bytes) with X-Amz-Target op.
func (w *World) CallRaw(ctx context.Context, op string, body []byte) *target.Outcome {
	if err := w.checkShared(op, body); err != nil {
		o := &target.Outcome{Op: op, Request: body, Err: err}
		w.last = o
		return o
	}
	o := w.Target.Raw.Send(ctx, op, body)
	w.last = o
	return o
}

// KeepLast saves the scenario's last outcome and the key it named; the
// returned function puts them back. A setup call inside a step uses it
// (defer w.KeepLast()()) so that the Then steps still judge the call
// under test.
func (w *World) KeepLast() (restore func()) {
	last, lastKey := w.last, w.lastKey
	return func() { w.last, w.lastKey = last, lastKey }
}

// NoteCleanupProblems adds to the scenario's cleanup problems (keys a
// check could not delete, ...): listed in the summary, never a verdict.
func (w *World) NoteCleanupProblems(problems ...string) {
	w.cleaned = append(w.cleaned, problems...)
}

// Record makes o the scenario's last outcome (for topic steps that call
// the clients themselves).
func (w *World) Record(o *target.Outcome) { w.last = o }

// stateAfter is the state a successful call leads to.
var stateAfter = map[string]string{
	"DisableKey": "Disabled", "EnableKey": "Enabled", "ScheduleKeyDeletion": "PendingDeletion",
	"CancelKeyDeletion": "Disabled", "ImportKeyMaterial": "Enabled", "DeleteImportedKeyMaterial": "PendingImport",
	"KmsmacReference.ExpireKeyMaterial": "PendingImport",
}

func (w *World) after(ctx context.Context, op string, req map[string]any, o *target.Outcome) error {
	if !o.OK() {
		return nil
	}
	switch op {
	case "CreateKey":
		// Harness calls use the key id: some emulators take no ARN there.
		w.Target.KeysCreated.Add(1)
		if id, ok := o.Member("KeyMetadata.KeyId"); ok {
			w.TrackKey(fmt.Sprint(id))
		}
		if arn, ok := o.Member("KeyMetadata.Arn"); ok {
			w.Target.Learn(fmt.Sprint(arn))
		}
		return nil
	case "CreateAlias":
		if a, ok := req["AliasName"].(string); ok {
			w.TrackAlias(a)
		}
		return nil
	}
	id, _ := req["KeyId"].(string)
	state := stateAfter[op]
	if op == "KmsmacReference.SetKeyState" {
		state, _ = req["KeyState"].(string)
	}
	if state == "" || id == "" {
		return nil
	}
	last := w.last
	defer func() { w.last = last }() // polling must not replace the outcome under test
	return w.WaitForState(ctx, id, state)
}

// keyFor finds the scenario key a KeyId value names (id, ARN, alias).
func (w *World) keyFor(v string) *Key {
	for _, k := range w.keys {
		if v == k.ID || v == k.ARN {
			return k
		}
	}
	for name, a := range w.aliases {
		if v == a || strings.HasSuffix(v, ":"+a) {
			if id, ok := w.Vals["alias-target:"+name].(string); ok {
				return w.keyFor(id)
			}
		}
	}
	return nil
}

// SetAliasTarget tells the World which key an alias points at, so
// messages about <key-arn> resolve when a request names the alias.
func (w *World) SetAliasTarget(alias string, k *Key) { w.Vals["alias-target:"+alias] = k.ARN }

// Skip ends the scenario as skipped with the reason. Use it only for a
// capability the harness cannot have or data the user did not supply;
// an endpoint that lacks an operation fails instead (World.Require).
func (w *World) Skip(reason string) error { return fmt.Errorf("%w: %s", godog.ErrSkip, reason) }

// Expect notes an assertion that held, for the conformance report.
func (w *World) Expect(s string) {
	for _, e := range w.expected {
		if strings.Contains(e, s) {
			return // already said, e.g. by "fails with X and message Y"
		}
	}
	w.expected = append(w.expected, s)
}

// Keys lists the scenario's key names, sorted.
func (w *World) Keys() []string {
	names := textutil.SortedKeys(w.keys)
	sort.Strings(names)
	return names
}
