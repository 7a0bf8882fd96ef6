package properties

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"
	"github.com/leanovate/gopter/gen"

	"github.com/kmsmac/kmsmac/kmsspec"
)

// harness is the system under test of one command sequence: the endpoint,
// the ids it returned, the MACs it produced, and a shadow of the model to
// know what each call should answer.
type harness struct {
	ctx    context.Context
	client *kms.Client
	cfg    Config
	run    string // makes alias names unique per sequence

	keys   []string          // model key index -> ARN ("" if CreateKey failed)
	grants [][]grantRef      // per key, live grants in creation order
	macs   map[[2]int][]byte // (key, message) -> MAC the endpoint gave (AWS_KMS keys)
	model  model
	trace  []string
	hunt   *hunt
	left   *leftovers  // what destroy could not undo
	keysOf *keyFactory // where CreateKey commands get their keys
	// stopped: after a divergence the model no longer knows the endpoint's
	// state, so the rest of the sequence is skipped.
	stopped bool
	// prefix is the commands so far, one %#v each (the hunt's memo key).
	// A lazy harness (a shrink candidate) runs nothing while the hunt
	// remembers the answer to its prefix; pending is what it skipped.
	prefix  []string
	lazy    bool
	pending []planner
}

type grantRef struct{ ID, Token string }

func newHarness(ctx context.Context, client *kms.Client, cfg Config, h *hunt, left *leftovers) *harness {
	id := make([]byte, 6)
	_, _ = rand.Read(id) // crypto/rand.Read does not fail (Go 1.24+)
	return &harness{ctx: ctx, client: client, cfg: cfg, run: hex.EncodeToString(id), macs: map[[2]int][]byte{}, model: newModel(), hunt: h, left: left}
}

func newModel() model { return model{Aliases: map[int]int{}} }

// destroy deletes the sequence's aliases and schedules its keys for
// deletion; what fails is noted in h.left, for Result.Cleanup.
func (h *harness) destroy() {
	ctx := context.WithoutCancel(h.ctx)
	for a := range h.model.Aliases {
		h.left.deleteAlias(ctx, h.client, aliasName(h.run, a))
	}
	for i, id := range h.keys {
		if id != "" && (i >= len(h.model.Keys) || h.model.Keys[i].State != stPendingDeletion) {
			h.left.scheduleDeletion(ctx, h.client, h.bareID(i))
		}
	}
}

func (h *harness) keyID(k int) string {
	if k < 0 || k >= len(h.keys) {
		return ""
	}
	return h.keys[k]
}

// bareID is key k's key id. The lifecycle calls use it: KMS takes an id or
// an ARN there, some emulators only the id (moto 5.2 answers 500 to an
// ARN), and no rule the model judges is about that choice.
func (h *harness) bareID(k int) string { return keyIDOf(h.keyID(k)) }

// keyIDOf is the key id of a key ARN (an id is returned as it is).
func keyIDOf(arn string) string {
	if i := strings.LastIndex(arn, ":key/"); i >= 0 {
		return arn[i+len(":key/"):]
	}
	return arn
}

// poll repeats an idempotent call until ok says so or cfg.Wait has passed
// (eventual consistency, EC-1/EC-2).
func (h *harness) poll(call func() bool) {
	deadline := time.Now().Add(h.cfg.Wait)
	for !call() && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
}

// step wraps a planner as a gopter command.
type step struct{ p planner }

func (s step) String() string { return s.p.String() }

func (s step) PreCondition(st commands.State) bool {
	_, _, ok := s.p.plan(st.(model))
	return ok
}

func (s step) NextState(st commands.State) commands.State {
	next, _, _ := s.p.plan(st.(model))
	return next
}

