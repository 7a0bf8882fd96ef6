package vectors

import (
	"strings"
	"testing"
)

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
