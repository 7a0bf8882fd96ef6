// Package multiregion is the reference's multi-Region key logic (rules.md
// §12, MRK-1..8): what a replica copies from its primary, how a replica
// settles after its transient Creating state, which copy is the primary,
// and the errors of ReplicateKey and UpdatePrimaryRegion. It works on
// reference/store keys only; it knows nothing of HTTP, JSON bodies or the
// Service that calls it (the service imports it, never the reverse).
package multiregion

import (
	"sort"
	"time"

	"github.com/kmsmac/kmsmac/reference/awsjson"
	"github.com/kmsmac/kmsmac/reference/store"
)

// CreatingFor is how long a new replica stays Creating before it settles
// (MRK-4): hundreds of loopback round trips, so a client sees it even on a
// loaded machine, and short enough that the harness's state polls (every
// 50 ms for the first second) do not make replica scenarios the slowest.
const CreatingFor = 400 * time.Millisecond

// Replica returns the replica of primary (k, m) in another Region: the same
// key ID, spec, usage, origin and key material (MRK-2), its own ARN, date,
// description, policy and tags (MRK-5), state Creating. A primary with
// imported material gives a replica without material that accepts only the
// same material (MRK-6: the digest of the first import is copied).
func Replica(k *store.Key, m store.Mutable, arn string, now time.Time) (*store.Key, store.Mutable) {
	r := &store.Key{ID: arn[len(arn)-len(k.ID):], ARN: arn, KeySpec: k.KeySpec, KeyUsage: k.KeyUsage,
		Origin: k.Origin, Created: now, MultiRegion: true}
	rm := store.Mutable{State: store.Creating, Replica: true, Imported: m.Imported}
	if k.Origin != "EXTERNAL" {
		rm.MAC, rm.HasMaterial = m.MAC, m.HasMaterial
	}
	return r, rm
}

// Settle ends a replica's Creating state: Enabled with material,
// PendingImport without (MRK-4, MRK-6). Other states are left alone.
func Settle(m *store.Mutable) {
	if m.State != store.Creating {
		return
	}
	m.State = store.Enabled
	if !m.HasMaterial {
		m.State = store.PendingImport
	}
}

// Copy is one Region's copy of a multi-Region key.
type Copy struct {
	Region, ARN string
	Replica     bool
}

// Arrange returns the primary and the replicas (sorted by Region) among
// the copies of one key; ok is false when no copy is the primary.
func Arrange(copies []Copy) (primary Copy, replicas []Copy, ok bool) {
	replicas = []Copy{}
	for _, c := range copies {
		if c.Replica {
			replicas = append(replicas, c)
		} else {
			primary, ok = c, true
		}
	}
	sort.Slice(replicas, func(i, j int) bool { return replicas[i].Region < replicas[j].Region })
	return primary, replicas, ok
}

// ErrNotPrimary is MRK-7 (and UpdatePrimaryRegion on anything but a
// primary): the recorded text.
func ErrNotPrimary(arn string) *awsjson.Error {
	return awsjson.ClientError("UnsupportedOperationException", arn+" is not a multi-region primary key.")
}

// ErrRegion is a ReplicaRegion or PrimaryRegion the endpoint does not serve.
func ErrRegion(region string) *awsjson.Error {
	return awsjson.ClientError("UnsupportedOperationException", "Region "+awsjson.Safe(region)+" is not served by this endpoint.")
}

// ErrSameRegion is a replica asked for in the primary's own Region.
func ErrSameRegion(region string) *awsjson.Error {
	return awsjson.ClientError("ValidationException", "The replica Region "+region+" is the Region of the primary key.")
}

// ErrReplicaExists is a second replica in one Region.
func ErrReplicaExists(arn string) *awsjson.Error {
	return awsjson.ClientError("AlreadyExistsException", arn+" already exists.")
}

// Region is one served Region's view of an account's keys.
type Region struct {
	Name      string
	Store     *store.Store
	ARNPrefix string // arn:<partition>:kms:<region>:<account>:
}

