package steps

import "testing"

func TestParseLevels(t *testing.T) {
	md := "| ID | Rule | Level | Checked in |\n|---|---|---|---|\n" +
		"| A-1 | x | D | f |\n| A-2 | x | D / I | f |\n| A-3 | x | O | f |\n| A-4 | x | I / T | f |\n" +
		"| A-5 | x | D/S / I | f |\n| A-6 | x | — | f |\n| MAC-SIZE-7 | x | S | f |\n"
	got := ParseLevels(md)
	want := map[string][2]int{"A-1": {2, 2}, "A-2": {2, 0}, "A-3": {1, 1}, "A-4": {0, 0}, "A-5": {2, 0}, "A-6": {-1, -1}, "MAC-SIZE-7": {2, 2}}
	if len(got) != len(want) {
		t.Fatalf("parsed %d rules, want %d: %v", len(got), len(want), got)
	}
	for id, w := range want {
		if l := got[id]; l.Code != w[0] || l.Text != w[1] {
			t.Errorf("%s: code %d text %d, want %v", id, l.Code, l.Text, w)
		}
	}
}

func TestScenarioEvidence(t *testing.T) {
	// Uses the real features/RULES.md levels.
	cases := []struct {
		rules      []string
		unverified bool
		code, text bool
	}{
		{[]string{"MAC-ENUM-1"}, false, true, true},                // S
		{[]string{"MAC-SIZE-2"}, false, true, false},               // D / I
		{[]string{"MAC-SIZE-4"}, false, true, false},               // O
		{[]string{"MAC-ENUM-1", "MAC-SIZE-4"}, false, true, false}, // weakest wins
		{[]string{"GM-OK-3"}, true, false, false},                  // I, @unverified
		{[]string{"MAC-ENUM-1"}, true, false, false},               // @unverified softens all
		{nil, false, true, true},                                   // harness self-tests
		{[]string{"ORD-5", "MAC-ENUM-1"}, false, true, true},       // "—" imposes nothing
	}
	for _, c := range cases {
		e := scenarioEvidence(c.rules, c.unverified)
		if e.hard(KindCode) != c.code || e.hard(KindStatus) != c.code || e.hard(KindText) != c.text {
			t.Errorf("%v unverified=%v: code hard %v text hard %v, want %v %v", c.rules, c.unverified,
				e.hard(KindCode), e.hard(KindText), c.code, c.text)
		}
	}
}

func TestSameMessage(t *testing.T) {
	base := "1 validation error detected: Value 'X' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: "
	cases := []struct {
		want, got string
		same      bool
	}{
		{"a", "a", true},
		{"a", "b", false},
		{base + "[A, B, C]", base + "[C, A, B]", true},
		{base + "[A, B, C]", base + "[A, B]", false},
		{base + "[A, B, C]", base + "[A, B, C, D]", false},
		{base + "[A, B]", "2 validation errors detected: Value 'X' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [B, A]", false},
		{base + "[A, B]", base + "[B, A] extra", false},
	}
	for _, c := range cases {
		if got := SameMessage(c.want, c.got); got != c.same {
			t.Errorf("SameMessage(%q, %q) = %v, want %v", c.want, c.got, got, c.same)
		}
	}
}

func TestCheckHardSoftStrict(t *testing.T) {
	for _, c := range []struct {
		name     string
		ev       evidence
		strict   bool
		kind     Kind
		wantErr  bool
		wantSoft int
	}{
		{"hard code", evidence{codeHard: true, textHard: true}, false, KindCode, true, 0},
		{"soft text", evidence{codeHard: true}, false, KindText, false, 1},
		{"soft text strict", evidence{codeHard: true}, true, KindText, true, 1},
		{"unverified code", evidence{}, false, KindCode, false, 1},
	} {
		w := newWorld(&Target{}, &Options{Strict: c.strict})
		w.ev = c.ev
		err := w.Check(c.kind, false, "X", "Y")
		if (err != nil) != c.wantErr || len(w.soft) != c.wantSoft {
			t.Errorf("%s: err=%v soft=%v, want err=%v soft=%d", c.name, err, w.soft, c.wantErr, c.wantSoft)
		}
		if err := w.Check(c.kind, true, "X", "X"); err != nil {
			t.Errorf("%s: a passing check failed: %v", c.name, err)
		}
	}
}
