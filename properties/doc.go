// Package properties runs generated (property-based) checks of the AWS KMS
// HMAC API against any endpoint, with gopter: GenerateMac/VerifyMac round
// trips, determinism, refusal of every altered MAC, the size limits of
// rules.md, and a stateful model test (gopter's commands package) that drives
// random key lifecycles and compares the endpoint with a model.
//
// Each check takes a *kms.Client (what users' code does), a Raw function for
// requests the SDK refuses to send, and a Config with the seed and the number
// of tests; it returns a Result whose String is a readable verdict with the
// seed to replay and the shrunk counterexample. Every check inside knows the
// rule (features/RULES.md) it checks: Result.Violations reports each
// violated rule once, with its own shrunk counterexample, and a check goes
// on after a violation to judge the rules it has not seen violated.
//
// The one thing users get wrong: a failing seed only replays against the same
// kind of endpoint state. Checks create their own keys (or use the Fixture
// passed in Config), so run them against a fresh or dedicated account, and
// replay with the same Seed and Tests: the test count changes the sizes
// gopter generates.
package properties
