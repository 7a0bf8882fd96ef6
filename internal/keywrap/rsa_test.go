package keywrap

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"sync"
	"testing"
)

var (
	testKeyOnce sync.Once
	testKey     *rsa.PrivateKey
	testKeyDER  []byte
)

// rsaKey returns one 2048-bit key per test binary: generation is slow.
func rsaKey(t testing.TB) (*rsa.PrivateKey, []byte) {
	t.Helper()
	testKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if err != nil {
			panic(err)
		}
		testKey, testKeyDER = k, der
	})
	return testKey, testKeyDER
}

func TestWrapUnwrapEveryAlgorithm(t *testing.T) {
	priv, der := rsaKey(t)
	for _, alg := range Algorithms {
		for _, n := range []int{1, 28, 32, 48, 64, 65, 128} {
			material := bytes.Repeat([]byte{byte(n)}, n)
			ct, err := Wrap(der, alg, material)
			if err != nil {
				t.Fatalf("%s, %d bytes: Wrap: %v", alg, n, err)
			}
			got, err := Unwrap(priv, alg, ct)
			if err != nil || !bytes.Equal(got, material) {
				t.Fatalf("%s, %d bytes: Unwrap = %x, %v", alg, n, got, err)
			}
			// Wrapping is randomised: two wraps must differ.
			ct2, _ := Wrap(der, alg, material)
			if bytes.Equal(ct, ct2) {
				t.Fatalf("%s: two wraps are identical", alg)
			}
		}
	}
}

// The layout is fixed by KMS: OAEP output is one modulus long; the hybrid
// form is the modulus-long RSA block then RFC 5649 output.
func TestWrapLayout(t *testing.T) {
	priv, der := rsaKey(t)
	material := make([]byte, 32)
	for _, tc := range []struct {
		alg  string
		want int
	}{
		{RSAESOAEPSHA1, priv.Size()},
		{RSAESOAEPSHA256, priv.Size()},
		{RSAAESKeyWrapSHA1, priv.Size() + 40},
		{RSAAESKeyWrapSHA256, priv.Size() + 40},
	} {
		ct, err := Wrap(der, tc.alg, material)
		if err != nil {
			t.Fatal(err)
		}
		if len(ct) != tc.want {
			t.Errorf("%s: %d bytes, want %d", tc.alg, len(ct), tc.want)
		}
	}
	// Decrypting the hybrid head with stdlib OAEP (hash also used for MGF1)
	// yields a 32-byte AES key that unwraps the tail.
	ct, err := Wrap(der, RSAAESKeyWrapSHA256, material)
	if err != nil {
		t.Fatal(err)
	}
	aesKey, err := rsa.DecryptOAEP(sha256.New(), nil, priv, ct[:priv.Size()], nil)
	if err != nil || len(aesKey) != 32 {
		t.Fatalf("head: %d-byte key, %v", len(aesKey), err)
	}
	if got, err := UnwrapPad(aesKey, ct[priv.Size():]); err != nil || !bytes.Equal(got, material) {
		t.Fatalf("tail: %x, %v", got, err)
	}
	ct, err = Wrap(der, RSAESOAEPSHA1, material)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rsa.DecryptOAEP(sha1.New(), nil, priv, ct, nil); err != nil || !bytes.Equal(got, material) {
		t.Fatalf("SHA-1 OAEP via stdlib: %x, %v", got, err)
	}
}