// Run performs the command and judges every finding with the hunt: the
// sequence fails only for the rule the run is after. A divergence on a
// rule already reported (or not hunted) ends the sequence quietly when it
// leaves the endpoint's state unknown (halt), and is passed over when it
// does not (a bare key id in an answer), so the model keeps exploring.
func (s step) Run(sut commands.SystemUnderTest) commands.Result {
	h := sut.(*harness)
	if h.stopped {
		return []string(nil)
	}
	h.prefix = append(h.prefix, fmt.Sprintf("%#v", s.p))
	key := strings.Join(h.prefix, "\n")
	if h.lazy {
		// A shrink candidate: while its commands so far are a sequence
		// the run already executed, that answer stands (the endpoint is
		// assumed deterministic, as shrinking itself assumes).
		if m, ok := h.hunt.recall(key); ok {
			h.pending = append(h.pending, s.p)
			h.stopped = m.stopped
			return m.result
		}
		h.lazy = false
		if !h.hunt.replay() {
			h.stopped = true // over the replay bound: not run, passes
			return []string(nil)
		}
		for _, p := range h.pending { // build the endpoint's state for real
			if res := h.do(p); len(res) > 0 || h.stopped {
				return res
			}
		}
		h.pending = nil
	}
	res := h.do(s.p)
	h.hunt.remember(key, res, h.stopped)
	return res
}

// do performs one command for real and judges it (Run).
func (h *harness) do(p planner) []string {
	s := step{p}
	next, want, ok := s.p.plan(h.model)
	if !ok {
		h.stopped = true
		return []string{fmt.Sprintf("%s does not apply to the model (harness bug)", s.p)}
	}
	rule, halt := ruleOf(s.p, h.model, want)
	a := s.p.exec(h, h.model, want)
	if a.rule != "" {
		rule = a.rule
	}
	if _, grant := s.p.(createGrant); grant && lacksOperation(a.o) {
		rule = "GR-1" // no CreateGrant at all: grants are missing, not the key-state table
	}
	h.trace = append(h.trace, fmt.Sprintf("%d. %s -> %s", len(h.trace)+1, s.p, a.o))
	fs := a.fs
	if a.o.Code != a.code || (a.code == "" && !a.o.OK()) || (a.code != "" && a.o.Status != 400) {
		wantText := "200 OK"
		if a.code != "" {
			wantText = "400 " + a.code
		}
		fs = append([]finding{{rule: rule, halt: halt,
			reason: fmt.Sprintf("step %d %s: got %s, want %s (%s)", len(h.trace), s.p, a.o, wantText, rule)}}, fs...)
	} else {
		fs = append([]finding{{rule: rule, ok: true}}, fs...)
		if want.Key >= 0 && want.State != "" && h.keyID(want.Key) != "" {
			fs = append(fs, h.checkState(want.Key, want.State, rule)...)
		}
	}
	h.model = next
	target, why, stop := h.hunt.judge(fs)
	if target == "" {
		h.stopped = stop
		return nil
	}
	h.stopped = true
	return append(append([]string{"sequence run:"}, h.trace...), why...)
}

func (s step) PostCondition(_ commands.State, res commands.Result) *gopter.PropResult {
	if reasons, _ := res.([]string); len(reasons) > 0 {
		return &gopter.PropResult{Status: gopter.PropFalse, Labels: reasons}
	}
	return &gopter.PropResult{Status: gopter.PropTrue}
}

// checkState compares DescribeKey with the model, charging a wrong state
// to rule (the command's), a failed DescribeKey to DK-5 and a wrong
// Enabled flag to STATE-9.
func (h *harness) checkState(k int, state, rule string) []finding {
	var got string
	var enabled bool
	var o Outcome
	h.poll(func() bool {
		out, err := h.client.DescribeKey(h.ctx, &kms.DescribeKeyInput{KeyId: aws.String(h.keys[k])})
		o = fromSDK(err)
		if o.OK() && out.KeyMetadata != nil {
			got, enabled = string(out.KeyMetadata.KeyState), out.KeyMetadata.Enabled
		}
		return o.OK() && got == state && enabled == (state == stEnabled)
	})
	switch {
	case !o.OK():
		return []finding{failingHalt("DK-5", "DescribeKey(key %d) after step %d: %s (DK-5)", k, len(h.trace), o)}
	case got != state:
		return []finding{failingHalt(rule, "after step %d key %d is %s, want %s (%s)", len(h.trace), k, got, state, rule)}
	}
	var v verdict
	v.check("DK-5", true, "")
	v.check(rule, true, "")
	v.check("STATE-9", enabled == (state == stEnabled), "after step %d key %d (%s) shows Enabled=%v (STATE-9)", len(h.trace), k, got, enabled)
	return v.fs
}

