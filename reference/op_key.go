package reference

import (
	"context"
	"errors"
	"github.com/kmsmac/kmsmac/reference/shapes"
	"time"

	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
)

// emptyResponse is the body of operations without output members.
var emptyResponse = []byte("{}")

// requireKeyID validates a required KeyId member (1..2048 characters).
func requireKeyID(v *request.Violations, id *string) {
	v.Str("keyId", id, true, 1, 2048)
}

// update runs fn on the key under the store's write lock and turns a key
// that vanished in between into the KID-7 error.
func (s *Service) update(k *store.Key, fn func(m *store.Mutable) error) error {
	err := s.store.Update(k.ID, func(_ *store.Key, m *store.Mutable) error { return fn(m) })
	if errors.Is(err, store.ErrNotFound) {
		return errKeyNotFound(k.ARN)
	}
	return err
}

// updateNoOutput is update for an operation without output members.
func (s *Service) updateNoOutput(k *store.Key, fn func(m *store.Mutable) error) ([]byte, error) {
	if err := s.update(k, fn); err != nil {
		return nil, err
	}
	return emptyResponse, nil
}

// keyIDOutput is the response of operations whose only output is the key
// ARN.
func keyIDOutput(arn string) ([]byte, error) {
	return marshal(struct {
		KeyId string `json:"KeyId"`
	}{arn})
}

// describeKey works in every key state (DK-5) and accepts aliases.
func (s *Service) describeKey(ctx context.Context, body []byte) ([]byte, error) {
	var req shapes.DescribeKeyRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, withAliases, func(v *request.Violations) {
		v.GrantTokens(req.GrantTokens)
	})
	if err != nil {
		return nil, err
	}
	if err := s.checkGrantTokens(req.GrantTokens); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, view, "DescribeKey", ""); err != nil {
		return nil, err
	}
	k, m, ok := s.store.Snapshot(view.Key.ID)
	if !ok {
		return nil, errKeyNotFound(view.Key.ARN)
	}
	return marshal(struct {
		KeyMetadata keyMetadata `json:"KeyMetadata"`
	}{s.metadata(k, m)})
}

func (s *Service) listKeys(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.ListRequest
	if err := request.Decode(body, &req); err != nil {
		return nil, err
	}
	var v request.Violations
	v.IntRange("limit", req.Limit, 1, 1000)
	v.Str("marker", req.Marker, false, 1, 1024)
	if err := v.Err(); err != nil {
		return nil, err
	}
	limit := 100
	if req.Limit != nil {
		limit = int(*req.Limit)
	}
	marker := ""
	if req.Marker != nil {
		marker = *req.Marker
	}
	keys, next, ok := s.store.ListKeys(marker, limit)
	if !ok {
		return nil, errInvalidMarker()
	}
	type entry struct {
		KeyId  string `json:"KeyId"`
		KeyArn string `json:"KeyArn"`
	}
	out := struct {
		Keys       []entry `json:"Keys"`
		NextMarker string  `json:"NextMarker,omitempty"`
		Truncated  bool    `json:"Truncated"`
	}{Keys: make([]entry, 0, len(keys)), NextMarker: next, Truncated: next != ""}
	for _, k := range keys {
		out.Keys = append(out.Keys, entry{k.ID, k.ARN})
	}
	return marshal(out)
}

// decodeKeyed is the prologue of the operations on one named key: decode
// body strictly into req, validate the required KeyId (*keyID, a member of
// req) and then whatever more adds (may be nil), report all violations
// together, and resolve the KeyId in the forms the operation accepts.
func (s *Service) decodeKeyed(body []byte, req any, keyID **string, forms idForms, more func(v *request.Violations)) (store.View, error) {
	if err := request.Decode(body, req); err != nil {
		return store.View{}, err
	}
	var v request.Violations
	requireKeyID(&v, *keyID)
	if more != nil {
		more(&v)
	}
	if err := v.Err(); err != nil {
		return store.View{}, err
	}
	return s.resolve(**keyID, forms)
}

// keyOnlyRequest decodes a body whose only member is KeyId and resolves it
// as a key ID or key ARN.
func (s *Service) keyOnlyRequest(body []byte) (*store.Key, error) {
	var req shapes.KeyIDRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, nil)
	return view.Key, err
}

// enableKey and disableKey toggle between Enabled and Disabled; other
// states fail as in the key-state table.
func (s *Service) enableKey(_ context.Context, body []byte) ([]byte, error) {
	return s.toggle(body, store.Enabled)
}

func (s *Service) disableKey(_ context.Context, body []byte) ([]byte, error) {
	return s.toggle(body, store.Disabled)
}

func (s *Service) toggle(body []byte, to store.State) ([]byte, error) {
	k, err := s.keyOnlyRequest(body)
	if err != nil {
		return nil, err
	}
	return s.updateNoOutput(k, func(m *store.Mutable) error {
		switch m.State {
		case store.Enabled, store.Disabled:
			m.State = to
			return nil
		}
		return stateErr(k.ARN, m.State)
	})
}

// scheduleKeyDeletion: 7-30 days, default 30 (STATE-12). The reference
// never actually deletes the key when the date passes.
func (s *Service) scheduleKeyDeletion(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.ScheduleKeyDeletionRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.IntRange("pendingWindowInDays", req.PendingWindowInDays, 7, 30)
	})
	if err != nil {
		return nil, err
	}
	k := view.Key
	days := 30
	if req.PendingWindowInDays != nil {
		days = int(*req.PendingWindowInDays)
	}
	var when time.Time
	_, cur, _ := s.store.Snapshot(k.ID)
	state := s.deletionState(k, &cur) // outside the update: it reads the other Regions' stores
	err = s.update(k, func(m *store.Mutable) error {
		switch m.State {
		case store.PendingDeletion, store.PendingReplicaDeletion, store.Creating, store.Updating:
			return stateErr(k.ARN, m.State)
		}
		when = s.opts.Now().Add(time.Duration(days) * 24 * time.Hour)
		m.State, m.DeletionDate, m.PendingWindowDays = state, when, days
		return nil
	})
	if err != nil {
		return nil, err
	}
	return marshal(struct {
		KeyId               string `json:"KeyId"`
		DeletionDate        epoch  `json:"DeletionDate"`
		KeyState            string `json:"KeyState"`
		PendingWindowInDays int    `json:"PendingWindowInDays"`
	}{k.ARN, epoch(when), string(state), days})
}

// cancelKeyDeletion leaves the key Disabled (STATE-11), or PendingImport
// when it has no key material.
func (s *Service) cancelKeyDeletion(_ context.Context, body []byte) ([]byte, error) {
	k, err := s.keyOnlyRequest(body)
	if err != nil {
		return nil, err
	}
	err = s.update(k, func(m *store.Mutable) error {
		if m.State != store.PendingDeletion {
			return errInvalidState(k.ARN + " is not pending deletion.")
		}
		m.State = store.Disabled
		if !m.HasMaterial {
			m.State = store.PendingImport
		}
		m.DeletionDate, m.PendingWindowDays = time.Time{}, 0
		return nil
	})
	if err != nil {
		return nil, err
	}
	return keyIDOutput(k.ARN)
}
