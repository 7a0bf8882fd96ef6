// Package mac is the HMAC core of the kmsmac reference endpoint: keyed MAC
// computation as defined in RFC 2104, for the key specs of package kmsspec
// (which says what each spec is; this package only binds each to its hash).
//
// A Key precomputes the inner and outer hash states once, so computing a MAC
// costs the hash of the message and nothing more (no per-call key schedule).
//
// The one thing callers get wrong: a MAC must be checked with Key.Verify,
// which compares the full digest in constant time. A truncated or extended
// tag is invalid, as it is in AWS KMS; never compare with bytes.Equal or
// accept a prefix.
package mac

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding"
	"fmt"
	"hash"
	"sync"

	"github.com/kmsmac/kmsmac/kmsspec"
)

// Spec is one kmsspec.Spec (key spec, algorithm, sizes, import range) with
// the hash the core computes it with.
type Spec struct {
	kmsspec.Spec

	newHash func() hash.Hash
	pool    *sync.Pool

	// The marshalled state of this hash after one block differs from one
	// key to the next only in the chaining value at tmpl[cv:cv+cvLen]; a
	// Key keeps just those bytes (see layout).
	tmpl      []byte
	cv, cvLen int
}

// Specs lists the four HMAC key specs in kmsspec.Specs order.
var Specs = []*Spec{
	newSpec(kmsspec.HMAC224, sha256.New224),
	newSpec(kmsspec.HMAC256, sha256.New),
	newSpec(kmsspec.HMAC384, sha512.New384),
	newSpec(kmsspec.HMAC512, sha512.New),
}

// newSpec panics when the hash does not fit the documented sizes: the core
// must not compute a MAC of another length than the one KMS returns.
func newSpec(keySpec string, h func() hash.Hash) *Spec {
	ks, ok := kmsspec.ByKeySpec(keySpec)
	probe := h()
	if !ok || probe.Size() != ks.Size || probe.BlockSize() != ks.BlockSize {
		panic("mac: hash does not fit key spec " + keySpec)
	}
	s := &Spec{Spec: ks, newHash: h}
	s.pool = &sync.Pool{New: func() any { return &hasher{h: h()} }}
	s.layout()
	return s
}

// layout finds where the chaining value sits in the marshalled state after
// one block, by comparing the states of three different blocks: every
// other byte (magic, empty buffer, length) is the same for all keys. The
// hash's internal size (32 bytes for SHA-224/256, 64 for SHA-384/512) is
// checked, so a changed format panics at start-up instead of computing
// wrong MACs.
func (s *Spec) layout() {
	var states [3][]byte
	for i := range states {
		pad := make([]byte, s.BlockSize)
		for j := range pad {
			pad[j] = byte(i*131 + j*7 + 1)
		}
		st, err := absorb(s, pad)
		if err != nil {
			panic(err.Error())
		}
		states[i] = st
	}
	lo, hi := len(states[0]), -1
	for i := range states[0] {
		if states[0][i] != states[1][i] || states[0][i] != states[2][i] {
			lo, hi = min(lo, i), max(hi, i)
		}
	}
	want := 32
	if s.BlockSize == 128 {
		want = 64
	}
	if hi-lo+1 != want || len(states[1]) != len(states[0]) {
		panic("mac: unexpected hash state layout for " + s.KeySpec)
	}
	s.tmpl, s.cv, s.cvLen = states[0], lo, want
}

// ByKeySpec returns the spec named by a KeySpec value such as "HMAC_256".
func ByKeySpec(keySpec string) (*Spec, bool) {
	for _, s := range Specs {
		if s.KeySpec == keySpec {
			return s, true
		}
	}
	return nil, false
}

// ByAlgorithm returns the spec whose algorithm is alg, such as "HMAC_SHA_256".
func ByAlgorithm(alg string) (*Spec, bool) {
	for _, s := range Specs {
		if s.Algorithm == alg {
			return s, true
		}
	}
	return nil, false
}

