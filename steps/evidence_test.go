package steps

import (
	"errors"
	"testing"

	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// A split-level rule (STATE-10, "D; I for MACs made before disabling …") asserts hard only
// where the scenario declares @recorded-part.
func TestSplitLevelNeedsRecordedPart(t *testing.T) {
	if results.Levels()["STATE-10"].Inferred == "" {
		t.Fatal("RULES.md: STATE-10 has no inferred part")
	}
	for _, c := range []struct {
		rules      []string
		tags       []string
		code, text bool
	}{
		{[]string{"STATE-10"}, nil, false, false},
		{[]string{"STATE-10"}, []string{RecordedPart}, true, true},
		{[]string{"STATE-10"}, []string{RecordedPart, "@unverified"}, false, false},
		{[]string{"VM-FAIL-1"}, nil, true, true},
	} {
		w := NewWorld(&target.Target{}, &Settings{})
		for _, tag := range c.tags {
			w.Tags[tag] = true
		}
		w.ev = scenarioEvidence(c.rules, w.Tags["@unverified"])
		if w.hard(KindCode) != c.code || w.hard(KindStatus) != c.code || w.hard(KindText) != c.text {
			t.Errorf("%v %v: code hard %v text hard %v, want %v %v", c.rules, c.tags, w.hard(KindCode), w.hard(KindText), c.code, c.text)
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
		{"split rule without @recorded-part", evidence{codeHard: true, textHard: true, split: []string{"VM-FAIL-2"}}, false, KindCode, false, 1},
	} {
		w := NewWorld(&target.Target{}, &Settings{Strict: c.strict})
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

// Unverified never fails hard, even in a scenario whose evidence is hard.
func TestUnverifiedIsSoft(t *testing.T) {
	for _, strict := range []bool{false, true} {
		w := NewWorld(&target.Target{}, &Settings{Strict: strict})
		w.ev = evidence{codeHard: true, textHard: true}
		err := w.Unverified(KindCode, false, "X", "Y")
		if (err != nil) != strict || len(w.soft) != 1 {
			t.Errorf("strict=%v: err=%v soft=%v", strict, err, w.soft)
		}
		var f *failure
		if strict && !errors.As(err, &f) {
			t.Errorf("strict: %v is not a formatted failure", err)
		}
		if err := w.Unverified(KindCode, true, "X", "X"); err != nil || len(w.soft) != 1 {
			t.Errorf("a passing check: err=%v soft=%v", err, w.soft)
		}
	}
}
