package steps

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/keypool"

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
	slot    map[string]keypool.Kind // shared key name -> pool slot
	creates bool                    // the scenario must create or change something
	aliases map[string]string       // alias name -> the key it is made for, when only that creates something
}

// planSharing reads a scenario's steps (text and argument) and decides
// which keys may be shared.
func planSharing(steps []*godog.Step) sharePlan {
	type decl struct {
		name string
		pk   keypool.Kind
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
	p := sharePlan{slot: map[string]keypool.Kind{}, creates: creates, aliases: map[string]string{}}
	used := map[keypool.Kind]int{}
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
func (p *sharePlan) resolveAliases(given func(keypool.Kind) string) map[string]string {
	out := map[string]string{}
	for a, k := range p.aliases {
		pk, shared := p.slot[k]
		if name := given(pk); shared && name != "" {
			out[a] = name
			continue
		}
		delete(p.slot, k)
		p.creates = true
	}
	return out
}

func shareableDecl(text string) (string, keypool.Kind, bool) {
	for i, re := range shareableKey {
		m := re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		pk := keypool.Kind{Spec: m[1], Usage: DefaultUsage(m[1]), Origin: "AWS_KMS"}
		switch i {
		case 1:
			pk.Usage = m[3]
		case 2:
			pk.Origin = "EXTERNAL"
		}
		return m[2], pk, true
	}
	return "", keypool.Kind{}, false
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

func init() {
	registerSteps(func(sc *godog.ScenarioContext) {
		sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
			w, ok := ctx.Value(worldKey{}).(*World)
			if !ok {
				return ctx, nil
			}
			pool := w.Opts.Pool
			if pool == nil {
				return ctx, nil // nothing is shared
			}
			if err := pool.Load(ctx); err != nil {
				return ctx, err
			}
			plan := planSharing(s.Steps)
			for a, name := range plan.resolveAliases(pool.GivenAlias) {
				w.aliases[a] = name
				w.givenAliases = append(w.givenAliases, name)
			}
			if w.Opts.NoCreate {
				need := plan.creates
				for _, pk := range plan.slot {
					need = need || !pool.Served(pk)
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
	id, err := w.Opts.Pool.Get(ctx, pk)
	var refused *keypool.CreateError
	if errors.As(err, &refused) { // a missing precondition (verdict.go)
		return nil, true, &precondition{rule: blockingRule(refused.Outcome),
			reason: fmt.Sprintf("creating the shared %s %s key: %s", pk.Spec, pk.Usage, RequireText(refused.Outcome))}
	}
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
