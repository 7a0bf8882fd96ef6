package properties

import (
	"fmt"
)

// target names the key a MAC command uses: a key index, or an alias number.
type target struct {
	Key      int
	Alias    int
	ViaAlias bool
}

func (t target) String() string {
	if t.ViaAlias {
		return fmt.Sprintf("alias %d", t.Alias)
	}
	return fmt.Sprintf("key %d", t.Key)
}

// resolve returns the key index t names, or -1 for an alias that does not
// exist (NotFoundException, KID-11).
func (t target) resolve(m model) int {
	if !t.ViaAlias {
		return t.Key
	}
	if k, ok := m.Aliases[t.Alias]; ok {
		return k
	}
	return -1
}

// planner is one model command: plan says whether it applies to m, the
// model after it, and the answer expected; exec performs it on the endpoint.
type planner interface {
	plan(m model) (next model, want expect, ok bool)
	exec(h *harness, before model, want expect) answer
	String() string
}

func unchanged(m model, k int, code string) (model, expect, bool) {
	st := ""
	if key, ok := m.key(k); ok {
		st = key.State
	}
	return m, expect{Code: code, Key: k, State: st}, true
}

type createKey struct {
	Spec     string
	External bool
	Seed     int64
}

func (c createKey) String() string {
	origin := "AWS_KMS"
	if c.External {
		origin = "EXTERNAL"
	}
	return fmt.Sprintf("CreateKey(%s, %s)", c.Spec, origin)
}

func (c createKey) plan(m model) (model, expect, bool) {
	if len(m.Keys) >= modelMaxKeys {
		return m, expect{}, false
	}
	n := m.clone()
	k := modelKey{Spec: c.Spec, External: c.External, State: stEnabled}
	if c.External {
		k.State, k.Material = stPendingImport, materialFor(c.Spec, c.Seed)
	}
	n.Keys = append(n.Keys, k)
	return n, expect{Key: len(n.Keys) - 1, State: k.State}, true
}

type disableKey struct{ K int }

func (c disableKey) String() string { return fmt.Sprintf("DisableKey(key %d)", c.K) }

func (c disableKey) plan(m model) (model, expect, bool) { return planToggle(m, c.K, stDisabled) }

type enableKey struct{ K int }

func (c enableKey) String() string { return fmt.Sprintf("EnableKey(key %d)", c.K) }

func (c enableKey) plan(m model) (model, expect, bool) { return planToggle(m, c.K, stEnabled) }

// planToggle plans DisableKey and EnableKey, which differ only in the state
// they lead to: Enabled and Disabled both move to it, PendingDeletion is
// refused, and PendingImport is left out (undocumented for either).
func planToggle(m model, i int, to string) (model, expect, bool) {
	k, ok := m.key(i)
	if !ok {
		return m, expect{}, false
	}
	switch k.State {
	case stEnabled, stDisabled:
		n := m.clone()
		n.Keys[i].State = to
		return n, expect{Key: i, State: to}, true
	case stPendingDeletion:
		return unchanged(m, i, "KMSInvalidStateException")
	}
	return m, expect{}, false
}

type scheduleDeletion struct{ K int }

func (c scheduleDeletion) String() string {
	return fmt.Sprintf("ScheduleKeyDeletion(key %d, 7 days)", c.K)
}

func (c scheduleDeletion) plan(m model) (model, expect, bool) {
	k, ok := m.key(c.K)
	if !ok {
		return m, expect{}, false
	}
	if k.State == stPendingDeletion {
		return unchanged(m, c.K, "KMSInvalidStateException")
	}
	n := m.clone()
	n.Keys[c.K].State = stPendingDeletion
	return n, expect{Key: c.K, State: stPendingDeletion}, true
}

type cancelDeletion struct{ K int }

func (c cancelDeletion) String() string { return fmt.Sprintf("CancelKeyDeletion(key %d)", c.K) }

func (c cancelDeletion) plan(m model) (model, expect, bool) {
	k, ok := m.key(c.K)
	if !ok || k.State != stPendingDeletion {
		return m, expect{}, false
	}
	n := m.clone()
	// STATE-11: back to Disabled; a key without material waits for it.
	n.Keys[c.K].State = stDisabled
	if k.External && !k.Imported {
		n.Keys[c.K].State = stPendingImport
	}
	return n, expect{Key: c.K, State: n.Keys[c.K].State}, true
}

type createAlias struct{ A, K int }

func (c createAlias) String() string { return fmt.Sprintf("CreateAlias(alias %d -> key %d)", c.A, c.K) }

func (c createAlias) plan(m model) (model, expect, bool) {
	k, ok := m.key(c.K)
	if _, exists := m.Aliases[c.A]; exists || !ok || k.State == stPendingDeletion {
		return m, expect{}, false
	}
	n := m.clone()
	n.Aliases[c.A] = c.K
	return n, expect{Key: c.K, State: k.State}, true
}

