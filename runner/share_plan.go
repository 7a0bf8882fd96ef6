package runner

import (
	"context"
	"regexp"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/keypool"
	"github.com/kmsmac/kmsmac/steps"
)

// Key sharing is declared in the features, on purpose: a scenario tagged
// @shared-key (steps.SharedKeyTag) promises that it only reads the keys it
// declares with "Given a <spec> key "K"" (also "with usage U" and
// "without key material"). Those keys are then run-wide keys of their
// kind (package keypool), created once per run or taken from --keys. The
// engine reads the declaration here, before the scenario runs, and tells
// the World (World.ShareKeys); the World keeps the promise (it refuses any
// call that is not read-only on a shared key). An "an alias "A" for key
// "K"" step in such a scenario uses the --keys alias of K's kind when one
// is given; otherwise K is the scenario's own key, since a new alias would
// change a shared key.

var (
	shareableKey = []*regexp.Regexp{ // the declaration phrases (steps/common_steps.go, steps/lifecycle_steps.go)
		regexp.MustCompile(`^an? (\S+) key "([^"]+)"$`),
		regexp.MustCompile(`^an? (\S+) key "([^"]+)" with usage (\S+)$`),
		regexp.MustCompile(`^an? (HMAC_\d+|SYMMETRIC_DEFAULT) key "([^"]+)" without key material$`),
	}
	aliasStep = regexp.MustCompile(`^an alias "([^"]+)" for key "([^"]+)"$`)
)

// sharePlan is what a scenario's declaration allows.
type sharePlan struct {
	slot    map[string]keypool.Kind // shared key name -> pool slot
	creates bool                    // the scenario creates or changes keys of its own
	aliases map[string]string       // alias name -> the key it is made for
}

// shareKeys reads the scenario's declaration (its steps' text, rule
// annotations already cut by World.Begin) and tells w which keys come from
// the run's pool. It returns steps.NoCreateReason when --no-create cannot
// run the scenario (it would create a key, or the pool does not serve one).
func shareKeys(ctx context.Context, w *steps.World, s *godog.Scenario, st *steps.Settings) (skip string, err error) {
	pool := st.Pool
	if pool == nil {
		return "", nil // nothing is shared
	}
	if err := pool.Load(ctx); err != nil {
		return "", err
	}
	plan := planSharing(w.Tags[steps.SharedKeyTag], s.Steps)
	given := plan.resolveAliases(pool.GivenAlias)
	if st.NoCreate {
		need := plan.creates
		for _, pk := range plan.slot {
			need = need || !pool.Served(pk)
		}
		if need {
			return steps.NoCreateReason, nil
		}
	}
	w.ShareKeys(steps.SharedKeys{Keys: plan.slot, ByStep: plan.declaringSteps(s.Steps), Aliases: given})
	return "", nil
}

// planSharing reads a scenario's declaration: without SharedKeyTag
// nothing is shared; with it, every declared key is, one pool slot per
// key of a kind.
func planSharing(tagged bool, sts []*godog.Step) sharePlan {
	p := sharePlan{slot: map[string]keypool.Kind{}, creates: !tagged, aliases: map[string]string{}}
	if !tagged {
		return p
	}
	used := map[keypool.Kind]int{}
	for _, st := range sts {
		if name, k, ok := shareableDecl(st.Text); ok {
			if _, dup := p.slot[name]; dup {
				continue
			}
			kind := k
			kind.Slot = used[k]
			used[k]++
			p.slot[name] = kind
		} else if m := aliasStep.FindStringSubmatch(st.Text); m != nil {
			p.aliases[m[1]] = m[2] // a given alias may serve it (resolveAliases)
		}
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

// declaringSteps is, by step id, the shared key each declaring step names.
func (p *sharePlan) declaringSteps(sts []*godog.Step) map[string]string {
	out := map[string]string{}
	for _, st := range sts {
		if name, _, ok := shareableDecl(st.Text); ok {
			if _, shared := p.slot[name]; shared {
				out[st.Id] = name
			}
		}
	}
	return out
}

func shareableDecl(text string) (string, keypool.Kind, bool) {
	for i, re := range shareableKey {
		m := re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		pk := keypool.Kind{Spec: m[1], Usage: steps.DefaultUsage(m[1]), Origin: "AWS_KMS"}
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
