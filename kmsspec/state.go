package kmsspec

// KeyState is a KeyMetadata.KeyState value (APIReference/API_KeyMetadata.html,
// developerguide/key-state.html).
type KeyState string

// The KMS key states.
const (
	Creating               KeyState = "Creating"
	Enabled                KeyState = "Enabled"
	Disabled               KeyState = "Disabled"
	PendingDeletion        KeyState = "PendingDeletion"
	PendingReplicaDeletion KeyState = "PendingReplicaDeletion"
	PendingImport          KeyState = "PendingImport"
	Unavailable            KeyState = "Unavailable" // custom key stores only; HMAC keys never (STATE-8)
	Updating               KeyState = "Updating"
)

// KeyStates lists every key state, in the order of API_KeyMetadata.html.
var KeyStates = []KeyState{Creating, Enabled, Disabled, PendingDeletion, PendingImport, PendingReplicaDeletion, Unavailable, Updating}

// ServesMac reports whether GenerateMac and VerifyMac work on an HMAC key in
// state s (developerguide/key-state.html): Enabled (STATE-1) and Updating
// (STATE-7) do; Disabled (STATE-2), PendingDeletion and
// PendingReplicaDeletion (STATE-3/4), PendingImport (STATE-5) and Creating
// (STATE-6) do not. Unavailable does not arise for HMAC keys (STATE-8).
func ServesMac(s KeyState) bool {
	return s == Enabled || s == Updating
}
