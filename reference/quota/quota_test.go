package quota

import (
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestOffAllowsEverything(t *testing.T) {
	l := New(Config{}, nil)
	if l.On() {
		t.Fatal("a zero Config is on")
	}
	for i := 0; i < 1000; i++ {
		if !l.Allow("GenerateMac", "a", nil) {
			t.Fatalf("call %d refused with no quota", i)
		}
	}
}

func TestCryptoSharedAcrossOperationsPerAccount(t *testing.T) {
	c := &clock{time.Unix(1000, 0)}
	l := New(Config{Crypto: Rate{PerSecond: 1, Burst: 2}}, c.now)
	if !l.Allow("GenerateMac", "a", nil) || !l.Allow("Encrypt", "a", nil) {
		t.Fatal("the burst of 2 refused a call")
	}
	if l.Allow("VerifyMac", "a", nil) {
		t.Fatal("a third crypto call in the same instant was allowed (QUO-1: one shared bucket)")
	}
	if !l.Allow("VerifyMac", "b", nil) {
		t.Fatal("account b was throttled by account a's calls (QUO-4)")
	}
	if !l.Allow("DescribeKey", "a", nil) {
		t.Fatal("a key-management call was throttled by the crypto quota")
	}
	c.t = c.t.Add(time.Second)
	if !l.Allow("GenerateMac", "a", nil) {
		t.Fatal("one second later the bucket had no token")
	}
	if l.Allow("GenerateMac", "a", nil) {
		t.Fatal("the refill gave more than rate x elapsed")
	}
}

func TestKeyNarrowedAndHotKey(t *testing.T) {
	c := &clock{time.Unix(1000, 0)}
	l := New(Config{}, c.now)
	l.SetClass(Crypto, "k1", Rate{PerSecond: 0.001, Burst: 1})
	l.SetClass(HotKey, "k2", Rate{PerSecond: 0.001, Burst: 1})
	k := func(id string) func() string { return func() string { return id } }
	if !l.Allow("GenerateMac", "a", k("k1")) {
		t.Fatal("first call on k1 refused")
	}
	if l.Allow("VerifyMac", "a", k("k1")) {
		t.Fatal("second crypto call on k1 allowed")
	}
	if !l.Allow("VerifyMac", "b", k("k1")) {
		t.Fatal("another caller account shares a's bucket on k1")
	}
	if !l.Allow("GenerateMac", "a", k("other")) {
		t.Fatal("a key-narrowed quota throttled another key")
	}
	if !l.Allow("DisableKey", "a", k("k2")) || l.Allow("EnableKey", "b", k("k2")) {
		t.Fatal("hot key: want the first state change allowed, the second (any caller) refused")
	}
	if !l.Allow("DescribeKey", "a", k("k2")) {
		t.Fatal("a read of a hot key was throttled")
	}
	l.SetClass(Crypto, "k1", Rate{})
	l.SetClass(HotKey, "k2", Rate{})
	if l.On() || !l.Allow("GenerateMac", "a", k("k1")) || !l.Allow("EnableKey", "a", k("k2")) {
		t.Fatal("removing the key quotas did not turn them off")
	}
}

func TestControlsNeverCount(t *testing.T) {
	l := New(Config{Manage: Rate{PerSecond: 0.001, Burst: 1}}, nil)
	for i := 0; i < 5; i++ {
		if !l.Allow("KmsmacReference.SetQuota", "a", nil) {
			t.Fatal("a control was throttled: a scenario could not turn the quota off")
		}
	}
}

func TestValidateAndKeyOf(t *testing.T) {
	for _, r := range []Rate{{PerSecond: -1}, {PerSecond: 2e9}, {Burst: -1}} {
		if (Config{Crypto: r}).Validate() == nil {
			t.Errorf("%+v accepted", r)
		}
	}
	if (Config{Crypto: Rate{PerSecond: 5}}).Validate() != nil {
		t.Error("a good rate refused")
	}
	if got := KeyOf("arn:aws:kms:us-east-1:111122223333:key/abc"); got != "abc" {
		t.Errorf("KeyOf(ARN) = %q", got)
	}
	if got := KeyOf("abc"); got != "abc" {
		t.Errorf("KeyOf(id) = %q", got)
	}
}

func TestBucketsBounded(t *testing.T) {
	l := New(Config{HotKey: Rate{PerSecond: 1}}, nil)
	for i := 0; i < 3*maxBuckets; i++ {
		id := string(rune('a'+i%26)) + time.Duration(i).String()
		l.Allow("EnableKey", "a", func() string { return id })
	}
	if n := len(l.buckets); n > maxBuckets {
		t.Fatalf("%d buckets held, want at most %d", n, maxBuckets)
	}
}

// BenchmarkAllow: off is the hot path's whole cost (one atomic load); on,
// an account-wide bucket under the mutex.
func BenchmarkAllow(b *testing.B) {
	b.Run("off", func(b *testing.B) {
		l := New(Config{}, nil)
		for b.Loop() {
			l.Allow("GenerateMac", "111122223333", nil)
		}
	})
	b.Run("on", func(b *testing.B) {
		l := New(Config{Crypto: Rate{PerSecond: 1e9, Burst: 1e9}}, nil)
		for b.Loop() {
			l.Allow("GenerateMac", "111122223333", nil)
		}
	})
}
