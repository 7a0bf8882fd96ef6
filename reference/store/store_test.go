package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference/mac"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newKey(t testing.TB, s *Store, id string, m Mutable) *Key {
	t.Helper()
	k := &Key{ID: id, ARN: "arn:aws:kms:us-east-1:111122223333:key/" + id, KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC", Origin: "AWS_KMS"}
	if err := s.AddKey(k, m); err != nil {
		t.Fatal(err)
	}
	return k
}

func hmacKey(t testing.TB) *mac.Key {
	sp, _ := mac.ByKeySpec("HMAC_256")
	k, err := mac.NewKey(sp, make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestAddLookupUpdate(t *testing.T) {
	s := New(nil)
	mk := hmacKey(t)
	newKey(t, s, "k1", Mutable{State: Enabled, MAC: mk, HasMaterial: true})
	if err := s.AddKey(&Key{ID: "k1"}, Mutable{}); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate AddKey: %v, want ErrExists", err)
	}
	v, ok := s.Lookup("k1")
	if !ok || v.State != Enabled || v.MAC != mk || v.Key.ID != "k1" {
		t.Fatalf("Lookup = %+v, %v", v, ok)
	}
	if _, ok := s.Lookup("nope"); ok {
		t.Fatal("Lookup of a missing key succeeded")
	}
	// An error from the callback discards its changes.
	boom := errors.New("boom")
	err := s.Update("k1", func(_ *Key, m *Mutable) error {
		m.State = Disabled
		m.Tags = append(m.Tags, Tag{"a", "b"})
		return boom
	})
	if err != boom {
		t.Fatalf("Update error = %v", err)
	}
	if _, m, _ := s.Snapshot("k1"); m.State != Enabled || len(m.Tags) != 0 {
		t.Fatalf("failed Update leaked changes: %+v", m)
	}
	if err := s.Update("k1", func(_ *Key, m *Mutable) error { m.State = Disabled; return nil }); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Lookup("k1"); v.State != Disabled {
		t.Fatalf("state after Update = %s", v.State)
	}
	if err := s.Update("nope", func(*Key, *Mutable) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Update missing = %v", err)
	}
}

func TestMaterialExpiry(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	s := New(c.now)
	newKey(t, s, "k", Mutable{State: Enabled, MAC: hmacKey(t), HasMaterial: true,
		ExpirationModel: MaterialExpires, ValidTo: c.now().Add(time.Hour)})
	if v, _ := s.Lookup("k"); v.State != Enabled || v.MAC == nil {
		t.Fatalf("before ValidTo: %+v", v)
	}
	c.add(time.Hour)
	v, _ := s.Lookup("k")
	if v.State != PendingImport || v.MAC != nil {
		t.Fatalf("at ValidTo: state %s mac %v, want PendingImport and no MAC", v.State, v.MAC)
	}
	_, m, _ := s.Snapshot("k")
	if m.State != PendingImport || m.ExpirationModel != "" || !m.ValidTo.IsZero() || m.HasMaterial {
		t.Fatalf("snapshot after expiry: %+v", m)
	}
	// Update sees (and stores) the expired state.
	var seen State
	_ = s.Update("k", func(_ *Key, m *Mutable) error { seen = m.State; return nil })
	if seen != PendingImport {
		t.Fatalf("Update saw %s", seen)
	}
}

func TestListKeysPaging(t *testing.T) {
	s := New(nil)
	for i := range 5 {
		newKey(t, s, fmt.Sprintf("k%d", i), Mutable{State: Enabled})
	}
	var got []string
	marker := ""
	for pages := 0; ; pages++ {
		keys, next, ok := s.ListKeys(marker, 2)
		if !ok || pages > 5 {
			t.Fatalf("ListKeys(%q) ok=%v pages=%d", marker, ok, pages)
		}
		for _, k := range keys {
			got = append(got, k.ID)
		}
		if next == "" {
			break
		}
		marker = next
	}
	if fmt.Sprint(got) != "[k0 k1 k2 k3 k4]" {
		t.Fatalf("keys = %v", got)
	}
	if _, _, ok := s.ListKeys("bogus", 2); ok {
		t.Fatal("unknown marker accepted")
	}
}

func TestAliases(t *testing.T) {
	s := New(nil)
	newKey(t, s, "k1", Mutable{State: Enabled})
	newKey(t, s, "k2", Mutable{State: Enabled})
	tests := []struct {
		name string
		do   func() error
		want error
	}{
		{"create", func() error { return s.CreateAlias("alias/a", "k1") }, nil},
		{"duplicate", func() error { return s.CreateAlias("alias/a", "k2") }, ErrExists},
		{"missing key", func() error { return s.CreateAlias("alias/b", "zz") }, ErrNotFound},
		{"create b", func() error { return s.CreateAlias("alias/b", "k1") }, nil},
		{"update", func() error { return s.UpdateAlias("alias/a", "k2", nil) }, nil},
		{"update missing", func() error { return s.UpdateAlias("alias/zz", "k2", nil) }, ErrNotFound},
		{"update vetoed", func() error {
			return s.UpdateAlias("alias/b", "k2", func(o, n *Key) error { return ErrExists })
		}, ErrExists},
		{"delete missing", func() error { return s.DeleteAlias("alias/zz") }, ErrNotFound},
	}
	for _, tt := range tests {
		if err := tt.do(); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if v, ok := s.LookupAlias("alias/a"); !ok || v.Key.ID != "k2" {
		t.Fatalf("alias/a → %+v %v, want k2", v, ok)
	}
	if v, _ := s.LookupAlias("alias/b"); v.Key.ID != "k1" {
		t.Fatalf("vetoed update changed alias/b to %s", v.Key.ID)
	}
	list, next, ok := s.ListAliases("k1", "", 10)
	if !ok || next != "" || len(list) != 1 || list[0].Name != "alias/b" {
		t.Fatalf("ListAliases(k1) = %+v %q %v", list, next, ok)
	}
	list, next, _ = s.ListAliases("", "", 1)
	if len(list) != 1 || list[0].Name != "alias/a" || next != "alias/b" {
		t.Fatalf("page 1 = %+v next %q", list, next)
	}
	if err := s.DeleteAlias("alias/a"); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.LookupAlias("alias/a"); ok {
		t.Fatal("deleted alias still resolves")
	}
}

func TestGrants(t *testing.T) {
	s := New(nil)
	newKey(t, s, "k1", Mutable{State: Enabled})
	g := &Grant{ID: "g1", Token: "t1", KeyID: "k1", Created: time.Unix(1, 0)}
	if err := s.AddGrant(g); err != nil {
		t.Fatal(err)
	}
	if err := s.AddGrant(&Grant{ID: "g1", Token: "t2", KeyID: "k1"}); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate id: %v", err)
	}
	if err := s.AddGrant(&Grant{ID: "g2", Token: "t2", KeyID: "nokey"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing key: %v", err)
	}
	if !s.ValidToken("t1") || s.ValidToken("t2") {
		t.Fatal("token validity wrong")
	}
	if err := s.RemoveGrant("other", "g1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("remove on wrong key: %v", err)
	}
	if n := len(s.ListGrants("k1")); n != 1 {
		t.Fatalf("ListGrants = %d", n)
	}
	if err := s.RemoveGrant("k1", "g1"); err != nil {
		t.Fatal(err)
	}
	if s.ValidToken("t1") || len(s.ListGrants("k1")) != 0 {
		t.Fatal("removed grant still live")
	}
}

func TestWrappingKeyOnce(t *testing.T) {
	s := New(nil)
	var wg sync.WaitGroup
	keys := make([]any, 4)
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, der, err := s.WrappingKey("RSA_2048")
			if err != nil || len(der) == 0 {
				t.Error(err)
			}
			keys[i] = k
		}()
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if k != keys[0] {
			t.Fatal("wrapping key generated more than once")
		}
	}
	if _, _, err := s.WrappingKey("RSA_1024"); err == nil {
		t.Fatal("unknown spec accepted")
	}
}

