package results

import (
	"regexp"
	"strings"
	"sync"

	"github.com/kmsmac/kmsmac/features"
)

// Level is a rule's strength of evidence: 2 = D/S (hard everywhere), 1 = O
// (hard on code and status), 0 = I/T (never hard), -1 = none ("—").
// Inferred names the part of the rule whose evidence is only inferred, from
// a level written "X; I for <part>" (ROT-1 "D; I for DisableKeyRotation"): Code
// and Text then describe the recorded part only.
type Level struct {
	Raw        string
	Code, Text int
	Inferred   string
}

var (
	levelsOnce sync.Once
	levels     map[string]Level
	ruleRow    = regexp.MustCompile(`^\|\s*([A-Z]+(?:-[A-Z]+)?-[0-9]+)\s*\|[^|]*\|\s*([^|]*?)\s*\|`)
	// RuleTag matches tags that name a rule id (without the '@').
	RuleTag = regexp.MustCompile(`^[A-Z]+(-[A-Z]+)?-[0-9]+$`)
)

// Levels returns the evidence level of every rule in features/RULES.md.
func Levels() map[string]Level {
	levelsOnce.Do(func() { levels = ParseLevels(features.RulesMD) })
	return levels
}

// ParseLevels reads the id and level columns of a RULES.md table. A level
// "D / I" is code level D, text level I; "D/S" is one level backed twice;
// "D; I for DisableKeyRotation" is level D for the rule except the part after the
// ';', which is inferred (Level.Inferred).
func ParseLevels(md string) map[string]Level {
	out := map[string]Level{}
	for _, line := range strings.Split(md, "\n") {
		m := ruleRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		recorded, inferred, _ := strings.Cut(m[2], ";")
		parts := strings.SplitN(recorded, " / ", 2)
		out[m[1]] = Level{Raw: m[2], Code: strength(parts[0]), Text: strength(parts[len(parts)-1]),
			Inferred: strings.TrimSpace(inferred)}
	}
	return out
}

func strength(s string) int {
	best := -1
	for _, r := range s {
		v := -1
		switch r {
		case 'D', 'S':
			v = 2
		case 'O':
			v = 1
		case 'I', 'T':
			v = 0
		}
		if v > best {
			best = v
		}
	}
	return best // -1: no level ("—"), imposes nothing
}
