package steps

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/properties"

	"github.com/kmsmac/kmsmac/target"
)

// Key sharing: a key a scenario names in "Given a <spec> key "K"" (also
// "with usage U" and "without key material") may be a run-wide key of that
// kind when no step of the scenario changes it (state, alias, grant, tag,
// import, deletion, or any call that is not read-only). Shared keys are
// created once per run, or taken from --keys, and never changed.

// NoCreateReason is the skip reason of scenarios --no-create cannot run.
const NoCreateReason = "--no-create: this scenario creates or changes keys"

var (
	shareableKey = []*regexp.Regexp{
		regexp.MustCompile(`^an? (\S+) key "([^"]+)"$`),
		regexp.MustCompile(`^an? (\S+) key "([^"]+)" with usage (\S+)$`),
		regexp.MustCompile(`^an? (HMAC_\d+|SYMMETRIC_DEFAULT) key "([^"]+)" without key material$`),
	}
	aliasStep = regexp.MustCompile(`^an alias "([^"]+)" for key "([^"]+)"$`)
	callStep  = regexp.MustCompile(`^I (?:call|send a raw) (\S+)(?: raw)?(?: request)? (?:for key "([^"]+)"|with(?: body)?:|on ciphertext "[^"]+" with:)$`)
	keyRefIn  = regexp.MustCompile(`key(?:-id|-arn)?:([^\s"<>|,}]+)`)
	quotedArg = regexp.MustCompile(`"([^"]+)"`)
	// Steps that only read the keys they name.
	readSteps = []*regexp.Regexp{
		regexp.MustCompile(`^I generate a MAC of `),
		regexp.MustCompile(`^I compute the HMAC_SHA_\d+ of `),
		regexp.MustCompile(`^key "[^"]+" reaches state \w+$`),
		regexp.MustCompile(`^alias "[^"]+" reaches key "[^"]+"$`),
		regexp.MustCompile(`^a ciphertext "[^"]+" of "[^"]*" under key "[^"]+"`),
		regexp.MustCompile(`^I keep the response `),
		regexp.MustCompile(`^the `),
	}
	// Steps that create keys of their own.
	createSteps = regexp.MustCompile(`^(I check the (property|model)|I run the vectors|I name the created key|an? \S+ key "[^"]+" with imported material)`)
)

// readOps change nothing on the keys they name.
var readOps = map[string]bool{
	"GenerateMac": true, "VerifyMac": true, "DescribeKey": true, "ListResourceTags": true, "ListGrants": true,
	"ListAliases": true, "ListKeys": true, "GetKeyPolicy": true, "ListKeyPolicies": true, "GetKeyRotationStatus": true,
	"ListKeyRotations": true, "GetPublicKey": true, "Encrypt": true, "Decrypt": true, "ReEncrypt": true, "Sign": true,
	"Verify": true, "GenerateDataKey": true, "GenerateDataKeyWithoutPlaintext": true, "GenerateDataKeyPair": true,
	"GenerateDataKeyPairWithoutPlaintext": true, "GenerateRandom": true, "DeriveSharedSecret": true,
	"NoSuchOperation": true, // answers UnknownOperationException
}

// sharePlan is what a scenario's steps allow.
type sharePlan struct {
	slot    map[string]poolKey // shared key name -> pool slot
	creates bool               // the scenario must create or change something
	aliases map[string]string  // alias name -> the key it is made for, when only that creates something
}

// poolKey is one run-wide key: its kind and the ordinal among the
// scenario's keys of that kind (two keys of a scenario stay distinct).
type poolKey struct {
	Spec, Usage, Origin string
	Slot                int
}