// Key is HMAC key material bound to one spec, with its inner and outer hash
// states precomputed. A Key is immutable and safe for concurrent use.
//
// Memory: only the two chaining values are kept (64 bytes for SHA-224/256,
// 128 for SHA-384/512), not two marshalled states of 108-204 bytes each:
// a SHA-256 Key is 96 bytes where it was 288 (100,000 keys).
type Key struct {
	spec *Spec
	cv   []byte // inner chaining value, then outer
}

// NewKey binds material to spec. Any length is accepted, as RFC 2104 allows:
// keys longer than the block size are hashed first. Callers that must enforce
// the KMS import lengths check Spec.MinImport and Spec.MaxImport themselves.
func NewKey(spec *Spec, material []byte) (*Key, error) {
	if spec == nil {
		return nil, fmt.Errorf("mac: nil spec")
	}
	k := material
	if len(k) > spec.BlockSize {
		h := spec.newHash()
		h.Write(k)
		k = h.Sum(nil)
	}
	ipad := make([]byte, spec.BlockSize)
	opad := make([]byte, spec.BlockSize)
	copy(ipad, k)
	copy(opad, k)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	inner, err := absorb(spec, ipad)
	if err != nil {
		return nil, err
	}
	outer, err := absorb(spec, opad)
	if err != nil {
		return nil, err
	}
	key := &Key{spec: spec, cv: make([]byte, 2*spec.cvLen)}
	n := spec.cvLen
	copy(key.cv[:n], inner[spec.cv:spec.cv+n])
	copy(key.cv[n:2*n], outer[spec.cv:spec.cv+n])
	return key, nil
}

func absorb(spec *Spec, pad []byte) ([]byte, error) {
	h := spec.newHash()
	h.Write(pad)
	m, ok := h.(encoding.BinaryMarshaler)
	if !ok {
		return nil, fmt.Errorf("mac: %s hash state cannot be saved", spec.Algorithm)
	}
	return m.MarshalBinary()
}

// Spec returns the key's spec.
func (k *Key) Spec() *Spec { return k.spec }

// hasher pairs a hash with scratch space for the inner digest, so the
// digest does not escape to the heap through the hash.Hash interface.
type hasher struct {
	h     hash.Hash
	buf   [sha512.Size]byte
	state []byte // the spec's template, chaining value filled in per use
}

// Sum appends the MAC of msg to dst and returns the result.
func (k *Key) Sum(dst, msg []byte) []byte {
	hs := k.spec.pool.Get().(*hasher)
	defer k.spec.pool.Put(hs)
	return k.sum(hs, dst, msg)
}

// Verify reports whether tag is exactly the MAC of msg. The comparison covers
// the full digest in constant time; any other length is invalid.
func (k *Key) Verify(msg, tag []byte) bool {
	hs := k.spec.pool.Get().(*hasher)
	defer k.spec.pool.Put(hs)
	return hmac.Equal(k.sum(hs, hs.buf[:0], msg), tag)
}

// sum computes the MAC with hs; dst may alias hs.buf, because the inner
// digest is consumed before the outer one is written.
func (k *Key) sum(hs *hasher, dst, msg []byte) []byte {
	n := k.spec.cvLen
	k.restore(hs, k.cv[:n])
	hs.h.Write(msg)
	in := hs.h.Sum(hs.buf[:0])
	k.restore(hs, k.cv[n:2*n])
	hs.h.Write(in)
	return hs.h.Sum(dst)
}

// restore puts hs.h in the state after one block whose chaining value is cv.
func (k *Key) restore(hs *hasher, cv []byte) {
	if hs.state == nil {
		hs.state = append([]byte(nil), k.spec.tmpl...)
	}
	copy(hs.state[k.spec.cv:], cv)
	if err := hs.h.(encoding.BinaryUnmarshaler).UnmarshalBinary(hs.state); err != nil {
		// The state was produced by the same hash type: failure is a bug.
		panic("mac: restoring hash state: " + err.Error())
	}
}

// Sum is a one-shot RFC 2104 HMAC for callers without a prepared Key, such
// as tests that compute an expected tag from imported key material.
func Sum(spec *Spec, material, msg []byte) []byte {
	m := hmac.New(spec.newHash, material)
	m.Write(msg)
	return m.Sum(nil)
}
