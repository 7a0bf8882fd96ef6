// Package quota is the reference's request-rate quotas (rules.md §16): a
// token bucket per calling account for the cryptographic operations
// (QUO-1: GenerateMac and VerifyMac share it with Encrypt, Decrypt,
// GenerateDataKey*, GenerateRandom, ReEncrypt), one for the key-management
// operations, and a hot-key bucket per key for its state changes (QUO-5).
// Every call counts, DryRun ones too (DRY-5, QUO-4).
//
// The rates are configuration, never AWS's numbers (AMB-14). A quota can be
// narrowed to calls naming one key, so a scenario throttles only its own
// key while others run in parallel. The package knows operation names and
// time, not keys, HTTP or error shapes; the Service turns a refusal into
// ThrottlingException.
package quota

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Class is one of the quotas.
type Class int

// The quotas. None is an operation no quota counts (the controls).
const (
	None Class = iota
	Crypto
	Manage
	HotKey
)

// Names are the classes as the SetQuota control and flags spell them.
var Names = map[string]Class{"Cryptographic": Crypto, "KeyManagement": Manage, "HotKey": HotKey}

// cryptoOps share the symmetric cryptographic request-rate quota (QUO-1).
var cryptoOps = map[string]bool{"GenerateMac": true, "VerifyMac": true, "Encrypt": true, "Decrypt": true,
	"GenerateDataKey": true, "GenerateDataKeyWithoutPlaintext": true, "GenerateRandom": true, "ReEncrypt": true}

// stateChanges are the operations that change one key, for the hot-key quota.
var stateChanges = map[string]bool{"EnableKey": true, "DisableKey": true, "ScheduleKeyDeletion": true,
	"CancelKeyDeletion": true, "UpdateKeyDescription": true, "TagResource": true, "UntagResource": true,
	"PutKeyPolicy": true, "EnableKeyRotation": true, "DisableKeyRotation": true, "RotateKeyOnDemand": true,
	"ImportKeyMaterial": true, "DeleteImportedKeyMaterial": true}

// ClassOf is the request-rate quota op counts against.
func ClassOf(op string) Class {
	switch {
	case strings.HasPrefix(op, "KmsmacReference."):
		return None
	case cryptoOps[op]:
		return Crypto
	}
	return Manage
}

// StateChange reports whether op changes one key (the hot-key quota).
func StateChange(op string) bool { return stateChanges[op] }

// Rate is a token bucket: PerSecond tokens added, at most Burst held.
// PerSecond 0 is no quota; Burst 0 means one second's worth (at least 1).
type Rate struct {
	PerSecond float64
	Burst     int
}

// MaxRate bounds a configured rate and burst (a typo, not a quota).
const MaxRate = 1e9

// Validate reports a rate no bucket can hold.
func (r Rate) Validate() error {
	if math.IsNaN(r.PerSecond) || r.PerSecond < 0 || r.PerSecond > MaxRate {
		return fmt.Errorf("requests per second %v: want 0 (none) to %g", r.PerSecond, float64(MaxRate))
	}
	if r.Burst < 0 || r.Burst > MaxRate {
		return fmt.Errorf("burst %d: want 0 (one second's worth) to %g", r.Burst, float64(MaxRate))
	}
	return nil
}

func (r Rate) burst() float64 {
	if r.Burst > 0 {
		return float64(r.Burst)
	}
	return math.Max(1, math.Ceil(r.PerSecond))
}

// Config is the quotas of every account (Crypto, Manage) and every key
// (HotKey). The zero value has none.
type Config struct {
	Crypto, Manage, HotKey Rate
}

// Validate reports the first rate out of range.
func (c Config) Validate() error {
	for name, r := range map[string]Rate{"cryptographic": c.Crypto, "key-management": c.Manage, "hot-key": c.HotKey} {
		if err := r.Validate(); err != nil {
			return fmt.Errorf("%s quota: %w", name, err)
		}
	}
	return nil
}

