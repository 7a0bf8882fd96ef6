package store

import "time"

// Alias is a friendly name ("alias/...") for one key.
type Alias struct {
	Name        string
	TargetKeyID string
	Created     time.Time
	Updated     time.Time
}

// CreateAlias adds an alias; ErrExists if the name is taken, ErrNotFound if
// the target key does not exist.
func (s *Store) CreateAlias(name, keyID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.aliases[name]; dup {
		return ErrExists
	}
	if _, ok := s.keys[keyID]; !ok {
		return ErrNotFound
	}
	now := s.now()
	s.aliases[name] = &Alias{Name: name, TargetKeyID: keyID, Created: now, Updated: now}
	return nil
}

// UpdateAlias points an existing alias at another key. check, when not nil,
// runs under the lock with the current and the new target and may veto the
// change (e.g. key type mismatch).
func (s *Store) UpdateAlias(name, keyID string, check func(old, new *Key) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.aliases[name]
	if !ok {
		return ErrNotFound
	}
	nk, ok := s.keys[keyID]
	if !ok {
		return ErrNotFound
	}
	if check != nil {
		if err := check(s.keys[a.TargetKeyID], nk); err != nil {
			return err
		}
	}
	na := *a // aliases handed out by ListAliases stay unchanged
	na.TargetKeyID, na.Updated = keyID, s.now()
	s.aliases[name] = &na
	return nil
}

// DeleteAlias removes an alias; ErrNotFound if it does not exist.
func (s *Store) DeleteAlias(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.aliases[name]; !ok {
		return ErrNotFound
	}
	delete(s.aliases, name)
	return nil
}

// GetAlias returns a copy of the alias.
func (s *Store) GetAlias(name string) (Alias, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.aliases[name]
	if !ok {
		return Alias{}, false
	}
	return *a, true
}

// ListAliases returns aliases sorted by name, only those of keyID when it
// is not "", starting at marker (an alias name) with at most limit entries,
// and the marker of the next page ("" at the end). ok is false for a
// marker that names no alias.
func (s *Store) ListAliases(keyID, marker string, limit int) (out []Alias, next string, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := s.sortedAliasNames()
	if keyID != "" {
		kept := names[:0]
		for _, n := range names {
			if s.aliases[n].TargetKeyID == keyID {
				kept = append(kept, n)
			}
		}
		names = kept
	}
	start := 0
	if marker != "" {
		start = -1
		for i, n := range names {
			if n == marker {
				start = i
				break
			}
		}
		if start < 0 {
			return nil, "", false
		}
	}
	end := min(start+limit, len(names))
	for _, n := range names[start:end] {
		out = append(out, *s.aliases[n])
	}
	if end < len(names) {
		next = names[end]
	}
	return out, next, true
}