// planSharing reads a scenario's steps (text and argument) and decides
// which keys may be shared.
func planSharing(steps []*godog.Step) sharePlan {
	type decl struct {
		name string
		pk   poolKey
	}
	var decls []decl
	changed := map[string]bool{}
	aliases := map[string]string{}
	allChanged, creates := false, false
	for _, st := range steps {
		text := st.Text
		arg := stepArgText(st)
		if name, pk, ok := shareableDecl(text); ok {
			decls = append(decls, decl{name, pk})
			continue
		}
		if m := aliasStep.FindStringSubmatch(text); m != nil {
			aliases[m[1]] = m[2] // a given alias may serve it (resolveAliases)
			continue
		}
		if m := callStep.FindStringSubmatch(text); m != nil {
			op := strings.TrimPrefix(m[1], "TrentService.")
			if readOps[op] {
				continue
			}
			creates = true
			if m[2] != "" {
				changed[m[2]] = true
			}
			refs := keyRefIn.FindAllStringSubmatch(arg, -1)
			for _, r := range refs {
				changed[r[1]] = true
			}
			if strings.Contains(arg, "<key-id>") || strings.Contains(arg, "<key-arn>") || strings.Contains(arg, "alias") || strings.Contains(text, "alias") {
				allChanged = true // the key is named indirectly
			}
			continue
		}
		if createSteps.MatchString(text) {
			creates = true
			for _, q := range quotedArg.FindAllStringSubmatch(text, -1) {
				changed[q[1]] = true
			}
			continue
		}
		if isReadStep(text) {
			continue
		}
		// Anything else naming a key (alias, grant, state, import, tags)
		// changes it.
		creates = true
		for _, q := range quotedArg.FindAllStringSubmatch(text, -1) {
			changed[q[1]] = true
		}
		for _, r := range keyRefIn.FindAllStringSubmatch(arg, -1) {
			changed[r[1]] = true
		}
	}
	p := sharePlan{slot: map[string]poolKey{}, creates: creates, aliases: map[string]string{}}
	used := map[poolKey]int{}
	for _, d := range decls {
		if allChanged || changed[d.name] {
			p.creates = true
			continue
		}
		if _, dup := p.slot[d.name]; dup {
			continue
		}
		kind := d.pk
		kind.Slot = used[kind]
		used[d.pk]++
		p.slot[d.name] = kind
	}
	for a, k := range aliases {
		p.aliases[a] = k
	}
	return p
}

// resolveAliases serves each alias step from --keys (an existing alias of
// the given key) or, failing that, unshares its key: a new alias changes it.
// It returns the given alias names by scenario name.
func (p *sharePlan) resolveAliases(given map[poolKey]string) map[string]string {
	out := map[string]string{}
	for a, k := range p.aliases {
		pk, shared := p.slot[k]
		if name := given[pk]; shared && pk.Slot == 0 && name != "" {
			out[a] = name
			continue
		}
		delete(p.slot, k)
		p.creates = true
	}
	return out
}

func shareableDecl(text string) (string, poolKey, bool) {
	for i, re := range shareableKey {
		m := re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		pk := poolKey{Spec: m[1], Usage: DefaultUsage(m[1]), Origin: "AWS_KMS"}
		switch i {
		case 1:
			pk.Usage = m[3]
		case 2:
			pk.Origin = "EXTERNAL"
		}
		return m[2], pk, true
	}
	return "", poolKey{}, false
}

func isReadStep(text string) bool {
	for _, re := range readSteps {
		if re.MatchString(text) {
			return true
		}
	}
	return false
}

func stepArgText(st *godog.Step) string {
	if st.Argument == nil {
		return ""
	}
	var b strings.Builder
	if d := st.Argument.DocString; d != nil {
		b.WriteString(d.Content)
	}
	if t := st.Argument.DataTable; t != nil {
		for _, r := range t.Rows {
			for _, c := range r.Cells {
				b.WriteString(c.Value)
				b.WriteByte('|')
			}
		}
	}
	return b.String()
}

// keyPool holds the run's shared keys.
type keyPool struct {
	t *target.Target
	o *Options

	fileOnce sync.Once
	file     *KeysFile
	fileErr  error
	given    map[poolKey]string // from --keys, checked with DescribeKey
	aliases  map[poolKey]string // existing aliases of given keys (slot 0)

	mu       sync.Mutex
	slots    map[poolKey]*poolSlot
	fixtures map[bool]*fixtureSlot // by NoImport
}

type fixtureSlot struct {
	once sync.Once
	fx   *properties.Fixture
	err  error
}

// fixture returns the run's property fixture, made by mk on first use.
func (p *keyPool) fixture(noImport bool, mk func() (*properties.Fixture, error)) (*properties.Fixture, error) {
	s := slotFor(&p.mu, p.fixtures, noImport)
	s.once.Do(func() { s.fx, s.err = mk() })
	return s.fx, s.err
}

// slotFor returns m's slot for k, adding an empty one on first use; mu
// guards m. The slot's own sync.Once then makes its value once.
func slotFor[K comparable, S any](mu *sync.Mutex, m map[K]*S, k K) *S {
	mu.Lock()
	defer mu.Unlock()
	s := m[k]
	if s == nil {
		s = new(S)
		m[k] = s
	}
	return s
}

