package keywrap

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// RFC 5649 section 6: the two published vectors (192-bit KEK).
func TestRFC5649Vectors(t *testing.T) {
	const kek = "5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8"
	tests := []struct {
		name, key, wrapped string
	}{
		{"20 octets", "c37b7e6492584340 bed1220780894115 5068f738",
			"138bdeaa9b8fa7fc 61f97742e72248ee 5ae6ae5360d1ae6a 5f54f373fa543b6a"},
		{"7 octets", "466f7250617369", "afbeb0f07dfbf541 9200f2ccb50bb24f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, key, want := unhex(t, kek), unhex(t, tc.key), unhex(t, tc.wrapped)
			got, err := WrapPad(k, key)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("WrapPad = %x, want %x", got, want)
			}
			back, err := UnwrapPad(k, want)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(back, key) {
				t.Fatalf("UnwrapPad = %x, want %x", back, key)
			}
		})
	}
}

// Every length crosses the single-block case, the general case and every
// amount of padding; every single-bit change must be caught.
func TestWrapPadRoundTripAndTamper(t *testing.T) {
	for _, kekLen := range []int{16, 24, 32} {
		kek := bytes.Repeat([]byte{byte(kekLen)}, kekLen)
		for n := 1; n <= 130; n++ {
			pt := make([]byte, n)
			for i := range pt {
				pt[i] = byte(i*7 + n)
			}
			ct, err := WrapPad(kek, pt)
			if err != nil {
				t.Fatalf("kek %d, len %d: %v", kekLen, n, err)
			}
			if want := 8 + (n+7)/8*8; len(ct) != want {
				t.Fatalf("kek %d, len %d: ciphertext %d bytes, want %d", kekLen, n, len(ct), want)
			}
			back, err := UnwrapPad(kek, ct)
			if err != nil || !bytes.Equal(back, pt) {
				t.Fatalf("kek %d, len %d: round trip = %x, %v", kekLen, n, back, err)
			}
			for bit := 0; bit < 8*len(ct); bit += 5 {
				bad := bytes.Clone(ct)
				bad[bit/8] ^= 1 << (bit % 8)
				if _, err := UnwrapPad(kek, bad); !errors.Is(err, ErrUnwrap) {
					t.Fatalf("kek %d, len %d, bit %d flipped: err = %v, want ErrUnwrap", kekLen, n, bit, err)
				}
			}
		}
	}
}

func TestUnwrapPadWrongKey(t *testing.T) {
	kek := bytes.Repeat([]byte{1}, 32)
	other := bytes.Repeat([]byte{2}, 32)
	for _, n := range []int{1, 8, 9, 64} {
		ct, err := WrapPad(kek, make([]byte, n))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := UnwrapPad(other, ct); !errors.Is(err, ErrUnwrap) {
			t.Errorf("len %d under another key: err = %v, want ErrUnwrap", n, err)
		}
	}
}

func TestWrapPadBadInput(t *testing.T) {
	good := make([]byte, 16)
	tests := []struct {
		name    string
		kek, in []byte
		unwrap  bool
	}{
		{"wrap nil kek", nil, []byte{1}, false},
		{"wrap 15-byte kek", make([]byte, 15), []byte{1}, false},
		{"wrap 33-byte kek", make([]byte, 33), []byte{1}, false},
		{"wrap empty plaintext", good, nil, false},
		{"unwrap nil kek", nil, make([]byte, 16), true},
		{"unwrap empty", good, nil, true},
		{"unwrap 8 bytes", good, make([]byte, 8), true},
		{"unwrap 17 bytes", good, make([]byte, 17), true},
		{"unwrap 23 bytes", good, make([]byte, 23), true},
		{"unwrap zeros", good, make([]byte, 16), true},
		{"unwrap long zeros", good, make([]byte, 48), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.unwrap {
				_, err = UnwrapPad(tc.kek, tc.in)
			} else {
				_, err = WrapPad(tc.kek, tc.in)
			}
			if err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// A ciphertext whose integrity value is right but whose declared length is
// out of range must be refused: build one by encrypting a forged AIV.
func TestUnwrapPadRefusesForgedLength(t *testing.T) {
	kek := bytes.Repeat([]byte{9}, 16)
	block, err := newBlock(kek)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		aiv  []byte
	}{
		{"length 0", unhex(t, "A65959A600000000")},
		{"length 9 in one block", unhex(t, "A65959A600000009")},
		{"nonzero padding", unhex(t, "A65959A600000007")},
		{"wrong prefix", unhex(t, "A65959A700000008")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf := append(bytes.Clone(tc.aiv), 1, 2, 3, 4, 5, 6, 7, 8)
			block.Encrypt(buf, buf)
			if _, err := UnwrapPad(kek, buf); !errors.Is(err, ErrUnwrap) {
				t.Fatalf("err = %v, want ErrUnwrap", err)
			}
		})
	}
	// Multi-block: declared length 8 with 3 blocks of data is out of range.
	buf := append(unhex(t, "A65959A600000008"), make([]byte, 24)...)
	wrapBlocks(block, buf, 3)
	if _, err := UnwrapPad(kek, buf); !errors.Is(err, ErrUnwrap) {
		t.Fatalf("short declared length: err = %v, want ErrUnwrap", err)
	}
}

func FuzzUnwrapPad(f *testing.F) {
	f.Add(make([]byte, 16), make([]byte, 16))
	f.Add(make([]byte, 24), make([]byte, 40))
	f.Add([]byte{1}, []byte{2})
	f.Fuzz(func(t *testing.T, kek, ct []byte) {
		pt, err := UnwrapPad(kek, ct)
		if err == nil && (len(pt) == 0 || len(pt) > len(ct)-8) {
			t.Fatalf("accepted plaintext of %d bytes from %d-byte ciphertext", len(pt), len(ct))
		}
	})
}
