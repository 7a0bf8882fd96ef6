package properties

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"
	"github.com/leanovate/gopter/gen"

	"github.com/kmsmac/kmsmac/reference/mac"
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
	failed bool // after the first divergence the rest of the sequence is skipped
}

type grantRef struct{ ID, Token string }

func newHarness(ctx context.Context, client *kms.Client, cfg Config) *harness {
	id := make([]byte, 6)
	_, _ = rand.Read(id)
	return &harness{ctx: ctx, client: client, cfg: cfg, run: hex.EncodeToString(id), macs: map[[2]int][]byte{}, model: newModel()}
}

func newModel() model { return model{Aliases: map[int]int{}} }

// destroy deletes the sequence's aliases and schedules its keys for deletion.
func (h *harness) destroy() {
	ctx := context.WithoutCancel(h.ctx)
	for a := range h.model.Aliases {
		_, _ = h.client.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(aliasName(h.run, a))})
	}
	for i, id := range h.keys {
		if id != "" && (i >= len(h.model.Keys) || h.model.Keys[i].State != stPendingDeletion) {
			_, _ = h.client.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id), PendingWindowInDays: aws.Int32(deletionWindow)})
		}
	}
}

func (h *harness) keyID(k int) string {
	if k < 0 || k >= len(h.keys) {
		return ""
	}
	return h.keys[k]
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

func (s step) Run(sut commands.SystemUnderTest) commands.Result {
	h := sut.(*harness)
	if h.failed {
		return []string(nil)
	}
	next, want, ok := s.p.plan(h.model)
	if !ok {
		h.failed = true
		return []string{fmt.Sprintf("%s does not apply to the model (harness bug)", s.p)}
	}
	o, wantCode, reasons := s.p.exec(h, h.model, want)
	line := fmt.Sprintf("%d. %s -> %s", len(h.trace)+1, s.p, o)
	h.trace = append(h.trace, line)
	if o.Code != wantCode || (wantCode == "" && !o.OK()) || (wantCode != "" && o.Status != 400) {
		want := "200 OK"
		if wantCode != "" {
			want = "400 " + wantCode
		}
		reasons = append([]string{fmt.Sprintf("step %d %s: got %s, want %s", len(h.trace), s.p, o, want)}, reasons...)
	} else if want.Key >= 0 && want.State != "" && h.keyID(want.Key) != "" {
		reasons = append(reasons, h.checkState(want.Key, want.State)...)
	}
	h.model = next
	if len(reasons) == 0 {
		return []string(nil)
	}
	h.failed = true
	return append(append([]string{"sequence run:"}, h.trace...), reasons...)
}

func (s step) PostCondition(_ commands.State, res commands.Result) *gopter.PropResult {
	if reasons, _ := res.([]string); len(reasons) > 0 {
		return &gopter.PropResult{Status: gopter.PropFalse, Labels: reasons}
	}
	return &gopter.PropResult{Status: gopter.PropTrue}
}

// checkState compares DescribeKey with the model (STATE-9: Enabled is true
// exactly in the Enabled state).
func (h *harness) checkState(k int, state string) []string {
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
		return []string{fmt.Sprintf("DescribeKey(key %d) after step %d: %s", k, len(h.trace), o)}
	case got != state:
		return []string{fmt.Sprintf("after step %d key %d is %s, want %s", len(h.trace), k, got, state)}
	case enabled != (state == stEnabled):
		return []string{fmt.Sprintf("after step %d key %d (%s) shows Enabled=%v (STATE-9)", len(h.trace), k, got, enabled)}
	}
	return nil
}

// modelMessage is the message numbered n: a few fixed messages, so MACs
// seen earlier in a sequence are checked again later (GM-OK-3, STATE-10).
func modelMessage(n int) []byte { return []byte(fmt.Sprintf("kmsmac model message %d", n)) }

func (c createKey) exec(h *harness, _ model, _ expect) (Outcome, string, []string) {
	origin := types.OriginTypeAwsKms
	if c.External {
		origin = types.OriginTypeExternal
	}
	id, err := h.cfg.createHMACKey(h.ctx, h.client, c.Spec, origin)
	h.keys = append(h.keys, id)
	h.grants = append(h.grants, nil)
	if err != nil {
		return fromSDK(err), "", nil // fromSDK sees through the %w wrapping
	}
	return Outcome{Status: 200}, "", nil
}