// failingHalt is a divergence that leaves the endpoint's state unknown.
func failingHalt(rule, format string, args ...any) finding {
	return finding{rule: rule, halt: true, reason: fmt.Sprintf(format, args...)}
}

// answer is what a command's exec saw: the outcome, the answer expected
// ("" for 200 OK), the rule that answer checks when it is not the
// command's own (ruleOf), and the other checks made.
type answer struct {
	o    Outcome
	code string
	rule string
	fs   []finding
}

// lacksOperation reports an answer that says the endpoint has no such
// operation (501, UnknownOperationException and the like).
func lacksOperation(o Outcome) bool {
	switch o.Code {
	case "UnknownOperationException", "InvalidAction", "NotImplemented", "NotImplementedException":
		return true
	}
	return o.Status == 501
}

// ruleOf is the rule a command's answer checks, and whether a wrong
// answer leaves the endpoint's state unknown to the model.
func ruleOf(p planner, m model, w expect) (string, bool) {
	switch c := p.(type) {
	case createKey:
		if c.External {
			return "CK-11", true
		}
		return "CK-1", true
	case disableKey, enableKey:
		return "STATE-10", true
	case scheduleDeletion:
		return "STATE-12", true
	case cancelDeletion:
		return "STATE-11", true
	case createAlias, deleteAlias:
		return "KID-1", true
	case updateAlias:
		return "KID-13", true
	case importCmd:
		return "IMP-1", true
	case deleteMaterial:
		return "IMP-8", true
	case createGrant:
		if w.Code == "" {
			return "GR-1", true // refused on an Enabled key: grants themselves (an emulator without CreateGrant)
		}
		return "GR-7", true
	case retireGrant:
		return "GR-1", true
	case generateMac:
		return macRule(m, c.T, w), false
	case verifyMac:
		return macRule(m, c.T, w), false
	}
	return "harness", true
}

// macRule is the rule of a MAC call's answer: the key state table
// (STATE-1/2/3/5), or alias resolution (KID-1, KID-11).
func macRule(m model, t target, w expect) string {
	if w.Key < 0 {
		return "KID-11"
	}
	switch m.Keys[w.Key].State {
	case stDisabled:
		return "STATE-2"
	case stPendingDeletion:
		return "STATE-3"
	case stPendingImport:
		return "STATE-5"
	}
	if t.ViaAlias {
		return "KID-1"
	}
	return "STATE-1"
}

// modelMessage is the message numbered n: a few fixed messages, so MACs
// seen earlier in a sequence are checked again later (GM-OK-3, STATE-10).
func modelMessage(n int) []byte { return []byte(fmt.Sprintf("kmsmac model message %d", n)) }

func (c createKey) exec(h *harness, _ model, _ expect) answer {
	origin := types.OriginTypeAwsKms
	if c.External {
		origin = types.OriginTypeExternal
	}
	id, err := h.keysOf.take(c.Spec, origin)
	h.keys = append(h.keys, id)
	h.grants = append(h.grants, nil)
	if err != nil {
		return answer{o: fromSDK(err)} // fromSDK sees through the %w wrapping
	}
	return answer{o: Outcome{Status: 200}}
}

func (c disableKey) exec(h *harness, _ model, w expect) answer {
	_, err := h.client.DisableKey(h.ctx, &kms.DisableKeyInput{KeyId: aws.String(h.bareID(c.K))})
	return answer{o: fromSDK(err), code: w.Code}
}

func (c enableKey) exec(h *harness, _ model, w expect) answer {
	_, err := h.client.EnableKey(h.ctx, &kms.EnableKeyInput{KeyId: aws.String(h.bareID(c.K))})
	return answer{o: fromSDK(err), code: w.Code}
}

func (c scheduleDeletion) exec(h *harness, _ model, w expect) answer {
	_, err := h.client.ScheduleKeyDeletion(h.ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(h.bareID(c.K)), PendingWindowInDays: aws.Int32(deletionWindow)})
	return answer{o: fromSDK(err), code: w.Code}
}

