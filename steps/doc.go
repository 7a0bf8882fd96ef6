// Package steps runs the kmsmac conformance suite: the godog step
// definitions, the per-scenario World (carried in context.Context), and
// the run engine that turns scenarios into verdicts. The endpoint and its
// clients are package target; steps reaches the endpoint only through a
// *target.Target. Run is shared by "go test" and "kmsmac conform".
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
