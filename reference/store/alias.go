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
	return s.write(func() ([]Op, func(), error) {
		if _, dup := s.aliases[name]; dup {
			return nil, nil, ErrExists
		}
		if k, ok := s.keys[keyID]; !ok || s.goneLocked(k) {
			return nil, nil, ErrNotFound
		}
		if overLocked(s.limits.Aliases, len(s.aliases)) {
			return nil, nil, ErrLimit
		}
		now := s.now()
		a := &Alias{Name: name, TargetKeyID: keyID, Created: now, Updated: now}
		s.aliases[name] = a
		if !s.durable() {
			return nil, nil, nil
		}
		return []Op{{KindAlias, name, encodeAlias(a)}}, func() { delete(s.aliases, name) }, nil
	})
}

// UpdateAlias points an existing alias at another key. check, when not nil,
// runs under the lock with the current and the new target and may veto the
// change (e.g. key type mismatch).
func (s *Store) UpdateAlias(name, keyID string, check func(old, new *Key) error) error {
	return s.write(func() ([]Op, func(), error) {
		a, ok := s.aliases[name]
		if !ok || s.goneLocked(s.keys[a.TargetKeyID]) {
			return nil, nil, ErrNotFound
		}
		nk, ok := s.keys[keyID]
		if !ok || s.goneLocked(nk) {
			return nil, nil, ErrNotFound
		}
		if check != nil {
			if err := check(s.keys[a.TargetKeyID], nk); err != nil {
				return nil, nil, err
			}
		}
		na := *a // aliases handed out by ListAliases stay unchanged
		na.TargetKeyID, na.Updated = keyID, s.now()
		s.aliases[name] = &na
		if !s.durable() {
			return nil, nil, nil
		}
		return []Op{{KindAlias, name, encodeAlias(&na)}}, func() { s.aliases[name] = a }, nil
	})
}

// DeleteAlias removes an alias; ErrNotFound if it does not exist.
func (s *Store) DeleteAlias(name string) error {
	return s.write(func() ([]Op, func(), error) {
		a, ok := s.aliases[name]
		if !ok || s.goneLocked(s.keys[a.TargetKeyID]) {
			return nil, nil, ErrNotFound
		}
		delete(s.aliases, name)
		return []Op{{KindAlias, name, nil}}, func() { s.aliases[name] = a }, nil
	})
}

// GetAlias returns a copy of the alias.
func (s *Store) GetAlias(name string) (Alias, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.aliases[name]
	if !ok || s.goneLocked(s.keys[a.TargetKeyID]) {
		return Alias{}, false
	}
	return *a, true
}

// ListAliases returns aliases sorted by name, only those of keyID when it
// is not "", starting at marker (an alias name) with at most limit entries,
// and the marker of the next page ("" at the end). ok is false for a
// marker that names no alias.
func (s *Store) ListAliases(keyID, marker string, limit int) (out []Alias, next string, ok bool) {
	s.SweepIfDue()
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
