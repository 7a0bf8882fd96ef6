package keypool

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/target"
)

// Kind is one run-wide key: its kind and the ordinal among a scenario's
// keys of that kind (two keys of a scenario stay distinct).
type Kind struct {
	Spec, Usage, Origin string
	Slot                int
}

// Owner is something made once per run that created keys of its own (the
// property fixture); Close deletes what Created lists (ids or ARNs).
type Owner interface{ Created() []string }

// Pool holds one run's shared keys. Its methods are safe for concurrent
// scenarios.
type Pool struct {
	t        *target.Target
	keysFile string
	noCreate bool

	fileOnce sync.Once
	fileErr  error
	given    map[Kind]string // from --keys, checked with DescribeKey
	aliases  map[Kind]string // existing aliases of given keys (slot 0)

	mu     sync.Mutex
	slots  map[Kind]*slot
	owners map[string]*ownerSlot
}

type slot struct {
	once    sync.Once
	id      string
	err     error
	created bool
}

type ownerSlot struct {
	once sync.Once
	v    Owner
	err  error
}

// New is the pool of one run against t; keysFile is --keys ("" for none),
// noCreate --no-create (only given keys are handed out).
func New(t *target.Target, keysFile string, noCreate bool) *Pool {
	return &Pool{t: t, keysFile: keysFile, noCreate: noCreate, given: map[Kind]string{}, aliases: map[Kind]string{},
		slots: map[Kind]*slot{}, owners: map[string]*ownerSlot{}}
}

// CreateError is a shared key the endpoint refused to create: a missing
// precondition, not a harness problem.
type CreateError struct {
	Outcome *target.Outcome
	Text    string
}

func (e *CreateError) Error() string { return e.Text }

// slotFor returns m's slot for k, adding an empty one on first use; mu
// guards m. The slot's own sync.Once then makes its value once.
func slotFor[K comparable, S any](mu *sync.Mutex, m map[K]*S, k K) *S {
	mu.Lock()
	defer mu.Unlock()
	s := m[k]
	if s == nil {
		s = new(S)
		m[k] = s
	}
	return s
}

// Shared returns the run's value called name, made by mk on first use;
// the keys it created are deleted by Close.
func (p *Pool) Shared(name string, mk func() (Owner, error)) (Owner, error) {
	s := slotFor(&p.mu, p.owners, name)
	s.once.Do(func() { s.v, s.err = mk() })
	return s.v, s.err
}