func TestImportParamsPurge(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	s := New(c.now)
	s.AddImport(&ImportParams{Token: "old", ExpiresAt: c.now().Add(time.Hour)})
	c.add(2 * time.Hour)
	s.AddImport(&ImportParams{Token: "new", ExpiresAt: c.now().Add(time.Hour)})
	if _, ok := s.Import("old"); !ok {
		t.Fatal("recently expired parameters purged too early")
	}
	c.add(48 * time.Hour)
	s.AddImport(&ImportParams{Token: "newer", ExpiresAt: c.now().Add(time.Hour)})
	if _, ok := s.Import("old"); ok {
		t.Fatal("long-expired parameters kept")
	}
}

// TestConcurrent mixes readers and writers; run with -race.
func TestConcurrent(t *testing.T) {
	s := New(nil)
	mk := hmacKey(t)
	for i := range 50 {
		newKey(t, s, fmt.Sprintf("k%d", i), Mutable{State: Enabled, MAC: mk, HasMaterial: true})
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				id := fmt.Sprintf("k%d", (i*7+w)%50)
				switch i % 5 {
				case 0:
					_ = s.Update(id, func(_ *Key, m *Mutable) error {
						if m.State == Enabled {
							m.State = Disabled
						} else {
							m.State = Enabled
						}
						return nil
					})
				case 1:
					_ = s.CreateAlias(fmt.Sprintf("alias/%d-%d", w, i), id)
				case 2:
					_, _, _ = s.ListAliases("", "", 10)
				case 3:
					newKey(t, s, fmt.Sprintf("n%d-%d", w, i), Mutable{State: Enabled})
				default:
					if v, ok := s.Lookup(id); !ok || v.MAC == nil {
						t.Errorf("Lookup(%s) = %+v", id, v)
					}
					_, _, _ = s.ListKeys("", 20)
				}
			}
		}()
	}
	wg.Wait()
	if n := s.KeyCount(); n != 50+8*100 {
		t.Fatalf("KeyCount = %d", n)
	}
}
