// Package steps is the step vocabulary of the conformance suite: the
// godog step definitions (phrase -> calls on a target -> checks), the
// per-scenario World (carried in context.Context), the checks charged to
// rules (World.Check) and what they found (World.Findings). VOCABULARY.md is
// the phrase book; a new step is a new *_steps.go file.
//
// It must not know how a run is driven (package runner: options, godog
// suite, concurrency, reports), hosts or credentials (it reaches the
// endpoint only through a *target.Target), or the reference's internals.
//
// The standard is the AWS KMS HMAC API (GenerateMac, VerifyMac and the key
// lifecycle), as catalogued in rules.md; each scenario's rule tags pick the
// evidence level, which decides whether a difference fails the run or is an
// unverified deviation.
//
// What people get wrong: steps must never talk to a host directly or keep
// state in package variables. Get the World with WorldFrom(ctx), call
// through World.Call (it records the outcome, tracks created keys and
// waits for state changes), and assert with World.Check so the evidence
// level applies. VOCABULARY.md lists the step phrases and this API.
package steps