// KeyARN is the ARN of key id in r.
func (r Region) KeyARN(id string) string { return r.ARNPrefix + "key/" + id }

// Peers are an account's Regions, by name.
type Peers map[string]Region

// Copies are the copies of key id in every Region, seen from self, whose
// copy (arn, replica) the caller already holds.
func (p Peers) Copies(self, arn string, replica bool, id string) []Copy {
	out := []Copy{{Region: self, ARN: arn, Replica: replica}}
	for name, r := range p {
		if name == self {
			continue
		}
		if _, m, ok := r.Store.Snapshot(id); ok {
			out = append(out, Copy{Region: name, ARN: r.KeyARN(id), Replica: m.Replica})
		}
	}
	return out
}

// HasReplicas reports whether primary id has a copy in another Region.
func (p Peers) HasReplicas(self, id string) bool {
	for name, r := range p {
		if name != self {
			if _, _, ok := r.Store.Snapshot(id); ok {
				return true
			}
		}
	}
	return false
}

// CheckReplicate applies ReplicateKey's checks to primary (k, m) in self:
// a primary (MRK-7), in a state that allows it, to another served Region.
// stateErr is the caller's key-state error.
func (p Peers) CheckReplicate(self string, k *store.Key, m store.Mutable, region string, stateErr func(string, store.State) error) (Region, error) {
	if !k.MultiRegion || m.Replica {
		return Region{}, ErrNotPrimary(k.ARN)
	}
	switch m.State {
	case store.Enabled, store.Disabled, store.PendingImport:
	default:
		return Region{}, stateErr(k.ARN, m.State)
	}
	dst, ok := p[region]
	switch {
	case region == self:
		return Region{}, ErrSameRegion(region)
	case !ok:
		return Region{}, ErrRegion(region)
	}
	return dst, nil
}

// Add stores replica (rk, rm) in dst and settles it after CreatingFor.
func Add(dst Region, rk *store.Key, rm store.Mutable) error {
	if err := dst.Store.AddKey(rk, rm); err != nil {
		if err == store.ErrExists {
			return ErrReplicaExists(rk.ARN)
		}
		return err
	}
	time.AfterFunc(CreatingFor, func() { SettleKey(dst.Store, rk.ID) })
	return nil
}

// SettleKey settles key id in st (an error means the key went meanwhile).
func SettleKey(st *store.Store, id string) {
	_ = st.Update(id, func(_ *store.Key, m *store.Mutable) error {
		Settle(m)
		return nil
	})
}

// SettleAll settles every replica a restart left Creating.
func SettleAll(st *store.Store) {
	for marker := ""; ; {
		keys, next, _ := st.ListKeys(marker, 1000)
		for _, k := range keys {
			if k.MultiRegion {
				SettleKey(st, k.ID)
			}
		}
		if next == "" {
			return
		}
		marker = next
	}
}

// UpdatePrimary moves the primary mark of key k (the primary, in self) to
// its replica in region. AWS's transient Updating state is not modelled.
func (p Peers) UpdatePrimary(self string, k *store.Key, m store.Mutable, region string, stateErr func(string, store.State) error) error {
	if !k.MultiRegion || m.Replica {
		return ErrNotPrimary(k.ARN)
	}
	if region == self {
		return nil // already the primary
	}
	dst, ok := p[region]
	if !ok {
		return ErrRegion(region)
	}
	err := dst.Store.Update(k.ID, func(_ *store.Key, rm *store.Mutable) error {
		if rm.State != store.Enabled && rm.State != store.Disabled && rm.State != store.PendingImport {
			return stateErr(dst.KeyARN(k.ID), rm.State)
		}
		rm.Replica = false
		return nil
	})
	if err == store.ErrNotFound {
		return awsjson.ClientError("NotFoundException", "Key '"+dst.KeyARN(k.ID)+"' does not exist")
	}
	if err != nil {
		return err
	}
	return p[self].Store.Update(k.ID, func(_ *store.Key, m *store.Mutable) error { m.Replica = true; return nil })
}
