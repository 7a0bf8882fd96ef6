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
	return s
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
type Key struct {
	spec         *Spec
	inner, outer []byte // marshalled hash states after absorbing ipad / opad
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
	return &Key{spec: spec, inner: inner, outer: outer}, nil
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
	h   hash.Hash
	buf [sha512.Size]byte
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
	restore(hs.h, k.inner)
	hs.h.Write(msg)
	in := hs.h.Sum(hs.buf[:0])
	restore(hs.h, k.outer)
	hs.h.Write(in)
	return hs.h.Sum(dst)
}

func restore(h hash.Hash, state []byte) {
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
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
