package store

import "time"

// The end of the pending-deletion window. A key whose DeletionDate has
// passed is gone at once for every reader (goneLocked), and Sweep removes
// it, with its aliases, grants and import parameters, as KMS deletes "the
// KMS key, its key material, and all AWS KMS data associated with it,
// including all aliases that refer to it" (ScheduleKeyDeletion).

// goneLocked reports whether k's deletion window has ended. Only keys
// pending deletion pay for reading the clock. The caller holds mu.
func (s *Store) goneLocked(k *Key) bool {
	return pendingDeletion(k.m.State) && !k.m.DeletionDate.IsZero() && !s.now().Before(k.m.DeletionDate)
}

// pendingDeletion: a multi-Region primary waiting for its replicas
// (PendingReplicaDeletion) goes at its own date too; AWS would start its
// window only when the last replica is gone.
func pendingDeletion(st State) bool { return st == PendingDeletion || st == PendingReplicaDeletion }

// noteDue lowers the next sweep time to m's deletion date. The caller
// holds mu for writing.
func (s *Store) noteDue(m *Mutable) {
	if !pendingDeletion(m.State) || m.DeletionDate.IsZero() {
		return
	}
	if d, cur := m.DeletionDate.UnixNano(), s.due.Load(); cur == 0 || d < cur {
		s.due.Store(max(d, 1))
	}
}

// resetDue recomputes the next sweep time from every key; the caller holds
// mu for writing (or owns the store, while loading).
func (s *Store) resetDue() {
	s.due.Store(0)
	for _, k := range s.keys {
		s.noteDue(&k.m)
	}
}

// SweepIfDue runs Sweep when some deletion window may have ended: one
// atomic load and, only then, the clock.
func (s *Store) SweepIfDue() {
	if d := s.due.Load(); d != 0 && !s.now().Before(time.Unix(0, d)) {
		_, _ = s.Sweep()
	}
}

// Sweep deletes every key whose deletion window has ended and what belongs
// to it, and returns how many keys it deleted. With a backend the deletion
// is saved before Sweep returns; if saving fails nothing is deleted (the
// keys stay invisible to readers and the next Sweep tries again).
func (s *Store) Sweep() (int, error) {
	n := 0
	err := s.write(func() ([]Op, func(), error) {
		var gone []*Key
		for _, k := range s.keys {
			if s.goneLocked(k) {
				gone = append(gone, k)
			}
		}
		if len(gone) == 0 {
			s.resetDue()
			return nil, nil, nil
		}
		var ops []Op
		var undo []func()
		for _, k := range gone {
			ops = append(ops, Op{KindKey, k.ID, nil})
			delete(s.keys, k.ID)
			undo = append(undo, func() { s.keys[k.ID] = k })
			for name, a := range s.aliases {
				if a.TargetKeyID == k.ID {
					ops = append(ops, Op{KindAlias, name, nil})
					delete(s.aliases, name)
					undo = append(undo, func() { s.aliases[name] = a })
				}
			}
			for id, g := range s.grants {
				if g.KeyID == k.ID {
					ops = append(ops, Op{KindGrant, id, nil})
					delete(s.grants, id)
					delete(s.tokens, g.Token)
					undo = append(undo, func() { s.grants[id], s.tokens[g.Token] = g, g })
				}
			}
			for tok, p := range s.imports {
				if p.KeyID == k.ID {
					ops = append(ops, Op{KindImport, importID(tok), nil})
					delete(s.imports, tok)
					undo = append(undo, func() { s.imports[tok] = p })
				}
			}
		}
		oldOrder := s.order
		s.reorderLocked()
		s.resetDue()
		n = len(gone)
		return ops, func() {
			for _, u := range undo {
				u()
			}
			s.order = oldOrder
			for i, k := range oldOrder {
				k.seq = i
			}
			s.resetDue()
			n = 0
		}, nil
	})
	return n, err
}

// reorderLocked drops deleted keys from the creation order and renumbers
// the ListKeys positions.
func (s *Store) reorderLocked() {
	order := make([]*Key, 0, len(s.keys))
	for _, k := range s.order {
		if _, ok := s.keys[k.ID]; ok {
			k.seq = len(order)
			order = append(order, k)
		}
	}
	s.order = order
}
