package kmsspec_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"testing"

	"github.com/kmsmac/kmsmac/kmsspec"
	"github.com/kmsmac/kmsmac/vectors"
)

// The documented sizes must be those of the hashes HMAC uses.
func TestSpecTableMatchesHashes(t *testing.T) {
	hashes := map[string]func() hash.Hash{
		kmsspec.HMACSHA224: sha256.New224, kmsspec.HMACSHA256: sha256.New,
		kmsspec.HMACSHA384: sha512.New384, kmsspec.HMACSHA512: sha512.New,
	}
	if len(kmsspec.Specs) != 4 {
		t.Fatalf("%d specs", len(kmsspec.Specs))
	}
	for _, s := range kmsspec.Specs {
		h := hashes[s.Algorithm]()
		if s.Size != h.Size() || s.BlockSize != h.BlockSize() || s.MinImport != s.Size || s.MaxImport != s.BlockSize {
			t.Errorf("%+v: hash size %d block %d", s, h.Size(), h.BlockSize())
		}
		if got, ok := kmsspec.ByKeySpec(s.KeySpec); !ok || got != s {
			t.Errorf("ByKeySpec(%s) = %+v, %v", s.KeySpec, got, ok)
		}
		if got, ok := kmsspec.ByAlgorithm(s.Algorithm); !ok || got != s {
			t.Errorf("ByAlgorithm(%s) = %+v, %v", s.Algorithm, got, ok)
		}
		if len(kmsspec.HMAC(s.Algorithm, []byte("k"), []byte("m"))) != s.Size {
			t.Errorf("%s: HMAC length", s.Algorithm)
		}
	}
	if _, ok := kmsspec.ByKeySpec("HMAC_SHA_256"); ok {
		t.Error("an algorithm name found as a key spec")
	}
}

// The oracle against RFC 4231 section 4 (case 5 publishes a prefix).
func TestHMACRFC4231(t *testing.T) {
	cases, err := vectors.RFC4231()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, alg := range kmsspec.Algorithms() {
			got := kmsspec.HMAC(alg, c.Key, c.Data)
			if c.Truncate != 0 {
				got = got[:c.Truncate]
			}
			if !bytes.Equal(got, c.MAC[alg]) {
				t.Errorf("%s %s: %x, want %x", c.Name(), alg, got, c.MAC[alg])
			}
		}
	}
}

func TestServesMac(t *testing.T) {
	for _, s := range kmsspec.KeyStates {
		want := s == kmsspec.Enabled || s == kmsspec.Updating
		if kmsspec.ServesMac(s) != want {
			t.Errorf("ServesMac(%s) = %v", s, !want)
		}
	}
}
