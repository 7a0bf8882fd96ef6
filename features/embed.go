// Package features holds the kmsmac conformance suite: Gherkin feature
// files, one tag per rule of the AWS KMS HMAC rule catalogue, and RULES.md,
// the index of those rules with their evidence level and where each is
// checked. They are embedded, so an installed kmsmac binary carries them.
//
// What people get wrong: a rule id tag is a claim. Tag a scenario only with
// the rules it really checks; the evidence level of the weakest tagged rule
// decides how hard the scenario may assert.
package features

import "embed"

// FS holds every *.feature file at its root.
//
//go:embed *.feature
var FS embed.FS

// RulesMD is RULES.md: the rule index (id, rule, evidence level, where checked).
//
//go:embed RULES.md
var RulesMD string
