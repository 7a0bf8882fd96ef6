package mac

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"slices"
	"testing"
	"time"
)

var benchSizes = []int{64, 1024, 4096}

var hashes = map[string]func() hash.Hash{
	"HMAC_SHA_224": sha256.New224,
	"HMAC_SHA_256": sha256.New,
	"HMAC_SHA_384": sha512.New384,
	"HMAC_SHA_512": sha512.New,
}

// BenchmarkCore compares, per algorithm and size, the reference core with
// a pre-keyed Key (keying=pre) and one-shot (keying=fresh), the standard
// library's HMAC reused with Reset (keying=stdlib, the hash-bound HMAC the
// 1.05× target is measured against) and the bare hash (keying=hash, the
// floor no HMAC can beat). Compare with: benchstat -col /keying.
func BenchmarkCore(b *testing.B) {
	for _, spec := range Specs {
		material := make([]byte, spec.Size)
		for i := range material {
			material[i] = byte(i)
		}
		key, err := NewKey(spec, material)
		if err != nil {
			b.Fatal(err)
		}
		newHash := hashes[spec.Algorithm]
		for _, size := range benchSizes {
			msg := make([]byte, size)
			prefix := fmt.Sprintf("alg=%s/size=%d/keying=", spec.Algorithm, size)
			var buf [64]byte
			b.Run(prefix+"pre", func(b *testing.B) {
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					key.Sum(buf[:0], msg)
				}
			})
			b.Run(prefix+"fresh", func(b *testing.B) {
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					Sum(spec, material, msg)
				}
			})
			b.Run(prefix+"stdlib", func(b *testing.B) {
				m := hmac.New(newHash, material)
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					m.Reset()
					m.Write(msg)
					m.Sum(buf[:0])
				}
			})
			b.Run(prefix+"hash", func(b *testing.B) {
				h := newHash()
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					h.Reset()
					h.Write(msg)
					h.Sum(buf[:0])
				}
			})
		}
	}
}

// BenchmarkVerify is Key.Verify, which must cost what Sum costs.
func BenchmarkVerify(b *testing.B) {
	for _, spec := range Specs {
		key, _ := NewKey(spec, make([]byte, spec.Size))
		msg := make([]byte, 4096)
		tag := key.Sum(nil, msg)
		b.Run("alg="+spec.Algorithm+"/size=4096", func(b *testing.B) {
			b.SetBytes(4096)
			b.ReportAllocs()
			for b.Loop() {
				if !key.Verify(msg, tag) {
					b.Fatal("valid MAC rejected")
				}
			}
		})
	}
}

// BenchmarkCoreRatio times the reference core (pre-keyed Key.Sum) and the
// standard library's reused HMAC in alternating short batches and reports
// the median of the per-pair ratios (pre/stdlib; issue 5's target is at
// most 1.05 at 4096 B) and the median times. A batch lasts ~10 µs, so a
// preemption or a noisy neighbour spoils a few pairs, which the median
// ignores, where BenchmarkCore's separate runs absorb it whole.
func BenchmarkCoreRatio(b *testing.B) {
	const batch = 4
	for _, spec := range Specs {
		material := make([]byte, spec.Size)
		key, _ := NewKey(spec, material)
		std := hmac.New(hashes[spec.Algorithm], material)
		msg := make([]byte, 4096)
		b.Run("alg="+spec.Algorithm+"/size=4096", func(b *testing.B) {
			var buf [64]byte
			var pre, lib, ratio []float64
			b.SetBytes(2 * batch * 4096)
			for b.Loop() {
				t0 := time.Now()
				for range batch {
					key.Sum(buf[:0], msg)
				}
				t1 := time.Now()
				for range batch {
					std.Reset()
					std.Write(msg)
					std.Sum(buf[:0])
				}
				t2 := time.Now()
				p, l := float64(t1.Sub(t0)), float64(t2.Sub(t1))
				pre, lib, ratio = append(pre, p/batch), append(lib, l/batch), append(ratio, p/l)
			}
			if !bytes.Equal(key.Sum(nil, msg), std.Sum(nil)) {
				b.Fatal("core and crypto/hmac disagree")
			}
			b.ReportMetric(median(pre), "pre-ns/mac")
			b.ReportMetric(median(lib), "stdlib-ns/mac")
			b.ReportMetric(median(ratio), "pre/stdlib")
		})
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
