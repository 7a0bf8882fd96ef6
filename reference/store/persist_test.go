package store

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference/mac"
)

// memBackend keeps records in maps; fail makes Apply refuse.
type memBackend struct {
	mu   sync.Mutex
	recs map[Kind]map[string][]byte
	fail error
	n    int // Apply calls that succeeded
}

func newMemBackend() *memBackend {
	b := &memBackend{recs: map[Kind]map[string][]byte{}}
	for _, k := range Kinds {
		b.recs[k] = map[string][]byte{}
	}
	return b
}

func (b *memBackend) Apply(ops []Op) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail != nil {
		return b.fail
	}
	for _, op := range ops {
		if op.Data == nil {
			delete(b.recs[op.Kind], op.ID)
		} else {
			b.recs[op.Kind][op.ID] = append([]byte(nil), op.Data...)
		}
	}
	b.n++
	return nil
}

func (b *memBackend) Load(fn func(Kind, string, []byte) error) error {
	for _, k := range Kinds {
		for id, d := range b.recs[k] {
			if err := fn(k, id, d); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b *memBackend) Close() error { return nil }

func materialKey(t *testing.T, material []byte) *mac.Key {
	sp, _ := mac.ByKeySpec("HMAC_384")
	k, err := mac.NewKey(sp, material)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestPersistRoundTrip(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0).UTC()}
	b := newMemBackend()
	s, err := Open(b, c.now)
	if err != nil {
		t.Fatal(err)
	}
	material := []byte("0123456789abcdef0123456789abcdef0123456789abcdef")
	digest := [32]byte{1, 2, 3}
	for i := range 3 {
		k := &Key{ID: fmt.Sprintf("k%d", i), ARN: fmt.Sprintf("arn:aws:kms:us-east-1:111122223333:key/k%d", i),
			KeySpec: "HMAC_384", KeyUsage: "GENERATE_VERIFY_MAC", Origin: "AWS_KMS", Created: c.now()}
		if err := s.AddKey(k, Mutable{State: Enabled, MAC: materialKey(t, material), HasMaterial: true}); err != nil {
			t.Fatal(err)
		}
	}
	err = s.Update("k1", func(_ *Key, m *Mutable) error {
		m.State, m.DeletionDate, m.PendingWindowDays = PendingDeletion, c.now().Add(7*24*time.Hour), 7
		m.Tags = []Tag{{"a", "1"}, {"b", ""}}
		m.Description, m.Policy, m.RotationEnabled = "d", `{"p":1}`, true
		m.Imported, m.ExpirationModel, m.ValidTo = &digest, MaterialExpires, c.now().Add(time.Hour)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	must(t, s.CreateAlias("alias/x", "k2"))
	must(t, s.AddGrant(&Grant{ID: "g1", Token: "t1", KeyID: "k0", Operations: []string{"GenerateMac"},
		EncryptionContextEquals: map[string]string{"a": "b"}, Created: c.now()}))
	priv, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	must(t, s.AddImport(&ImportParams{Token: "\x00\xfftok", KeyID: "k0", WrappingSpec: "RSA_2048",
		Algorithm: "RSAES_OAEP_SHA_256", ExpiresAt: c.now().Add(time.Hour), Private: priv}))

	r, err := Open(b, c.now)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"k0", "k1", "k2"} {
		k1, m1, _ := s.Snapshot(id)
		k2, m2, ok := r.Snapshot(id)
		if !ok {
			t.Fatalf("%s not reloaded", id)
		}
		if k1.ARN != k2.ARN || k1.Created != k2.Created || k1.KeySpec != k2.KeySpec || k1.ord != k2.ord {
			t.Errorf("%s identity %+v, want %+v", id, k2, k1)
		}
		msg := []byte("same message")
		if got, want := m2.MAC.Sum(nil, msg), mac.Sum(m1.MAC.Spec(), material, msg); string(got) != string(want) {
			t.Errorf("%s: reloaded key gives another MAC", id)
		}
		m1.MAC, m2.MAC = nil, nil
		if !reflect.DeepEqual(m1, m2) {
			t.Errorf("%s mutable %+v, want %+v", id, m2, m1)
		}
	}
	if keys, _, _ := r.ListKeys("", 10); len(keys) != 3 || keys[0].ID != "k0" || keys[2].ID != "k2" {
		t.Errorf("reloaded order %v", keys)
	}
	if a, ok := r.GetAlias("alias/x"); !ok || a.TargetKeyID != "k2" {
		t.Errorf("alias %+v %v", a, ok)
	}
	if g, ok := r.GrantByToken("t1"); !ok || g.ID != "g1" || g.EncryptionContextEquals["a"] != "b" {
		t.Errorf("grant %+v %v", g, ok)
	}
	if p, ok := r.Import("\x00\xfftok"); !ok || !p.Private.Equal(priv) || p.KeyID != "k0" {
		t.Errorf("import params %+v %v", p, ok)
	}
	// New keys after a reload come after the old ones.
	must(t, r.AddKey(&Key{ID: "k3", ARN: "arn:k3"}, Mutable{State: Enabled}))
	if keys, _, _ := r.ListKeys("", 10); len(keys) != 4 || keys[3].ID != "k3" {
		t.Errorf("order after reload and add: %v", keys)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A change the backend could not save is not made.
func TestPersistFailureUndoes(t *testing.T) {
	b := newMemBackend()
	s, err := Open(b, nil)
	must(t, err)
	must(t, s.AddKey(&Key{ID: "k0", ARN: "arn:k0"}, Mutable{State: Enabled}))
	must(t, s.CreateAlias("alias/a", "k0"))
	b.fail = errors.New("disk full")
	checks := map[string]error{
		"AddKey":      s.AddKey(&Key{ID: "k1", ARN: "arn:k1"}, Mutable{State: Enabled}),
		"Update":      s.Update("k0", func(_ *Key, m *Mutable) error { m.State = Disabled; return nil }),
		"CreateAlias": s.CreateAlias("alias/b", "k0"),
		"DeleteAlias": s.DeleteAlias("alias/a"),
		"AddGrant":    s.AddGrant(&Grant{ID: "g", Token: "t", KeyID: "k0"}),
	}
	for name, err := range checks {
		if !errors.Is(err, ErrPersist) {
			t.Errorf("%s: %v, want ErrPersist", name, err)
		}
	}
	if _, ok := s.Lookup("k1"); ok || s.KeyCount() != 1 {
		t.Error("unsaved key kept")
	}
	if v, _ := s.Lookup("k0"); v.State != Enabled {
		t.Errorf("unsaved update kept: %s", v.State)
	}
	if _, ok := s.GetAlias("alias/b"); ok {
		t.Error("unsaved alias kept")
	}
	if _, ok := s.GetAlias("alias/a"); !ok {
		t.Error("unsaved alias deletion kept")
	}
	if s.ValidToken("t") {
		t.Error("unsaved grant kept")
	}
	b.fail = nil
	must(t, s.AddKey(&Key{ID: "k1", ARN: "arn:k1"}, Mutable{State: Enabled}))
	if keys, _, _ := s.ListKeys("", 10); len(keys) != 2 || keys[1].seq != 1 {
		t.Errorf("order after an undone add: %v", keys)
	}
}

func TestLoadRejectsDamagedRecords(t *testing.T) {
	for name, rec := range map[string]struct {
		kind Kind
		data string
	}{
		"not json":         {KindKey, "{"},
		"no id":            {KindKey, `{"ARN":"x"}`},
		"bad mac state":    {KindKey, `{"ID":"k","ARN":"arn:k","KeySpec":"HMAC_256","MACInner":"AAAA","MACOuter":"AAAA"}`},
		"alias to nothing": {KindAlias, `{"Name":"alias/a","TargetKeyID":"nokey"}`},
		"grant to nothing": {KindGrant, `{"ID":"g","Token":"t","KeyID":"nokey"}`},
		"bad import key":   {KindImport, `{"Token":"AA==","PrivateDER":"AA=="}`},
	} {
		b := newMemBackend()
		b.recs[rec.kind]["x"] = []byte(rec.data)
		if _, err := Open(b, nil); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func TestDeletionWindowEnds(t *testing.T) {
	for _, durable := range []bool{false, true} {
		c := &clock{t: time.Unix(1_700_000_000, 0)}
		b := newMemBackend()
		s := New(c.now)
		if durable {
			var err error
			s, err = Open(b, c.now)
			must(t, err)
		}
		for _, id := range []string{"k0", "k1"} {
			must(t, s.AddKey(&Key{ID: id, ARN: "arn:" + id}, Mutable{State: Enabled}))
		}
		must(t, s.CreateAlias("alias/gone", "k0"))
		must(t, s.CreateAlias("alias/kept", "k1"))
		must(t, s.AddGrant(&Grant{ID: "g0", Token: "t0", KeyID: "k0"}))
		must(t, s.Update("k0", func(_ *Key, m *Mutable) error {
			m.State, m.DeletionDate = PendingDeletion, c.now().Add(7*24*time.Hour)
			return nil
		}))
		c.add(7*24*time.Hour - time.Second)
		if v, ok := s.Lookup("k0"); !ok || v.State != PendingDeletion {
			t.Fatalf("durable=%v: key gone before its window ended: %+v", durable, v)
		}
		c.add(time.Second)
		if _, ok := s.Lookup("k0"); ok {
			t.Fatalf("durable=%v: key still there when its window ended", durable)
		}
		if _, ok := s.LookupAlias("alias/gone"); ok {
			t.Fatal("alias of a deleted key still resolves")
		}
		if err := s.Update("k0", func(*Key, *Mutable) error { return nil }); !errors.Is(err, ErrNotFound) {
			t.Fatalf("update of a deleted key: %v", err)
		}
		keys, _, _ := s.ListKeys("", 10) // sweeps
		if len(keys) != 1 || keys[0].ID != "k1" || keys[0].seq != 0 {
			t.Fatalf("keys after the window: %v", keys)
		}
		if s.ValidToken("t0") || len(s.ListGrants("k0")) != 0 {
			t.Fatal("grant of a deleted key kept")
		}
		if as, _, _ := s.ListAliases("", "", 10); len(as) != 1 || as[0].Name != "alias/kept" {
			t.Fatalf("aliases after the window: %+v", as)
		}
		if durable {
			if len(b.recs[KindKey]) != 1 || len(b.recs[KindAlias]) != 1 || len(b.recs[KindGrant]) != 0 {
				t.Fatalf("saved records after the sweep: %d keys %d aliases %d grants",
					len(b.recs[KindKey]), len(b.recs[KindAlias]), len(b.recs[KindGrant]))
			}
		}
		if n, err := s.Sweep(); n != 0 || err != nil {
			t.Fatalf("second sweep: %d %v", n, err)
		}
	}
}
