package store

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// A Backend makes the store durable: every change is handed to Apply as
// a few records, and Apply returns only once they are on disk (fsync), so a
// change the service answered 200 for survives a crash. Load replays the
// saved records at start. The store owns the record format (JSON); a
// backend only keeps bytes under (kind, id). Package boltstore is the one
// the reference ships.
type Backend interface {
	Apply(ops []Op) error
	Load(fn func(kind Kind, id string, data []byte) error) error
	Close() error
}

// Kind names the collection a record belongs to.
type Kind uint8

// The record kinds, one bucket each in a backend.
const (
	KindKey Kind = iota + 1
	KindAlias
	KindGrant
	KindImport
)

// Kinds lists every record kind, for backends that create their buckets.
var Kinds = []Kind{KindKey, KindAlias, KindGrant, KindImport}

func (k Kind) String() string {
	switch k {
	case KindKey:
		return "keys"
	case KindAlias:
		return "aliases"
	case KindGrant:
		return "grants"
	case KindImport:
		return "imports"
	}
	return fmt.Sprintf("kind%d", uint8(k))
}

// Op puts Data under (Kind, ID), or deletes that record when Data is nil.
type Op struct {
	Kind Kind
	ID   string
	Data []byte
}

// ErrPersist wraps a backend failure: the change was not made.
var ErrPersist = errors.New("store: cannot save the change")

// Open returns a store holding what b saved, writing every later change
// through b. The store does not close b; its owner does, after the last
// write.
func Open(b Backend, now func() time.Time) (*Store, error) {
	s := New(now)
	s.backend = b
	var keys []*Key
	err := b.Load(func(kind Kind, id string, data []byte) error {
		if err := s.loadRecord(kind, data, &keys); err != nil {
			return fmt.Errorf("%s record %q: %w", kind, id, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(keys, func(a, b *Key) int { return compareOrd(a.ord, b.ord) })
	for i, k := range keys {
		k.seq = i
		s.nextOrd = max(s.nextOrd, k.ord+1)
	}
	s.order = keys
	for _, g := range s.grants {
		if _, ok := s.keys[g.KeyID]; !ok {
			return nil, fmt.Errorf("grant %q names key %q, which is not stored", g.ID, g.KeyID)
		}
	}
	for _, a := range s.aliases {
		if _, ok := s.keys[a.TargetKeyID]; !ok {
			return nil, fmt.Errorf("alias %q names key %q, which is not stored", a.Name, a.TargetKeyID)
		}
	}
	s.resetDue()
	return s, nil
}

func compareOrd(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Store) loadRecord(kind Kind, data []byte, keys *[]*Key) error {
	switch kind {
	case KindKey:
		k, err := decodeKey(data)
		if err != nil {
			return err
		}
		if _, dup := s.keys[k.ID]; dup {
			return ErrExists
		}
		s.keys[k.ID] = k
		*keys = append(*keys, k)
	case KindAlias:
		a, err := decodeAlias(data)
		if err != nil {
			return err
		}
		s.aliases[a.Name] = a
	case KindGrant:
		g, err := decodeGrant(data)
		if err != nil {
			return err
		}
		s.grants[g.ID] = g
		s.tokens[g.Token] = g
	case KindImport:
		p, err := decodeImport(data)
		if err != nil {
			return err
		}
		s.imports[p.Token] = p
	default:
		return fmt.Errorf("unknown record kind %d", kind)
	}
	return nil
}

// write runs fn under both locks. fn changes memory and returns the records
// that save the change and how to undo it. The write lock mu is released
// before the backend writes, so readers (GenerateMac) do not wait for the
// disk; wmu keeps writers, and their records, in order. If saving fails the
// change is undone and the error wraps ErrPersist. Readers may see a change
// for the moments before it is saved (or undone); no caller answers for it
// before then.
func (s *Store) write(fn func() (ops []Op, undo func(), err error)) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	ops, undo, err := fn()
	s.mu.Unlock()
	if err != nil || s.backend == nil || len(ops) == 0 {
		return err
	}
	if err := s.backend.Apply(ops); err != nil {
		if undo != nil {
			s.mu.Lock()
			undo()
			s.mu.Unlock()
		}
		return fmt.Errorf("%w: %v", ErrPersist, err)
	}
	return nil
}

// durable reports whether changes are saved, so writers build records only
// when someone keeps them.
func (s *Store) durable() bool { return s.backend != nil }