func (c cancelDeletion) exec(h *harness, _ model, w expect) answer {
	_, err := h.client.CancelKeyDeletion(h.ctx, &kms.CancelKeyDeletionInput{KeyId: aws.String(h.bareID(c.K))})
	return answer{o: fromSDK(err), code: w.Code}
}

func (c createAlias) exec(h *harness, _ model, w expect) answer {
	_, err := h.client.CreateAlias(h.ctx, &kms.CreateAliasInput{AliasName: aws.String(aliasName(h.run, c.A)), TargetKeyId: aws.String(h.keyID(c.K))})
	return answer{o: fromSDK(err), code: w.Code}
}

func (c updateAlias) exec(h *harness, _ model, w expect) answer {
	_, err := h.client.UpdateAlias(h.ctx, &kms.UpdateAliasInput{AliasName: aws.String(aliasName(h.run, c.A)), TargetKeyId: aws.String(h.keyID(c.K))})
	return answer{o: fromSDK(err), code: w.Code}
}

func (c deleteAlias) exec(h *harness, _ model, w expect) answer {
	_, err := h.client.DeleteAlias(h.ctx, &kms.DeleteAliasInput{AliasName: aws.String(aliasName(h.run, c.A))})
	return answer{o: fromSDK(err), code: w.Code}
}

func (c importCmd) exec(h *harness, m model, w expect) answer {
	return answer{o: importMaterial(h.ctx, h.client, h.keyID(c.K), m.Keys[c.K].Material), code: w.Code}
}

func (c deleteMaterial) exec(h *harness, _ model, w expect) answer {
	_, err := h.client.DeleteImportedKeyMaterial(h.ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(h.keyID(c.K))})
	return answer{o: fromSDK(err), code: w.Code}
}

// grantee is the account root of the key's account: a principal that exists
// in any account, so CreateGrant also works against real KMS.
func grantee(keyARN string) string {
	parts := strings.Split(keyARN, ":")
	if len(parts) < 5 {
		return "arn:aws:iam::111122223333:root"
	}
	return fmt.Sprintf("arn:%s:iam::%s:root", parts[1], parts[4])
}

func (c createGrant) exec(h *harness, _ model, w expect) answer {
	id := h.keyID(c.K)
	out, err := h.client.CreateGrant(h.ctx, &kms.CreateGrantInput{
		KeyId:             aws.String(id),
		GranteePrincipal:  aws.String(grantee(id)),
		RetiringPrincipal: aws.String(grantee(id)),
		Operations:        []types.GrantOperation{types.GrantOperationGenerateMac, types.GrantOperationVerifyMac},
	})
	o := fromSDK(err)
	if o.OK() {
		h.grants[c.K] = append(h.grants[c.K], grantRef{ID: aws.ToString(out.GrantId), Token: aws.ToString(out.GrantToken)})
		return answer{o: o, code: w.Code, fs: h.checkGrants(c.K)}
	}
	return answer{o: o, code: w.Code}
}

func (c retireGrant) exec(h *harness, _ model, w expect) answer {
	gs := h.grants[c.K]
	if len(gs) == 0 {
		return answer{o: Outcome{Err: fmt.Errorf("no grant of key %d was created on the endpoint", c.K)}, code: w.Code}
	}
	i := c.G % len(gs)
	_, err := h.client.RetireGrant(h.ctx, &kms.RetireGrantInput{GrantToken: aws.String(gs[i].Token)})
	o := fromSDK(err)
	if o.OK() {
		h.grants[c.K] = append(gs[:i:i], gs[i+1:]...)
		return answer{o: o, code: w.Code, fs: h.checkGrants(c.K)}
	}
	return answer{o: o, code: w.Code}
}

