package store

import (
	"slices"
	"strings"
	"time"
)

// Grant is a permission on one key for a grantee principal.
type Grant struct {
	ID                string
	Token             string
	KeyID             string
	Name              string
	GranteePrincipal  string
	RetiringPrincipal string
	IssuingAccount    string
	Operations        []string
	// Constraints as sent (encryption-context maps); nil when none.
	EncryptionContextEquals map[string]string
	EncryptionContextSubset map[string]string
	Created                 time.Time
}

// AddGrant stores g; ErrExists if its ID or token is taken, ErrNotFound if
// its key does not exist.
func (s *Store) AddGrant(g *Grant) error {
	return s.write(func() ([]Op, func(), error) {
		if k, ok := s.keys[g.KeyID]; !ok || s.goneLocked(k) {
			return nil, nil, ErrNotFound
		}
		if _, dup := s.grants[g.ID]; dup {
			return nil, nil, ErrExists
		}
		if _, dup := s.tokens[g.Token]; dup {
			return nil, nil, ErrExists
		}
		if s.limits.GrantsPerKey > 0 && overLocked(s.limits.GrantsPerKey, s.grantsOnLocked(g.KeyID)) {
			return nil, nil, ErrLimit
		}
		s.grants[g.ID] = g
		s.tokens[g.Token] = g
		if !s.durable() {
			return nil, nil, nil
		}
		return []Op{{KindGrant, g.ID, encodeGrant(g)}}, func() { delete(s.grants, g.ID); delete(s.tokens, g.Token) }, nil
	})
}

// ValidToken reports whether token belongs to a live grant of this store.
func (s *Store) ValidToken(token string) bool {
	s.mu.RLock()
	_, ok := s.tokens[token]
	s.mu.RUnlock()
	return ok
}

// GrantByToken returns the live grant with this token.
func (s *Store) GrantByToken(token string) (*Grant, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, ok := s.tokens[token]
	return g, ok
}

// RemoveGrant deletes the grant with this ID on keyID (retire or revoke);
// ErrNotFound if there is no such grant on that key.
func (s *Store) RemoveGrant(keyID, grantID string) error {
	return s.write(func() ([]Op, func(), error) {
		g, ok := s.grants[grantID]
		if !ok || g.KeyID != keyID {
			return nil, nil, ErrNotFound
		}
		delete(s.grants, g.ID)
		delete(s.tokens, g.Token)
		return []Op{{KindGrant, g.ID, nil}}, func() { s.grants[g.ID], s.tokens[g.Token] = g, g }, nil
	})
}

// ListGrants returns the grants of keyID ordered by creation time then ID.
// Grants are immutable once stored, so the pointers may be shared.
func (s *Store) ListGrants(keyID string) []*Grant {
	s.SweepIfDue()
	s.mu.RLock()
	var out []*Grant
	for _, g := range s.grants {
		if g.KeyID == keyID {
			out = append(out, g)
		}
	}
	s.mu.RUnlock()
	sortGrants(out)
	return out
}

func sortGrants(gs []*Grant) {
	slices.SortFunc(gs, func(a, b *Grant) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