func (c disableKey) exec(h *harness, _ model, w expect) (Outcome, string, []string) {
	_, err := h.client.DisableKey(h.ctx, &kms.DisableKeyInput{KeyId: aws.String(h.keyID(c.K))})
	return fromSDK(err), w.Code, nil
}

func (c enableKey) exec(h *harness, _ model, w expect) (Outcome, string, []string) {
	_, err := h.client.EnableKey(h.ctx, &kms.EnableKeyInput{KeyId: aws.String(h.keyID(c.K))})
	return fromSDK(err), w.Code, nil
}

func (c scheduleDeletion) exec(h *harness, _ model, w expect) (Outcome, string, []string) {
	_, err := h.client.ScheduleKeyDeletion(h.ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(h.keyID(c.K)), PendingWindowInDays: aws.Int32(deletionWindow)})
	return fromSDK(err), w.Code, nil
}

func (c cancelDeletion) exec(h *harness, _ model, w expect) (Outcome, string, []string) {
	_, err := h.client.CancelKeyDeletion(h.ctx, &kms.CancelKeyDeletionInput{KeyId: aws.String(h.keyID(c.K))})
	return fromSDK(err), w.Code, nil
}

func (c createAlias) exec(h *harness, _ model, w expect) (Outcome, string, []string) {
	_, err := h.client.CreateAlias(h.ctx, &kms.CreateAliasInput{AliasName: aws.String(aliasName(h.run, c.A)), TargetKeyId: aws.String(h.keyID(c.K))})
	return fromSDK(err), w.Code, nil
}

func (c updateAlias) exec(h *harness, _ model, w expect) (Outcome, string, []string) {
	_, err := h.client.UpdateAlias(h.ctx, &kms.UpdateAliasInput{AliasName: aws.String(aliasName(h.run, c.A)), TargetKeyId: aws.String(h.keyID(c.K))})
	return fromSDK(err), w.Code, nil
}

func (c deleteAlias) exec(h *harness, _ model, w expect) (Outcome, string, []string) {
	_, err := h.client.DeleteAlias(h.ctx, &kms.DeleteAliasInput{AliasName: aws.String(aliasName(h.run, c.A))})
	return fromSDK(err), w.Code, nil
}

func (c importCmd) exec(h *harness, m model, w expect) (Outcome, string, []string) {
	return importMaterial(h.ctx, h.client, h.keyID(c.K), m.Keys[c.K].Material), w.Code, nil
}

func (c deleteMaterial) exec(h *harness, _ model, w expect) (Outcome, string, []string) {
	_, err := h.client.DeleteImportedKeyMaterial(h.ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(h.keyID(c.K))})
	return fromSDK(err), w.Code, nil
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

func (c createGrant) exec(h *harness, _ model, w expect) (Outcome, string, []string) {
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
		return o, w.Code, h.checkGrants(c.K)
	}
	return o, w.Code, nil
}

func (c retireGrant) exec(h *harness, _ model, w expect) (Outcome, string, []string) {
	gs := h.grants[c.K]
	if len(gs) == 0 {
		return Outcome{Err: fmt.Errorf("no grant of key %d was created on the endpoint", c.K)}, w.Code, nil
	}
	i := c.G % len(gs)
	_, err := h.client.RetireGrant(h.ctx, &kms.RetireGrantInput{GrantToken: aws.String(gs[i].Token)})
	o := fromSDK(err)
	if o.OK() {
		h.grants[c.K] = append(gs[:i:i], gs[i+1:]...)
		return o, w.Code, h.checkGrants(c.K)
	}
	return o, w.Code, nil
}