// checkGrants compares ListGrants with the grants the harness holds (GR-1).
func (h *harness) checkGrants(k int) []finding {
	want := map[string]bool{}
	for _, g := range h.grants[k] {
		want[g.ID] = true
	}
	var got []string
	var o Outcome
	h.poll(func() bool {
		out, err := h.client.ListGrants(h.ctx, &kms.ListGrantsInput{KeyId: aws.String(h.keys[k])})
		o, got = fromSDK(err), nil
		if !o.OK() {
			return false
		}
		for _, g := range out.Grants {
			got = append(got, aws.ToString(g.GrantId))
		}
		if len(got) != len(want) {
			return false
		}
		for _, id := range got {
			if !want[id] {
				return false
			}
		}
		return true
	})
	// The step is not in the trace yet: it is number len(h.trace)+1.
	if !o.OK() {
		return []finding{failingHalt("GR-1", "ListGrants(key %d) after step %d: %s (GR-1)", k, len(h.trace)+1, o)}
	}
	if len(got) != len(want) {
		return []finding{failingHalt("GR-1", "after step %d ListGrants(key %d) lists %d grants %v, want %d (GR-1)", len(h.trace)+1, k, len(got), got, len(want))}
	}
	for _, id := range got {
		if !want[id] {
			return []finding{failingHalt("GR-1", "after step %d ListGrants(key %d) lists unknown grant %s (GR-1)", len(h.trace)+1, k, id)}
		}
	}
	return []finding{{rule: "GR-1", ok: true}}
}

func (h *harness) targetID(t target) string {
	if t.ViaAlias {
		return aliasName(h.run, t.Alias)
	}
	return h.keyID(t.Key)
}

// expectedMac is the MAC a key must give for message n: computed for
// imported material, else the first one the endpoint gave (nil if none yet).
func (h *harness) expectedMac(m model, k, n int) []byte {
	key := m.Keys[k]
	spec, _ := kmsspec.ByKeySpec(key.Spec)
	if key.External {
		return kmsspec.HMAC(spec.Algorithm, key.Material, modelMessage(n))
	}
	return h.macs[[2]int{k, n}]
}

func (c generateMac) exec(h *harness, m model, w expect) answer {
	var tokens []string
	if k := w.Key; c.Token && k >= 0 && len(h.grants[k]) > 0 {
		tokens = []string{h.grants[k][len(h.grants[k])-1].Token}
	}
	alg := algorithmOf(m, w.Key)
	var tag []byte
	var o Outcome
	var fs []finding
	h.poll(func() bool {
		tag, o, fs = generate(h.ctx, h.client, h.targetID(c.T), alg, modelMessage(c.Msg), tokens)
		return o.Code == w.Code && (w.Code != "" || o.OK())
	})
	if !o.OK() || w.Key < 0 {
		return answer{o: o, code: w.Code, fs: fs}
	}
	// Imported material fixes the MAC (GM-OK-4); a generated key must give
	// the bytes it gave before (GM-OK-3, also across disable/enable).
	rule := "GM-OK-3"
	if m.Keys[w.Key].External {
		rule = "GM-OK-4"
	}
	if want := h.expectedMac(m, w.Key, c.Msg); want == nil {
		h.macs[[2]int{w.Key, c.Msg}] = tag
	} else {
		v := verdict{fs: fs}
		v.check(rule, bytes.Equal(tag, want), "step %d %s: MAC %x, want %x (%s)", len(h.trace)+1, c, tag, want, rule)
		fs = v.fs
	}
	return answer{o: o, code: w.Code, fs: fs}
}

func (c verifyMac) exec(h *harness, m model, w expect) answer {
	alg := algorithmOf(m, w.Key)
	a := answer{code: w.Code}
	var tag []byte
	switch {
	case w.Key >= 0 && c.From >= 0 && c.From != w.Key && c.From < len(m.Keys):
		tag = h.expectedMac(m, c.From, c.Msg)
		if tag != nil && a.code == "" {
			a.code, a.rule = "KMSInvalidMacException", "VM-FAIL-3" // another key's MAC
		}
	case w.Key >= 0:
		tag = h.expectedMac(m, w.Key, c.Msg)
	}
	if tag == nil {
		// No MAC known for this key and message: send a wrong one.
		tag = make([]byte, digestSize(alg))
		if a.code == "" {
			a.code, a.rule = "KMSInvalidMacException", "VM-FAIL-6"
		}
	}
	h.poll(func() bool {
		a.o, a.fs = verify(h.ctx, h.client, h.targetID(c.T), alg, modelMessage(c.Msg), tag, nil)
		return a.o.Code == a.code && (a.code != "" || a.o.OK())
	})
	return a
}