type bucketID struct {
	class   Class
	account string // "" for the hot-key quota: a key's changes, whoever calls
	key     string // "" for an account-wide bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

type keyRule struct {
	class Class
	key   string
}

// maxBuckets bounds the bucket map; full buckets are dropped past it (a
// new bucket starts full, so nothing changes for their callers).
const maxBuckets = 10000

// Limiter applies the quotas. Off (no quota at all), Allow is one atomic
// load. It is safe for concurrent use.
type Limiter struct {
	on      atomic.Bool
	now     func() time.Time
	mu      sync.Mutex
	cfg     Config
	keyed   map[keyRule]Rate
	buckets map[bucketID]*bucket
}

// New returns a limiter with the quotas of cfg, timed by now (nil:
// time.Now; the service's own clock may jump, AdvanceClock).
func New(cfg Config, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	l := &Limiter{now: now, keyed: map[keyRule]Rate{}, buckets: map[bucketID]*bucket{}}
	l.Set(cfg)
	return l
}

// On reports whether any quota is set.
func (l *Limiter) On() bool { return l.on.Load() }

// Set replaces the account-wide and every-key quotas; buckets start full.
func (l *Limiter) Set(cfg Config) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cfg = cfg
	clear(l.buckets)
	l.update()
}

// SetClass sets one quota: for every account (or every key, HotKey) when
// key is "", else narrowed to calls naming that key id. A zero rate removes
// it. Its buckets start full.
func (l *Limiter) SetClass(c Class, key string, r Rate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case key != "" && r.PerSecond == 0:
		delete(l.keyed, keyRule{c, key})
	case key != "":
		l.keyed[keyRule{c, key}] = r
	case c == Crypto:
		l.cfg.Crypto = r
	case c == Manage:
		l.cfg.Manage = r
	case c == HotKey:
		l.cfg.HotKey = r
	}
	for id := range l.buckets {
		if id.class == c && (key == "" || id.key == key) {
			delete(l.buckets, id)
		}
	}
	l.update()
}

// Config is the account-wide and every-key quotas now set.
func (l *Limiter) Config() Config {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cfg
}

func (l *Limiter) update() {
	c := l.cfg
	l.on.Store(c.Crypto.PerSecond > 0 || c.Manage.PerSecond > 0 || c.HotKey.PerSecond > 0 || len(l.keyed) > 0)
}

// Allow counts one call of op by account and reports whether the quotas
// let it through. keyID is asked only when a quota needs the key the call
// names (its id, or "" if none or unknown); a refused call takes no token.
func (l *Limiter) Allow(op, account string, keyID func() string) bool {
	if !l.on.Load() {
		return true
	}
	class := ClassOf(op)
	if class == None {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var take []*bucket
	now := l.now()
	check := func(id bucketID, r Rate) bool {
		b := l.bucket(id, r, now)
		if b.tokens < 1 {
			return false
		}
		take = append(take, b)
		return true
	}
	acct := l.cfg.Crypto
	if class == Manage {
		acct = l.cfg.Manage
	}
	if acct.PerSecond > 0 && !check(bucketID{class, account, ""}, acct) {
		return false
	}
	hot := StateChange(op)
	if len(l.keyed) > 0 || (hot && l.cfg.HotKey.PerSecond > 0) {
		key := ""
		if keyID != nil {
			key = keyID()
		}
		if key != "" {
			if r, ok := l.keyed[keyRule{class, key}]; ok && !check(bucketID{class, account, key}, r) {
				return false
			}
			if hot {
				r, ok := l.keyed[keyRule{HotKey, key}]
				if !ok {
					r = l.cfg.HotKey
				}
				if r.PerSecond > 0 && !check(bucketID{HotKey, "", key}, r) {
					return false
				}
			}
		}
	}
	for _, b := range take {
		b.tokens--
	}
	return true
}

// bucket returns the bucket id, refilled to now. Called with l.mu held.
func (l *Limiter) bucket(id bucketID, r Rate, now time.Time) *bucket {
	b := l.buckets[id]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: r.burst(), last: now}
		l.buckets[id] = b
		return b
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = math.Min(r.burst(), b.tokens+d.Seconds()*r.PerSecond)
		b.last = now
	}
	return b
}

// prune drops buckets that have had time to fill again. If that frees
// nothing (a flood of distinct keys), it drops them all: a quota may
// briefly allow more, but memory stays bounded.
func (l *Limiter) prune(now time.Time) {
	for id, b := range l.buckets {
		if now.Sub(b.last) > time.Minute {
			delete(l.buckets, id)
		}
	}
	if len(l.buckets) >= maxBuckets {
		clear(l.buckets)
	}
}

// KeyOf is the key id in a KeyId value: the id itself, or the part after
// "key/" of a key ARN. Aliases are not resolved (a key-narrowed quota
// matches calls naming the key by id or ARN).
func KeyOf(keyID string) string {
	if i := strings.LastIndex(keyID, ":key/"); i >= 0 {
		return keyID[i+len(":key/"):]
	}
	return keyID
}
