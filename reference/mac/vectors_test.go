package mac

import (
	"bytes"
	"testing"

	"github.com/kmsmac/kmsmac/kmsspec"
	"github.com/kmsmac/kmsmac/vectors"
)

// Known-answer tests of the core. The conformance features check endpoints;
// the core, which no feature can reach, is checked here.

// RFC 4231 section 4 (project data: vectors/rfc4231.txt, transcribed from
// https://www.rfc-editor.org/rfc/rfc4231#section-4): every case × algorithm
// against the core, through a prepared Key and one-shot. Its keys (4..131
// bytes) cannot be imported into KMS (IMP-12), so no endpoint test can run
// them; this is where they check the core.
func TestRFC4231(t *testing.T) {
	cases, err := vectors.RFC4231()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 7 {
		t.Fatalf("%d cases, want 7", len(cases))
	}
	ran := 0
	for i, c := range cases {
		if c.Number != i+1 {
			t.Fatalf("case %d is numbered %d", i+1, c.Number)
		}
		for _, spec := range Specs {
			want := c.MAC[spec.Algorithm]
			t.Run(c.Name()+"/"+spec.Algorithm, func(t *testing.T) {
				ran++
				key, err := NewKey(spec, c.Key)
				if err != nil {
					t.Fatal(err)
				}
				full := key.Sum(nil, c.Data)
				if oneShot := Sum(spec, c.Key, c.Data); !bytes.Equal(full, oneShot) {
					t.Fatalf("Key.Sum %x != Sum %x", full, oneShot)
				}
				if len(full) != spec.Size {
					t.Fatalf("MAC is %d bytes, want %d", len(full), spec.Size)
				}
				if c.Truncate != 0 {
					// Case 5 publishes only a 128-bit prefix: check the
					// prefix, then that the truncated tag is refused, as
					// VerifyMac refuses it.
					if !bytes.Equal(full[:c.Truncate], want) {
						t.Fatalf("MAC prefix %x, want %x", full[:c.Truncate], want)
					}
					if key.Verify(c.Data, want) {
						t.Fatalf("Verify accepted the %d-byte truncated tag", len(want))
					}
				} else if !bytes.Equal(full, want) {
					t.Fatalf("MAC %x, want %x", full, want)
				}
				if !key.Verify(c.Data, full) {
					t.Fatal("Verify refused the full MAC")
				}
				flipped := bytes.Clone(full)
				flipped[len(flipped)-1] ^= 1
				if key.Verify(c.Data, flipped) {
					t.Fatal("Verify accepted a MAC with its last bit flipped")
				}
				if key.Verify(c.Data, full[:len(full)-1]) {
					t.Fatal("Verify accepted a MAC one byte short")
				}
				if key.Verify(c.Data, append(bytes.Clone(full), 0)) {
					t.Fatal("Verify accepted a MAC one byte long")
				}
			})
		}
	}
	if ran != 28 {
		t.Fatalf("ran %d case/algorithm pairs, want 28", ran)
	}
}

// Wycheproof hmac_sha{224,256,384,512}_test.json (C2SP/wycheproof
// testvectors_v1, embedded in package vectors, see its SOURCE) on the core: a full-length tag verifies exactly when Wycheproof says
// valid; a shorter tag never verifies, as in KMS, even when Wycheproof (which
// allows truncation) calls it valid.
func TestWycheproof(t *testing.T) {
	tests, err := vectors.LoadWycheproofFS(vectors.Wycheproof())
	if err != nil {
		t.Fatal(err)
	}
	perAlg := map[string]int{}
	var valid, refusedShort int
	for _, tc := range tests {
		perAlg[tc.Algorithm]++
		t.Run(tc.Name(), func(t *testing.T) {
			spec, ok := ByAlgorithm(tc.Algorithm)
			if !ok {
				t.Fatalf("no spec for %s", tc.Algorithm)
			}
			key, err := NewKey(spec, tc.Key)
			if err != nil {
				t.Fatal(err)
			}
			full := key.Sum(nil, tc.Msg)
			if got := key.Verify(tc.Msg, tc.Tag); got != tc.WantValid() {
				t.Fatalf("Verify = %v, want %v (Wycheproof %v, tag %d of %d bytes)", got, tc.WantValid(), tc.Valid, len(tc.Tag), spec.Size)
			}
			switch {
			case tc.Valid && tc.FullLength():
				valid++
				if !bytes.Equal(full, tc.Tag) {
					t.Fatalf("MAC %x, want %x", full, tc.Tag)
				}
			case tc.Valid:
				// A valid truncated tag is a prefix of the full MAC, and the
				// full MAC is what verifies.
				refusedShort++
				if !bytes.HasPrefix(full, tc.Tag) {
					t.Fatalf("MAC %x does not start with the valid truncated tag %x", full, tc.Tag)
				}
				if !key.Verify(tc.Msg, full) {
					t.Fatal("full MAC refused")
				}
			default:
				if bytes.Equal(full[:len(tc.Tag)], tc.Tag) {
					t.Fatalf("invalid tag %x equals the MAC prefix", tc.Tag)
				}
			}
		})
	}
	for _, alg := range kmsspec.Algorithms() {
		if perAlg[alg] < 100 {
			t.Errorf("%s: only %d tests loaded", alg, perAlg[alg])
		}
	}
	if valid == 0 || refusedShort == 0 {
		t.Errorf("valid full-length %d, valid truncated %d: both must occur", valid, refusedShort)
	}
	t.Logf("%d Wycheproof tests: %d valid full-length, %d valid truncated (refused)", len(tests), valid, refusedShort)
}
