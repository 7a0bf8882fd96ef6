package properties

import (
	"fmt"
	"slices"

	"github.com/kmsmac/kmsmac/kmsspec"
)

// Key states the model uses (rules.md section 5).
const (
	stEnabled         = "Enabled"
	stDisabled        = "Disabled"
	stPendingDeletion = "PendingDeletion"
	stPendingImport   = "PendingImport"
)

// model is what the harness expects the endpoint to hold. It is a value:
// apply returns a changed copy, so gopter can replay a sequence from the
// start any number of times while shrinking.
type model struct {
	Keys    []modelKey
	Aliases map[int]int // alias number -> key index
}

type modelKey struct {
	Spec     string
	External bool
	Material []byte // EXTERNAL keys: fixed at creation (IMP-10)
	Imported bool   // material present now
	State    string
	Grants   int // live grants, in creation order on the endpoint side
}

func (m model) clone() model {
	c := model{Keys: slices.Clone(m.Keys), Aliases: make(map[int]int, len(m.Aliases))}
	for k, v := range m.Aliases {
		c.Aliases[k] = v
	}
	return c
}

// Model bounds: few keys and aliases keep sequences short and meaningful.
const (
	modelMaxKeys    = 3
	modelAliases    = 2
	modelMessages   = 3
	modelMaxGrants  = 2
	deletionWindow  = 7
	grantOperations = "GenerateMac,VerifyMac"
)

// expect is what one command should produce.
type expect struct {
	Code string // "" for success
	// Key the call resolves to (-1: none), and the state it must be in
	// after the call (checked with DescribeKey).
	Key   int
	State string
}

func (m model) key(i int) (modelKey, bool) {
	if i < 0 || i >= len(m.Keys) {
		return modelKey{}, false
	}
	return m.Keys[i], true
}

// macOutcome is the documented answer of GenerateMac/VerifyMac for a key
// state (rules.md STATE-1/2/3/5).
func macOutcome(state string) string {
	switch state {
	case stEnabled:
		return ""
	case stDisabled:
		return "DisabledException"
	default: // PendingDeletion (AMB-1), PendingImport (STATE-5)
		return "KMSInvalidStateException"
	}
}

// grantOutcome is CreateGrant's answer per key state (GR-7).
func grantOutcome(state string) string {
	switch state {
	case stEnabled:
		return ""
	case stDisabled:
		return "DisabledException"
	default:
		return "KMSInvalidStateException"
	}
}

// materialFor derives an EXTERNAL key's material: the digest length, which
// real AWS is recorded accepting for every spec (IMP-12).
func materialFor(keySpec string, seed int64) []byte {
	spec, _ := kmsspec.ByKeySpec(keySpec)
	return message(spec.Size, seed|1)
}

func aliasName(run string, n int) string { return fmt.Sprintf("alias/kmsmac-model-%s-%d", run, n) }
