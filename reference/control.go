package reference

import (
	"context"
	"github.com/kmsmac/kmsmac/reference/shapes"
	"time"

	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
)

// Reference-only controls (target prefix KmsmacReference.): they reach key
// states the public API cannot, for scenarios tagged @reference-only.

var settableStates = []string{"Creating", "Updating", "PendingReplicaDeletion", "Enabled", "Disabled", "PendingDeletion", "PendingImport"}

// setKeyState forces a key's state. States that use key material are
// refused for a key without material, so a MAC call never meets an
// Enabled key it cannot compute with.
func (s *Service) setKeyState(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.SetKeyStateRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.Enum("keyState", req.KeyState, true, settableStates)
	})
	if err != nil {
		return nil, err
	}
	k := view.Key
	st := store.State(*req.KeyState)
	return s.updateNoOutput(k, func(m *store.Mutable) error {
		if !m.HasMaterial && st != store.PendingImport && st != store.PendingDeletion && st != store.PendingReplicaDeletion && st != store.Creating {
			return errValidation(k.ARN + " has no key material; it cannot be put in state " + string(st) + ".")
		}
		if m.HasMaterial && st == store.PendingImport {
			return errValidation(k.ARN + " has key material; use KmsmacReference.ExpireKeyMaterial or DeleteImportedKeyMaterial.")
		}
		m.State = st
		m.DeletionDate, m.PendingWindowDays = time.Time{}, 0
		if st == store.PendingDeletion || st == store.PendingReplicaDeletion {
			m.PendingWindowDays = 30
			m.DeletionDate = s.opts.Now().Add(30 * 24 * time.Hour)
		}
		return nil
	})
}

// expireKeyMaterial makes imported material expire now: the key goes to
// PendingImport exactly as when ValidTo passes (IMP-9).
func (s *Service) expireKeyMaterial(_ context.Context, body []byte) ([]byte, error) {
	k, err := s.keyOnlyRequest(body)
	if err != nil {
		return nil, err
	}
	if k.Origin != "EXTERNAL" {
		return nil, errOrigin(k)
	}
	return s.updateNoOutput(k, func(m *store.Mutable) error {
		if !m.HasMaterial {
			return errInvalidState(k.ARN + " is pending import.")
		}
		m.DropMaterial()
		return nil
	})
}