// Load reads --keys once and checks each given key against its role.
func (p *Pool) Load(ctx context.Context) error {
	p.fileOnce.Do(func() {
		if p.keysFile == "" {
			return
		}
		kf, err := LoadKeysFile(p.keysFile)
		if err != nil {
			p.fileErr = err
			return
		}
		check := func(role, ref, usage, origin, state string) {
			alias := kf.Aliases[strings.TrimPrefix(role, "hmac.")]
			if ref == "" || p.fileErr != nil {
				return
			}
			o := p.t.CallSDK(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": ref}))
			str := func(m string) string { v, _ := o.Member("KeyMetadata." + m); s, _ := v.(string); return s }
			switch {
			case !o.OK():
				p.fileErr = fmt.Errorf("--keys %s: DescribeKey %s: %s", role, ref, o.Summary())
			case str("KeyUsage") != usage || str("Origin") != origin || str("KeyState") != state ||
				(strings.HasPrefix(role, "hmac.") && str("KeySpec") != strings.TrimPrefix(role, "hmac.")):
				p.fileErr = fmt.Errorf("--keys %s: %s is a %s %s key of origin %s in state %s; want usage %s, origin %s, state %s",
					role, ref, str("KeySpec"), str("KeyUsage"), str("Origin"), str("KeyState"), usage, origin, state)
			default:
				k := Kind{Spec: str("KeySpec"), Usage: usage, Origin: origin}
				p.given[k] = str("KeyId")
				if alias == "" {
					return
				}
				a := p.t.CallSDK(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": alias}))
				if id, _ := a.Member("KeyMetadata.KeyId"); id != str("KeyId") {
					p.fileErr = fmt.Errorf("--keys aliases: %s does not point at the %s key %s (DescribeKey: %s)", alias, role, ref, a.Summary())
					return
				}
				p.aliases[k] = alias
			}
		}
		for spec, ref := range kf.HMAC {
			check("hmac."+spec, ref, "GENERATE_VERIFY_MAC", "AWS_KMS", "Enabled")
		}
		check("encrypt", kf.Encrypt, "ENCRYPT_DECRYPT", "AWS_KMS", "Enabled")
		check("sign", kf.Sign, "SIGN_VERIFY", "AWS_KMS", "Enabled")
		check("external", kf.External, "GENERATE_VERIFY_MAC", "EXTERNAL", "PendingImport")
	})
	return p.fileErr
}

// Served tells whether --keys gives the key of kind k.
func (p *Pool) Served(k Kind) bool {
	if k.Slot != 0 {
		return false
	}
	_, ok := p.given[k]
	return ok
}

// GivenAlias is the existing alias --keys names for the key of kind k, or "".
func (p *Pool) GivenAlias(k Kind) string {
	if k.Slot != 0 {
		return ""
	}
	return p.aliases[k]
}

// Get returns the id of the shared key k, creating it on first use.
func (p *Pool) Get(ctx context.Context, k Kind) (string, error) {
	if id, ok := p.given[Kind{Spec: k.Spec, Usage: k.Usage, Origin: k.Origin}]; ok && k.Slot == 0 {
		return id, nil
	}
	if p.noCreate {
		return "", errors.New("--no-create: no key of this kind given with --keys") // steps skip first
	}
	s := slotFor(&p.mu, p.slots, k)
	s.once.Do(func() {
		req := map[string]any{"KeySpec": k.Spec, "KeyUsage": k.Usage,
			"Tags": []map[string]string{{"TagKey": target.RunTagKey, "TagValue": p.t.RunID}}}
		if k.Origin != "AWS_KMS" {
			req["Origin"] = k.Origin
		}
		// The run's context: Ctrl-C, --timeout and a lost endpoint cut it
		// (a key created unseen is found by kmsmac cleanup --run-id).
		o := p.t.CallSDK(ctx, "CreateKey", textutil.MustJSON(req))
		id, _ := o.Member("KeyMetadata.KeyId")
		s.id, _ = id.(string)
		if !o.OK() || s.id == "" {
			s.err = fmt.Errorf("creating the shared %s %s key: %s failed: %s\n  request: %s", k.Spec, k.Usage, o.Op, o.Summary(), o.RequestLine())
			if o.Status != 0 {
				s.err = &CreateError{Outcome: o, Text: s.err.Error()}
			}
			return
		}
		s.created = true
		p.t.KeysCreated.Add(1)
		if arn, ok := o.Member("KeyMetadata.Arn"); ok {
			p.t.Learn(fmt.Sprint(arn))
		}
	})
	return s.id, s.err
}

// Close schedules the keys the pool created for deletion (unless keep)
// and returns the problems; keys it could not delete are left on the
// target's list (Target.KeysLeft).
func (p *Pool) Close(ctx context.Context, keep bool) []string {
	if p == nil || keep {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var problems []string
	del := func(what, id string) {
		r := p.t.Raw.Send(ctx, "ScheduleKeyDeletion", textutil.MustJSON(map[string]any{"KeyId": id, "PendingWindowInDays": 7}))
		if !r.OK() && !target.AlreadyGone(r) {
			problems = append(problems, fmt.Sprintf("ScheduleKeyDeletion of %s %s: %s", what, id, r.Summary()))
			p.t.LeftKey(id)
		}
	}
	for name, s := range p.owners {
		if s.v == nil {
			continue
		}
		for _, arn := range s.v.Created() {
			del("the "+name+" key", KeyIDOf(arn))
		}
	}
	for k, s := range p.slots {
		if s.created {
			del("the shared "+k.Spec+" "+k.Usage+" key", s.id)
		}
	}
	return problems
}

// KeyIDOf is the key id of a key ARN: cleanup deletes keys by id, which
// every emulator takes (some refuse ARNs there).
func KeyIDOf(arn string) string {
	if i := strings.LastIndex(arn, ":key/"); i >= 0 {
		return arn[i+len(":key/"):]
	}
	return arn
}