type updateAlias struct{ A, K int }

func (c updateAlias) String() string { return fmt.Sprintf("UpdateAlias(alias %d -> key %d)", c.A, c.K) }

func (c updateAlias) plan(m model) (model, expect, bool) {
	cur, exists := m.Aliases[c.A]
	k, ok := m.key(c.K)
	if !exists || !ok || cur == c.K || k.State == stPendingDeletion || m.Keys[cur].State == stPendingDeletion {
		return m, expect{}, false
	}
	n := m.clone()
	n.Aliases[c.A] = c.K
	return n, expect{Key: c.K, State: k.State}, true
}

type deleteAlias struct{ A int }

func (c deleteAlias) String() string { return fmt.Sprintf("DeleteAlias(alias %d)", c.A) }

func (c deleteAlias) plan(m model) (model, expect, bool) {
	if _, exists := m.Aliases[c.A]; !exists {
		return m, expect{}, false
	}
	n := m.clone()
	delete(n.Aliases, c.A)
	return n, expect{Key: -1}, true
}

type importCmd struct{ K int }

func (c importCmd) String() string { return fmt.Sprintf("ImportKeyMaterial(key %d)", c.K) }

func (c importCmd) plan(m model) (model, expect, bool) {
	k, ok := m.key(c.K)
	if !ok || !k.External || k.State != stPendingImport {
		return m, expect{}, false
	}
	n := m.clone()
	n.Keys[c.K].Imported, n.Keys[c.K].State = true, stEnabled
	return n, expect{Key: c.K, State: stEnabled}, true
}

type deleteMaterial struct{ K int }

func (c deleteMaterial) String() string { return fmt.Sprintf("DeleteImportedKeyMaterial(key %d)", c.K) }

func (c deleteMaterial) plan(m model) (model, expect, bool) {
	k, ok := m.key(c.K)
	if !ok || !k.External || !k.Imported || k.State != stEnabled {
		return m, expect{}, false
	}
	n := m.clone()
	n.Keys[c.K].Imported, n.Keys[c.K].State = false, stPendingImport
	return n, expect{Key: c.K, State: stPendingImport}, true // IMP-8
}

type createGrant struct{ K int }

func (c createGrant) String() string {
	return fmt.Sprintf("CreateGrant(key %d, %s)", c.K, grantOperations)
}

func (c createGrant) plan(m model) (model, expect, bool) {
	k, ok := m.key(c.K)
	if !ok || k.Grants >= modelMaxGrants {
		return m, expect{}, false
	}
	code := grantOutcome(k.State)
	if code != "" {
		return unchanged(m, c.K, code)
	}
	n := m.clone()
	n.Keys[c.K].Grants++
	return n, expect{Key: c.K, State: k.State}, true
}

type retireGrant struct{ K, G int }

func (c retireGrant) String() string { return fmt.Sprintf("RetireGrant(key %d, grant %d)", c.K, c.G) }

func (c retireGrant) plan(m model) (model, expect, bool) {
	k, ok := m.key(c.K)
	if !ok || k.Grants == 0 || (k.State != stEnabled && k.State != stDisabled) {
		return m, expect{}, false
	}
	n := m.clone()
	n.Keys[c.K].Grants--
	return n, expect{Key: c.K, State: k.State}, true
}

type generateMac struct {
	T     target
	Msg   int
	Token bool // pass a live grant token (GR-5)
}

func (c generateMac) String() string {
	s := fmt.Sprintf("GenerateMac(%s, message %d", c.T, c.Msg)
	if c.Token {
		s += ", with a grant token"
	}
	return s + ")"
}

func (c generateMac) plan(m model) (model, expect, bool) { return planMac(m, c.T) }

type verifyMac struct {
	T   target
	Msg int
	// From, when it names another key, sends that key's MAC instead: it
	// must be refused (VM-FAIL-3, and VM-FAIL-7 through a moved alias).
	From int
}

func (c verifyMac) String() string {
	s := fmt.Sprintf("VerifyMac(%s, message %d", c.T, c.Msg)
	if c.From >= 0 {
		s += fmt.Sprintf(", MAC of key %d", c.From)
	}
	return s + ")"
}

func (c verifyMac) plan(m model) (model, expect, bool) { return planMac(m, c.T) }

func planMac(m model, t target) (model, expect, bool) {
	if !t.ViaAlias && (t.Key < 0 || t.Key >= len(m.Keys)) {
		return m, expect{}, false
	}
	k := t.resolve(m)
	if k < 0 {
		return m, expect{Code: "NotFoundException", Key: -1}, true
	}
	return unchanged(m, k, macOutcome(m.Keys[k].State))
}
