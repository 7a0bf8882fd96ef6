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
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[g.KeyID]; !ok {
		return ErrNotFound
	}
	if _, dup := s.grants[g.ID]; dup {
		return ErrExists
	}
	if _, dup := s.tokens[g.Token]; dup {
		return ErrExists
	}
	s.grants[g.ID] = g
	s.tokens[g.Token] = g
	return nil
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
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.grants[grantID]
	if !ok || g.KeyID != keyID {
		return ErrNotFound
	}
	delete(s.grants, g.ID)
	delete(s.tokens, g.Token)
	return nil
}

// ListGrants returns the grants of keyID ordered by creation time then ID.
// Grants are immutable once stored, so the pointers may be shared.
func (s *Store) ListGrants(keyID string) []*Grant {
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
