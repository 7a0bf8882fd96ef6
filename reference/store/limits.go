package store

import "errors"

// ErrLimit is returned when a change would pass one of the store's Limits.
var ErrLimit = errors.New("store: limit exceeded")

// Limits caps what the store holds, as KMS quotas do; 0 means no cap.
type Limits struct {
	Keys         int // keys in the store (KMS: per account and Region)
	Aliases      int // aliases in the store (per account and Region)
	GrantsPerKey int // grants on one key
}

// SetLimits sets the caps for later additions; what is stored stays.
func (s *Store) SetLimits(l Limits) {
	s.mu.Lock()
	s.limits = l
	s.mu.Unlock()
}

// overLocked reports whether one more item would pass limit n (0: none).
func overLocked(n, have int) bool { return n > 0 && have >= n }

// grantsOnLocked counts the grants of one key; the caller holds mu.
func (s *Store) grantsOnLocked(keyID string) int {
	n := 0
	for _, g := range s.grants {
		if g.KeyID == keyID {
			n++
		}
	}
	return n
}