type poolSlot struct {
	once    sync.Once
	id      string
	err     error
	created bool
}

var pools sync.Map // *Target -> *keyPool

func poolFor(t *target.Target, o *Options) *keyPool {
	p, _ := pools.LoadOrStore(t, &keyPool{t: t, o: o, slots: map[poolKey]*poolSlot{}, fixtures: map[bool]*fixtureSlot{}, aliases: map[poolKey]string{}, given: map[poolKey]string{}})
	return p.(*keyPool)
}

// loadFile reads --keys once and checks each given key against its role.
func (p *keyPool) loadFile(ctx context.Context) error {
	p.fileOnce.Do(func() {
		if p.o.KeysFile == "" {
			return
		}
		kf, err := LoadKeysFile(p.o.KeysFile)
		if err != nil {
			p.fileErr = err
			return
		}
		p.file = kf
		check := func(role, ref, usage, origin, state string) {
			alias := kf.Aliases[strings.TrimPrefix(role, "hmac.")]
			if ref == "" || p.fileErr != nil {
				return
			}
			o := p.t.CallSDK(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": ref}))
			str := func(m string) string { v, _ := o.Member("KeyMetadata." + m); s, _ := v.(string); return s }
			switch {
			case !o.OK():
				p.fileErr = fmt.Errorf("--keys %s: DescribeKey %s: %s", role, ref, o.Summary())
			case str("KeyUsage") != usage || str("Origin") != origin || str("KeyState") != state ||
				(strings.HasPrefix(role, "hmac.") && str("KeySpec") != strings.TrimPrefix(role, "hmac.")):
				p.fileErr = fmt.Errorf("--keys %s: %s is a %s %s key of origin %s in state %s; want usage %s, origin %s, state %s",
					role, ref, str("KeySpec"), str("KeyUsage"), str("Origin"), str("KeyState"), usage, origin, state)
			default:
				pk := poolKey{Spec: str("KeySpec"), Usage: usage, Origin: origin}
				p.given[pk] = str("KeyId")
				if alias == "" {
					return
				}
				a := p.t.CallSDK(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": alias}))
				if id, _ := a.Member("KeyMetadata.KeyId"); id != str("KeyId") {
					p.fileErr = fmt.Errorf("--keys aliases: %s does not point at the %s key %s (DescribeKey: %s)", alias, role, ref, a.Summary())
					return
				}
				p.aliases[pk] = alias
			}
		}
		for spec, ref := range kf.HMAC {
			check("hmac."+spec, ref, "GENERATE_VERIFY_MAC", "AWS_KMS", "Enabled")
		}
		check("encrypt", kf.Encrypt, "ENCRYPT_DECRYPT", "AWS_KMS", "Enabled")
		check("sign", kf.Sign, "SIGN_VERIFY", "AWS_KMS", "Enabled")
		check("external", kf.External, "GENERATE_VERIFY_MAC", "EXTERNAL", "PendingImport")
	})
	return p.fileErr
}

// served tells whether --keys gives the key of slot pk.
func (p *keyPool) served(pk poolKey) bool {
	if pk.Slot != 0 {
		return false
	}
	_, ok := p.given[pk]
	return ok
}

// get returns the id of the shared key pk, creating it on first use.
func (p *keyPool) get(ctx context.Context, pk poolKey) (string, error) {
	if id, ok := p.given[poolKey{Spec: pk.Spec, Usage: pk.Usage, Origin: pk.Origin}]; ok && pk.Slot == 0 {
		return id, nil
	}
	if p.o.NoCreate {
		return "", errors.New("--no-create: no key of this kind given with --keys") // the plan skips first
	}
	s := slotFor(&p.mu, p.slots, pk)
	s.once.Do(func() {
		req := map[string]any{"KeySpec": pk.Spec, "KeyUsage": pk.Usage,
			"Tags": []map[string]string{{"TagKey": target.RunTagKey, "TagValue": p.t.RunID}}}
		if pk.Origin != "AWS_KMS" {
			req["Origin"] = pk.Origin
		}
		// The run's context: Ctrl-C, --timeout and a lost endpoint cut it
		// (a key created unseen is found by kmsmac cleanup --run-id).
		o := p.t.CallSDK(ctx, "CreateKey", textutil.MustJSON(req))
		id, _ := o.Member("KeyMetadata.KeyId")
		s.id, _ = id.(string)
		if !o.OK() || s.id == "" {
			s.err = fmt.Errorf("creating the shared %s %s key: %s", pk.Spec, pk.Usage, RequireText(o))
			if o.Status != 0 {
				// the endpoint refused the key: a missing precondition (verdict.go)
				s.err = &precondition{rule: blockingRule(o), reason: s.err.Error()}
			}
			return
		}
		s.created = true
		p.t.KeysCreated.Add(1)
		if arn, ok := o.Member("KeyMetadata.Arn"); ok {
			p.t.Learn(fmt.Sprint(arn))
		}
	})
	return s.id, s.err
}

// closeSharedKeys schedules the run's shared keys for deletion (unless
// --keep-keys) and forgets the pool; it returns cleanup problems.
func closeSharedKeys(ctx context.Context, t *target.Target, o *Options) []string {
	v, ok := pools.LoadAndDelete(t)
	if !ok {
		return nil
	}
	p := v.(*keyPool)
	var problems []string
	if o.KeepKeys {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	del := func(what, id string) {
		r := t.Raw.Send(ctx, "ScheduleKeyDeletion", textutil.MustJSON(map[string]any{"KeyId": id, "PendingWindowInDays": 7}))
		if !r.OK() && !target.AlreadyGone(r) {
			problems = append(problems, fmt.Sprintf("ScheduleKeyDeletion of %s %s: %s", what, id, r.Summary()))
			t.LeftKey(id)
		}
	}
	for _, s := range p.fixtures {
		if s.fx == nil {
			continue
		}
		for _, arn := range s.fx.Created() {
			del("the property key", keyIDOf(arn))
		}
	}
	for pk, s := range p.slots {
		if !s.created {
			continue
		}
		del("the shared "+pk.Spec+" "+pk.Usage+" key", s.id)
	}
	return problems
}

func init() {
	registerSteps(func(sc *godog.ScenarioContext) {
		sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
			w, ok := ctx.Value(worldKey{}).(*World)
			if !ok {
				return ctx, nil
			}
			pool := poolFor(w.Target, w.Opts)
			if err := pool.loadFile(ctx); err != nil {
				return ctx, err
			}
			plan := planSharing(s.Steps)
			for a, name := range plan.resolveAliases(pool.aliases) {
				w.aliases[a] = name
				w.givenAliases = append(w.givenAliases, name)
			}
			if w.Opts.NoCreate {
				need := plan.creates
				for _, pk := range plan.slot {
					need = need || !pool.served(pk)
				}
				if need {
					w.skipped = NoCreateReason
					return ctx, godog.ErrSkip
				}
			}
			w.share = plan.slot
			return ctx, nil
		})
		sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
			if w, ok := ctx.Value(worldKey{}).(*World); ok {
				w.sharing = ""
				if name, _, ok := shareableDecl(st.Text); ok {
					if _, shared := w.share[name]; shared {
						w.sharing = name
					}
				}
			}
			return ctx, nil
		})
	})
}