// algorithmOf is the algorithm of the key a MAC command resolves to; for a
// missing alias, any algorithm (the call must fail on the alias).
func algorithmOf(m model, k int) string {
	if k < 0 {
		return "HMAC_SHA_256"
	}
	spec, _ := kmsspec.ByKeySpec(m.Keys[k].Spec)
	return spec.Algorithm
}

// modelCommands generates command sequences for the current model state.
type modelCommands struct {
	ctx    context.Context
	client *kms.Client
	cfg    Config
	hunt   *hunt
	left   *leftovers
	keys   *keyFactory
	// cleanups are the destroys still running: a sequence's cleanup is
	// off the path of the next one, and Model waits for all of them.
	cleanups *sync.WaitGroup
}

func (mc modelCommands) NewSystemUnderTest(_ commands.State) commands.SystemUnderTest {
	h := newHarness(mc.ctx, mc.client, mc.cfg, mc.hunt, mc.left)
	h.keysOf = mc.keys
	h.lazy = mc.hunt.shrinking()
	return h
}

func (mc modelCommands) DestroySystemUnderTest(sut commands.SystemUnderTest) {
	mc.cleanups.Add(1)
	go func() {
		defer mc.cleanups.Done()
		sut.(*harness).destroy()
	}()
}

func (mc modelCommands) GenInitialState() gopter.Gen {
	return func(*gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(newModel(), gopter.NoShrinker)
	}
}

func (mc modelCommands) InitialPreCondition(commands.State) bool { return true }

func (mc modelCommands) GenCommand(st commands.State) gopter.Gen {
	m := st.(model)
	toStep := func(v any) commands.Command { return step{v.(planner)} }
	specs := gen.OneConstOf("HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512")
	external := gen.Bool()
	if mc.cfg.NoImport {
		external = gen.Const(false)
	}
	// Weights favour commands whose preconditions are rarely met (cancel,
	// import, retire, update), so sequences reach deep states.
	var gens []gen.WeightedGen
	add := func(w int, g gopter.Gen) { gens = append(gens, gen.WeightedGen{Weight: w, Gen: g}) }
	add(3, gopter.CombineGens(specs, external, gen.Int64Range(1, 1<<30)).Map(func(v []any) commands.Command {
		return toStep(createKey{Spec: v[0].(string), External: v[1].(bool), Seed: v[2].(int64)})
	}))
	if n := len(m.Keys); n > 0 {
		key := gen.IntRange(0, n-1)
		alias := gen.IntRange(0, modelAliases-1)
		msg := gen.IntRange(0, modelMessages-1)
		// Mostly through an alias once one exists; rarely a missing one.
		aliasWeight := 1
		if len(m.Aliases) > 0 {
			aliasWeight = 4
		}
		viaAlias := gen.Weighted([]gen.WeightedGen{{Weight: 6, Gen: gen.Const(false)}, {Weight: aliasWeight, Gen: gen.Const(true)}})
		if mc.cfg.NoAliases {
			viaAlias = gen.Const(false)
		}
		tgt := gopter.CombineGens(key, alias, viaAlias).Map(func(v []any) target {
			return target{Key: v[0].(int), Alias: v[1].(int), ViaAlias: v[2].(bool)}
		})
		one := func(f func(k int) planner) gopter.Gen {
			return key.Map(func(k int) commands.Command { return toStep(f(k)) })
		}
		pair := func(f func(a, k int) planner) gopter.Gen {
			return gopter.CombineGens(alias, key).Map(func(v []any) commands.Command { return toStep(f(v[0].(int), v[1].(int))) })
		}
		macGen := gopter.CombineGens(tgt, msg, gen.Bool()).Map(func(v []any) commands.Command {
			return toStep(generateMac{T: v[0].(target), Msg: v[1].(int), Token: v[2].(bool)})
		})
		// A third of VerifyMac calls send the MAC of some key, often
		// another one.
		from := gen.Weighted([]gen.WeightedGen{{Weight: 2, Gen: gen.Const(-1)}, {Weight: 1, Gen: key}})
		verGen := gopter.CombineGens(tgt, msg, from).Map(func(v []any) commands.Command {
			return toStep(verifyMac{T: v[0].(target), Msg: v[1].(int), From: v[2].(int)})
		})
		add(2, one(func(k int) planner { return disableKey{k} }))
		add(2, one(func(k int) planner { return enableKey{k} }))
		add(1, one(func(k int) planner { return scheduleDeletion{k} }))
		add(3, one(func(k int) planner { return cancelDeletion{k} }))
		add(6, macGen)
		add(6, verGen)
		if !mc.cfg.NoImport {
			add(4, one(func(k int) planner { return importCmd{k} }))
			add(3, one(func(k int) planner { return deleteMaterial{k} }))
		}
		if !mc.cfg.NoGrants {
			add(2, one(func(k int) planner { return createGrant{k} }))
			add(4, gopter.CombineGens(key, gen.IntRange(0, modelMaxGrants-1)).Map(func(v []any) commands.Command {
				return toStep(retireGrant{K: v[0].(int), G: v[1].(int)})
			}))
		}
		if !mc.cfg.NoAliases {
			add(3, pair(func(a, k int) planner { return createAlias{a, k} }))
			add(4, pair(func(a, k int) planner { return updateAlias{a, k} }))
			add(2, alias.Map(func(a int) commands.Command { return toStep(deleteAlias{a}) }))
		}
	}
	return gen.Weighted(gens)
}