func TestUnwrapRefusesMismatch(t *testing.T) {
	priv, der := rsaKey(t)
	material := bytes.Repeat([]byte{7}, 64)
	pairs := [][2]string{
		{RSAESOAEPSHA1, RSAESOAEPSHA256},
		{RSAESOAEPSHA256, RSAESOAEPSHA1},
		{RSAAESKeyWrapSHA1, RSAAESKeyWrapSHA256},
		{RSAAESKeyWrapSHA256, RSAAESKeyWrapSHA1},
		{RSAESOAEPSHA256, RSAAESKeyWrapSHA256},
		{RSAAESKeyWrapSHA256, RSAESOAEPSHA256},
	}
	for _, p := range pairs {
		ct, err := Wrap(der, p[0], material)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Unwrap(priv, p[1], ct); !errors.Is(err, ErrUnwrap) {
			t.Errorf("wrapped %s, unwrapped %s: %x, %v; want ErrUnwrap", p[0], p[1], got, err)
		}
	}
	for _, alg := range Algorithms {
		ct, err := Wrap(der, alg, material)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{0, 100, len(ct) - 1} {
			bad := bytes.Clone(ct)
			bad[i] ^= 0x80
			if _, err := Unwrap(priv, alg, bad); !errors.Is(err, ErrUnwrap) {
				t.Errorf("%s, byte %d flipped: %v, want ErrUnwrap", alg, i, err)
			}
		}
		for _, cut := range []int{0, 1, priv.Size() - 1, priv.Size() + 8, len(ct) - 8} {
			if cut >= len(ct) {
				continue
			}
			if _, err := Unwrap(priv, alg, ct[:cut]); err == nil {
				t.Errorf("%s truncated to %d bytes: accepted", alg, cut)
			}
		}
		if _, err := Unwrap(priv, alg, append(bytes.Clone(ct), 0)); err == nil {
			t.Errorf("%s extended: accepted", alg)
		}
	}
}

func TestWrapBadInput(t *testing.T) {
	_, der := rsaKey(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, alg     string
		der, material []byte
		isAlg         bool
	}{
		{"unknown algorithm", "RSAES_PKCS1_V1_5", der, []byte{1}, true},
		{"SM2", "SM2PKE", der, []byte{1}, true},
		{"empty algorithm", "", der, []byte{1}, true},
		{"lower-case algorithm", "rsaes_oaep_sha_256", der, []byte{1}, true},
		{"empty material", RSAESOAEPSHA256, der, nil, false},
		{"nil DER", RSAESOAEPSHA256, nil, []byte{1}, false},
		{"garbage DER", RSAESOAEPSHA256, []byte("not a key"), []byte{1}, false},
		{"truncated DER", RSAESOAEPSHA256, der[:len(der)/2], []byte{1}, false},
		{"EC key", RSAESOAEPSHA256, ecDER, []byte{1}, false},
		{"material too long for OAEP", RSAESOAEPSHA256, der, make([]byte, 300), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Wrap(tc.der, tc.alg, tc.material)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrAlgorithm) != tc.isAlg {
				t.Fatalf("errors.Is(err, ErrAlgorithm) = %v for %v", !tc.isAlg, err)
			}
		})
	}
}

func TestUnwrapBadInput(t *testing.T) {
	priv, _ := rsaKey(t)
	if _, err := Unwrap(priv, "RSAES_PKCS1_V1_5", make([]byte, priv.Size())); !errors.Is(err, ErrAlgorithm) {
		t.Errorf("unknown algorithm: %v", err)
	}
	if _, err := UnwrapRSAOAEP(priv, "SHA_384", make([]byte, priv.Size())); err == nil {
		t.Error("SHA_384 accepted")
	}
	if _, err := UnwrapRSAAES(priv, "MD5", make([]byte, priv.Size()+40)); err == nil {
		t.Error("MD5 accepted")
	}
	for _, f := range []func(*rsa.PrivateKey, string, []byte) ([]byte, error){UnwrapRSAOAEP, UnwrapRSAAES} {
		if _, err := f(nil, "SHA_256", make([]byte, 300)); err == nil {
			t.Error("nil key accepted")
		}
		for _, n := range []int{0, 1, 255, 257, 296} {
			if _, err := f(priv, "SHA_256", make([]byte, n)); err == nil {
				t.Errorf("%d zero bytes accepted", n)
			}
		}
	}
}

func FuzzUnwrap(f *testing.F) {
	priv, der := rsaKey(f)
	for _, alg := range Algorithms {
		ct, err := Wrap(der, alg, make([]byte, 32))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(alg, ct)
	}
	f.Fuzz(func(t *testing.T, alg string, ct []byte) {
		_, _ = Unwrap(priv, alg, ct) // must not panic
	})
}
