package results

import "testing"

func TestParseLevels(t *testing.T) {
	md := "| ID | Rule | Level | Checked in |\n|---|---|---|---|\n" +
		"| A-1 | x | D | f |\n| A-2 | x | D / I | f |\n| A-3 | x | O | f |\n| A-4 | x | I / T | f |\n" +
		"| A-5 | x | D/S / I | f |\n| A-6 | x | — | f |\n| MAC-SIZE-7 | x | S | f |\n" +
		"| A-7 | x | D; I for truncation | f |\n| A-8 | x | S / I; I for the MAC operations | f |\n"
	got := ParseLevels(md)
	want := map[string][2]int{"A-1": {2, 2}, "A-2": {2, 0}, "A-3": {1, 1}, "A-4": {0, 0}, "A-5": {2, 0}, "A-6": {-1, -1}, "MAC-SIZE-7": {2, 2},
		"A-7": {2, 2}, "A-8": {2, 0}}
	if len(got) != len(want) {
		t.Fatalf("parsed %d rules, want %d: %v", len(got), len(want), got)
	}
	for id, w := range want {
		if l := got[id]; l.Code != w[0] || l.Text != w[1] {
			t.Errorf("%s: code %d text %d, want %v", id, l.Code, l.Text, w)
		}
	}
	// The strongest letter of "D; I for truncation" must not hide its inferred part.
	for id, inf := range map[string]string{"A-2": "", "A-7": "I for truncation", "A-8": "I for the MAC operations"} {
		if got[id].Inferred != inf {
			t.Errorf("%s: inferred part %q, want %q", id, got[id].Inferred, inf)
		}
	}
}
