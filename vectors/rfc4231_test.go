package vectors

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/reference/mac"
)

// RFC 4231 section 4 (the embedded rfc4231.txt): every case × algorithm
// against the reference HMAC core, both through a prepared Key and one-shot.
func TestRFC4231Core(t *testing.T) {
	cases, err := RFC4231()
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
		for _, spec := range mac.Specs {
			want := c.MAC[spec.Algorithm]
			t.Run(c.Name()+"/"+spec.Algorithm, func(t *testing.T) {
				ran++
				key, err := mac.NewKey(spec, c.Key)
				if err != nil {
					t.Fatal(err)
				}
				full := key.Sum(nil, c.Data)
				if oneShot := mac.Sum(spec, c.Key, c.Data); !bytes.Equal(full, oneShot) {
					t.Fatalf("Key.Sum %x != mac.Sum %x", full, oneShot)
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

// The embedded file is the project's copy of the RFC: pin facts of it that a
// bad edit would change.
func TestRFC4231Data(t *testing.T) {
	cases, err := RFC4231()
	if err != nil {
		t.Fatal(err)
	}
	lens := []int{20, 4, 20, 25, 20, 131, 131}
	for i, c := range cases {
		if len(c.Key) != lens[i] {
			t.Errorf("case %d: key %d bytes, want %d", c.Number, len(c.Key), lens[i])
		}
		if (c.Truncate != 0) != (c.Number == 5) || (c.Number == 5 && c.Truncate != 16) {
			t.Errorf("case %d: Truncate = %d", c.Number, c.Truncate)
		}
	}
	if got := string(cases[1].Data); got != "what do ya want for nothing?" {
		t.Errorf("case 2 data = %q", got)
	}
	if got := string(cases[4].Data); got != "Test With Truncation" {
		t.Errorf("case 5 data = %q", got)
	}
}

func TestParseRFC4231Errors(t *testing.T) {
	ok := "[Test Case 1]\nSection = 4.2\nKey = 0b\nData = 00\n" +
		"HMAC-SHA-224 = " + "00000000000000000000000000000000000000000000000000000000" + "\n" +
		"HMAC-SHA-256 = " + "0000000000000000000000000000000000000000000000000000000000000000" + "\n" +
		"HMAC-SHA-384 = " + strings.Repeat("00", 48) + "\n" +
		"HMAC-SHA-512 = " + strings.Repeat("00", 64) + "\n"
	if _, err := ParseRFC4231(strings.NewReader(ok), "ok.txt"); err != nil {
		t.Fatalf("valid input refused: %v", err)
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "no test cases"},
		{"comments only", "# nothing\n", "no test cases"},
		{"field before case", "Key = 00\n", "before the first"},
		{"continuation first", "[Test Case 1]\n  00\n", "continuation"},
		{"no equals", "[Test Case 1]\nKey 00\n", "Name = value"},
		{"bad header", strings.Replace(ok, "Test Case 1", "Case one", 1), "want [Test Case N]"},
		{"bad hex", strings.Replace(ok, "Key = 0b", "Key = 0g", 1), "Key"},
		{"odd hex", strings.Replace(ok, "Key = 0b", "Key = 0b0", 1), "Key"},
		{"no key", strings.Replace(ok, "Key = 0b\n", "", 1), "no Key"},
		{"no section", strings.Replace(ok, "Section = 4.2\n", "", 1), "no Section"},
		{"short mac", strings.Replace(ok, "HMAC-SHA-256 = 00", "HMAC-SHA-256 = ", 1), "HMAC-SHA-256 is 31 bytes"},
		{"missing alg", strings.Replace(ok, "HMAC-SHA-512", "#", 1), "want all four"},
		{"unknown field", ok + "HMAC-MD5 = 00\n", "unknown field"},
		{"repeated field", ok + "Key = 00\n", "repeated"},
		{"bad truncate", strings.Replace(ok, "Section = 4.2", "Section = 4.2\nTruncate = 12", 1), "Truncate"},
		{"truncate mismatch", strings.Replace(ok, "Section = 4.2", "Section = 4.2\nTruncate = 128", 1), "want 16"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRFC4231(strings.NewReader(tc.in), "x.txt")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "x.txt") {
				t.Fatalf("error %q does not name the file and %q", err, tc.want)
			}
		})
	}
}