// sharedCreateKey answers the CreateKey of a "Given a <spec> key" step
// with the run-wide key: DescribeKey has the same KeyMetadata shape.
func (w *World) sharedCreateKey(ctx context.Context, req map[string]any) (*target.Outcome, bool, error) {
	pk, ok := w.share[w.sharing]
	w.sharing = ""
	if !ok {
		return nil, false, nil
	}
	spec, _ := req["KeySpec"].(string)
	usage, _ := req["KeyUsage"].(string)
	origin, _ := req["Origin"].(string)
	if origin == "" {
		origin = "AWS_KMS"
	}
	if spec != pk.Spec || usage != pk.Usage || origin != pk.Origin || len(req) > 3 {
		return nil, false, nil // not the request the plan expected: create as usual
	}
	id, err := poolFor(w.Target, w.Opts).get(ctx, pk)
	if err != nil {
		return nil, true, err
	}
	return w.Target.CallSDK(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": id})), true, nil
}

// givenAliasCall answers the CreateAlias of an "an alias" step served by
// --keys with DescribeKey of the existing alias (nothing is created).
func (w *World) givenAliasCall(ctx context.Context, req map[string]any) (*target.Outcome, bool) {
	name, _ := req["AliasName"].(string)
	for _, a := range w.givenAliases {
		if a == name {
			return w.Target.CallSDK(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": name})), true
		}
	}
	return nil, false
}