// Model runs random sequences of key lifecycle commands (create, disable,
// enable, schedule and cancel deletion, alias create/update/delete, import
// and delete key material, grant create/retire) interleaved with GenerateMac
// and VerifyMac against the endpoint, and compares every answer, key state
// (DescribeKey) and grant list (ListGrants) with a model. Each rule found
// broken is reported once with its shrunk sequence, and the search goes on
// for the others (hunted). Each sequence creates at most 3 keys and
// schedules them for deletion at its end. An endpoint that cannot create
// EXTERNAL keys or import into them is modelled without them, and the
// Result is Blocked by CK-11 or IMP-1.
func Model(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result {
	maxCmds := cfg.MaxCommands
	if maxCmds <= 0 {
		maxCmds = 12
	}
	var block *Block
	left := &leftovers{}
	if !cfg.NoImport {
		if block = probeImport(ctx, client, cfg, left); block != nil {
			cfg.NoImport = true
		}
	}
	// The counterexample of a command test is the whole sequence in one
	// line; its run, step by step, is in the violation's Reasons.
	keys, cleanups := newKeyFactory(ctx, client, cfg, left), &sync.WaitGroup{}
	r := hunted("Model", cfg, 20, maxCmds+1, func(h *hunt) gopter.Prop {
		return commands.Prop(modelCommands{ctx: ctx, client: client, cfg: cfg, hunt: h, left: left, keys: keys, cleanups: cleanups})
	})
	cleanups.Wait()
	keys.close()
	r.Blocked = block
	r.Cleanup = left.take()
	return r.settle()
}

// probeImport creates one EXTERNAL key and imports material into it; a
// refusal (an HTTP answer, not a lost connection) says what the endpoint
// lacks. A key it cannot schedule for deletion is noted in left.
func probeImport(ctx context.Context, client *kms.Client, cfg Config, left *leftovers) *Block {
	id, err := cfg.createHMACKey(ctx, client, "HMAC_256", types.OriginTypeExternal)
	if err != nil {
		if o := fromSDK(err); o.Err == nil && o.Status != 0 {
			return &Block{Rule: "CK-11", Reason: err.Error()}
		}
		return nil
	}
	defer left.scheduleDeletion(context.WithoutCancel(ctx), client, keyIDOf(id))
	if o := importMaterial(ctx, client, id, materialFor("HMAC_256", 1)); !o.OK() && o.Err == nil {
		return &Block{Rule: "IMP-1", Reason: "importing key material: " + o.String()}
	}
	return nil
}
