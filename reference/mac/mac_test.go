package mac

import (
	"bytes"
	"crypto/rand"
	"testing"
)

// The precomputed-state path must agree with crypto/hmac for every key
// length class: empty, shorter than, equal to and longer than the block.
func TestKeyMatchesCryptoHMAC(t *testing.T) {
	for _, s := range Specs {
		for _, klen := range []int{0, 1, s.Size, s.BlockSize, s.BlockSize + 1, 3 * s.BlockSize} {
			for _, mlen := range []int{0, 1, 64, 4096} {
				material := make([]byte, klen)
				msg := make([]byte, mlen)
				rand.Read(material)
				rand.Read(msg)
				k, err := NewKey(s, material)
				if err != nil {
					t.Fatal(err)
				}
				got := k.Sum(nil, msg)
				want := Sum(s, material, msg)
				if !bytes.Equal(got, want) {
					t.Fatalf("%s key=%d msg=%d: got %x want %x", s.Algorithm, klen, mlen, got, want)
				}
				if len(got) != s.Size {
					t.Fatalf("%s: len %d want %d", s.Algorithm, len(got), s.Size)
				}
				if !k.Verify(msg, want) {
					t.Fatalf("%s: Verify refused its own tag", s.Algorithm)
				}
			}
		}
	}
}

func TestVerifyRefusesAnyOtherTag(t *testing.T) {
	for _, s := range Specs {
		k, _ := NewKey(s, bytes.Repeat([]byte{7}, s.Size))
		msg := []byte("Hello World")
		tag := k.Sum(nil, msg)
		cases := map[string][]byte{
			"empty":     {},
			"truncated": tag[:len(tag)-1],
			"prefix16":  tag[:16],
			"extended":  append(append([]byte{}, tag...), 0),
		}
		flipped := append([]byte{}, tag...)
		flipped[len(flipped)-1] ^= 1
		cases["bitflip"] = flipped
		for name, bad := range cases {
			if k.Verify(msg, bad) {
				t.Errorf("%s: Verify accepted %s tag", s.Algorithm, name)
			}
		}
		if k.Verify([]byte("Hello World!"), tag) {
			t.Errorf("%s: Verify accepted tag for another message", s.Algorithm)
		}
	}
}

func TestSpecTable(t *testing.T) {
	want := map[string]struct {
		alg       string
		size, blk int
	}{
		"HMAC_224": {"HMAC_SHA_224", 28, 64},
		"HMAC_256": {"HMAC_SHA_256", 32, 64},
		"HMAC_384": {"HMAC_SHA_384", 48, 128},
		"HMAC_512": {"HMAC_SHA_512", 64, 128},
	}
	for ks, w := range want {
		s, ok := ByKeySpec(ks)
		if !ok || s.Algorithm != w.alg || s.Size != w.size || s.BlockSize != w.blk || s.MinImport != w.size || s.MaxImport != w.blk {
			t.Errorf("%s: %+v", ks, s)
		}
		if s2, ok := ByAlgorithm(w.alg); !ok || s2 != s {
			t.Errorf("ByAlgorithm(%s) mismatch", w.alg)
		}
	}
	if _, ok := ByKeySpec("HMAC_random"); ok {
		t.Error("unknown spec resolved")
	}
}

func BenchmarkSum(b *testing.B) {
	for _, s := range Specs {
		for _, size := range []int{64, 1024, 4096} {
			k, _ := NewKey(s, make([]byte, s.Size))
			msg := make([]byte, size)
			dst := make([]byte, 0, 64)
			b.Run("alg="+s.Algorithm+"/size="+itoa(size), func(b *testing.B) {
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					dst = k.Sum(dst[:0], msg)
				}
			})
		}
	}
}

func itoa(n int) string {
	switch n {
	case 64:
		return "64"
	case 1024:
		return "1024"
	}
	return "4096"
}