// checkGrants compares ListGrants with the grants the harness holds.
func (h *harness) checkGrants(k int) []string {
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
	if !o.OK() {
		return []string{fmt.Sprintf("ListGrants(key %d) after step %d: %s", k, len(h.trace), o)}
	}
	if len(got) != len(want) {
		return []string{fmt.Sprintf("after step %d ListGrants(key %d) lists %d grants %v, want %d", len(h.trace), k, len(got), got, len(want))}
	}
	for _, id := range got {
		if !want[id] {
			return []string{fmt.Sprintf("after step %d ListGrants(key %d) lists unknown grant %s", len(h.trace), k, id)}
		}
	}
	return nil
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
	spec, _ := mac.ByKeySpec(key.Spec)
	if key.External {
		return mac.Sum(spec, key.Material, modelMessage(n))
	}
	return h.macs[[2]int{k, n}]
}

func (c generateMac) exec(h *harness, m model, w expect) (Outcome, string, []string) {
	var tokens []string
	if k := w.Key; c.Token && k >= 0 && len(h.grants[k]) > 0 {
		tokens = []string{h.grants[k][len(h.grants[k])-1].Token}
	}
	alg := algorithmOf(m, w.Key)
	var tag []byte
	var o Outcome
	var bad []string
	h.poll(func() bool {
		tag, o, bad = generate(h.ctx, h.client, h.targetID(c.T), alg, modelMessage(c.Msg), tokens)
		return o.Code == w.Code && (w.Code != "" || o.OK())
	})
	if !o.OK() || w.Key < 0 {
		return o, w.Code, bad
	}
	if want := h.expectedMac(m, w.Key, c.Msg); want == nil {
		h.macs[[2]int{w.Key, c.Msg}] = tag
	} else if !bytes.Equal(tag, want) {
		bad = append(bad, fmt.Sprintf("step %d %s: MAC %x, want %x (GM-OK-3/4, STATE-10, IMP-11)", len(h.trace)+1, c, tag, want))
	}
	return o, w.Code, bad
}

func (c verifyMac) exec(h *harness, m model, w expect) (Outcome, string, []string) {
	alg := algorithmOf(m, w.Key)
	wantCode := w.Code
	var tag []byte
	switch {
	case w.Key >= 0 && c.From >= 0 && c.From != w.Key && c.From < len(m.Keys):
		tag = h.expectedMac(m, c.From, c.Msg)
		if tag != nil && wantCode == "" {
			wantCode = "KMSInvalidMacException" // another key's MAC
		}
	case w.Key >= 0:
		tag = h.expectedMac(m, w.Key, c.Msg)
	}
	if tag == nil {
		// No MAC known for this key and message: send a wrong one.
		tag = make([]byte, digestSize(alg))
		if wantCode == "" {
			wantCode = "KMSInvalidMacException"
		}
	}
	var o Outcome
	var bad []string
	h.poll(func() bool {
		o, bad = verify(h.ctx, h.client, h.targetID(c.T), alg, modelMessage(c.Msg), tag, nil)
		return o.Code == wantCode && (wantCode != "" || o.OK())
	})
	return o, wantCode, bad
}

// algorithmOf is the algorithm of the key a MAC command resolves to; for a
// missing alias, any algorithm (the call must fail on the alias).
func algorithmOf(m model, k int) string {
	if k < 0 {
		return "HMAC_SHA_256"
	}
	spec, _ := mac.ByKeySpec(m.Keys[k].Spec)
	return spec.Algorithm
}

// modelCommands generates command sequences for the current model state.
type modelCommands struct {
	ctx    context.Context
	client *kms.Client
	cfg    Config
}

func (mc modelCommands) NewSystemUnderTest(_ commands.State) commands.SystemUnderTest {
	return newHarness(mc.ctx, mc.client, mc.cfg)
}

func (mc modelCommands) DestroySystemUnderTest(sut commands.SystemUnderTest) {
	sut.(*harness).destroy()
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
// (DescribeKey) and grant list (ListGrants) with a model. The first
// divergence fails the check with the shrunk sequence. Each sequence creates
// at most 3 keys and schedules them for deletion at its end.
func Model(ctx context.Context, client *kms.Client, raw Raw, cfg Config) Result {
	maxCmds := cfg.MaxCommands
	if maxCmds <= 0 {
		maxCmds = 12
	}
	// The counterexample of a command test is the whole sequence in one
	// line; its run, step by step, is in Reasons.
	return checkSized("Model", cfg, 20, maxCmds+1, commands.Prop(modelCommands{ctx: ctx, client: client, cfg: cfg}))
}
