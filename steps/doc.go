// Package steps is the step vocabulary of the conformance suite: the
// common godog step definitions (phrase -> calls on a target -> checks),
// the per-scenario World (carried in context.Context) and its exported API
// for step sets, the checks charged to rules (World.Check) and what they
// found (World.Findings). VOCABULARY.md is the phrase book.
//
// Step sets: this package's *_steps.go files hold the common phrases and
// the small topics (lifecycle, MACs, grants, messages). A topic of its own
// goes in a package under steps/ (steps/generated: properties, model and
// vectors; steps/keyimport: key material import) that uses only the
// exported World API, registers its phrases with Define from an init
// function, and is listed in runner/stepsets.go so that the engine imports
// it. VOCABULARY.md ("Where a new step set goes") says how.
//
// It must not know how a run is driven (package runner: options, godog
// suite, concurrency, which keys a scenario shares, reports), hosts or
// credentials (it reaches the endpoint only through a *target.Target), or
// the reference's internals; nor what its topic packages do.
//
// The standard is the AWS KMS HMAC API (GenerateMac, VerifyMac and the key
// lifecycle), as catalogued in rules.md; each scenario's rule tags pick the
// evidence level, which decides whether a difference fails the run or is an
// unverified deviation.
//
// What people get wrong: steps must never talk to a host directly or keep
// scenario state in package variables. Get the World with WorldFrom(ctx),
// call through World.Call (it records the outcome, tracks created keys and
// waits for state changes), and assert with World.Check so the evidence
// level applies.
package steps
