package store

import (
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kmsmac/kmsmac/reference/mac"
)

// ErrNotFound is returned when a key, alias or grant does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrExists is returned when creating a key or alias whose name is taken.
var ErrExists = errors.New("store: already exists")

// Store holds every key, alias, grant and import parameter of one endpoint.
type Store struct {
	now func() time.Time

	// wmu orders writers and the saving of their changes; it is taken
	// before mu (see write). backend is nil for a store in memory only.
	wmu     sync.Mutex
	backend Backend
	nextOrd uint64
	// due is the earliest DeletionDate of a key pending deletion (Unix
	// nanoseconds; 0 for none), so checking for work costs one load.
	due atomic.Int64

	mu      sync.RWMutex
	keys    map[string]*Key
	order   []*Key // creation order, for ListKeys
	aliases map[string]*Alias
	grants  map[string]*Grant // by grant ID
	tokens  map[string]*Grant // by grant token
	imports map[string]*ImportParams
	limits  Limits
}

// New returns an empty store whose clock is now (time.Now when nil).
func New(now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{
		now:     now,
		keys:    make(map[string]*Key),
		aliases: make(map[string]*Alias),
		grants:  make(map[string]*Grant),
		tokens:  make(map[string]*Grant),
		imports: make(map[string]*ImportParams),
	}
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// AddKey stores a new key with its initial mutable state. The key's ID must
// be unused (ErrExists otherwise).
func (s *Store) AddKey(k *Key, m Mutable) error {
	return s.write(func() ([]Op, func(), error) {
		if _, dup := s.keys[k.ID]; dup {
			return nil, nil, ErrExists
		}
		if overLocked(s.limits.Keys, len(s.keys)) {
			return nil, nil, ErrLimit
		}
		k.seq, k.ord = len(s.order), s.nextOrd
		s.nextOrd++
		k.m = m
		s.keys[k.ID] = k
		s.order = append(s.order, k)
		s.noteDue(&k.m)
		if !s.durable() {
			return nil, nil, nil
		}
		undo := func() {
			delete(s.keys, k.ID)
			s.order = s.order[:len(s.order)-1] // wmu: nothing was added since
			s.nextOrd--
		}
		return []Op{{KindKey, k.ID, encodeKey(k)}}, undo, nil
	})
}

// View is what a cryptographic operation needs from a key: its identity,
// its effective state and its MAC state. Producing one copies no record.
type View struct {
	Key    *Key
	State  State
	MAC    *mac.Key
	Policy string // the key policy; "" is the default
}

// Lookup returns the view of the key with this ID. Expired imported
// material makes the view PendingImport without changing the stored key.
func (s *Store) Lookup(id string) (View, bool) {
	s.mu.RLock()
	k, ok := s.keys[id]
	if !ok || s.goneLocked(k) {
		s.mu.RUnlock()
		return View{}, false
	}
	v := s.viewLocked(k)
	s.mu.RUnlock()
	return v, true
}

// LookupAlias resolves an alias name ("alias/...") to its key's view.
// aliasFound is false when the alias does not exist.
func (s *Store) LookupAlias(name string) (v View, aliasFound bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.aliases[name]
	if !ok {
		return View{}, false
	}
	k, ok := s.keys[a.TargetKeyID]
	if !ok || s.goneLocked(k) {
		return View{}, false
	}
	return s.viewLocked(k), true
}

func (s *Store) viewLocked(k *Key) View {
	v := View{Key: k, State: k.m.State, MAC: k.m.MAC, Policy: k.m.Policy}
	// Only keys with expiring material pay for reading the clock.
	if k.m.ExpirationModel == MaterialExpires && k.m.expired(s.now()) {
		v.State, v.MAC = PendingImport, nil
		if k.m.State == PendingDeletion || k.m.State == PendingReplicaDeletion {
			v.State = k.m.State
		}
	}
	return v
}

// Snapshot returns the key and a copy of its effective mutable state.
func (s *Store) Snapshot(id string) (*Key, Mutable, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.keys[id]
	if !ok || s.goneLocked(k) {
		return nil, Mutable{}, false
	}
	m := k.m.effective(s.now())
	m.Tags = append([]Tag(nil), m.Tags...)
	return k, m, true
}

// Update runs fn on the key's mutable state under the write lock, after
// applying material expiry. If fn returns an error, the changes it made are
// discarded and the error is returned. ErrNotFound if the key is missing.
func (s *Store) Update(id string, fn func(k *Key, m *Mutable) error) error {
	return s.write(func() ([]Op, func(), error) {
		k, ok := s.keys[id]
		if !ok || s.goneLocked(k) {
			return nil, nil, ErrNotFound
		}
		old := k.m
		if k.m.expired(s.now()) {
			k.m.DropMaterial()
		}
		m := k.m
		m.Tags = append([]Tag(nil), k.m.Tags...)
		if err := fn(k, &m); err != nil {
			k.m = old
			return nil, nil, err
		}
		k.m = m
		s.noteDue(&k.m)
		if !s.durable() {
			return nil, nil, nil
		}
		return []Op{{KindKey, k.ID, encodeKey(k)}}, func() { k.m = old }, nil
	})
}

// KeyCount returns how many keys exist.
func (s *Store) KeyCount() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.order)
}

// ListKeys returns up to limit keys in creation order, starting at the key
// named by marker (its ID; "" for the start), and the marker of the next
// page ("" when this is the last). ok is false for an unknown marker.
func (s *Store) ListKeys(marker string, limit int) (keys []*Key, next string, ok bool) {
	s.SweepIfDue()
	s.mu.RLock()
	defer s.mu.RUnlock()
	start := 0
	if marker != "" {
		k, found := s.keys[marker]
		if !found {
			return nil, "", false
		}
		start = k.seq
	}
	end := min(start+limit, len(s.order))
	keys = append(keys, s.order[start:end]...)
	if end < len(s.order) {
		next = s.order[end].ID
	}
	return keys, next, true
}

// sortedAliasNames returns alias names in order; the caller holds mu.
func (s *Store) sortedAliasNames() []string {
	names := make([]string, 0, len(s.aliases))
	for n := range s.aliases {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
