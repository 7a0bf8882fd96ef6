// Package results is the model of a conformance run's outcome and its
// writers: Status, ScenarioResult, RuleOutcome and Result; the per-rule
// verdicts (RuleVerdicts); the console summary, Markdown, JSON and JUnit
// reports; the expectations file a run is gated on (Compare, Neutral);
// the rules' evidence levels read from features/RULES.md (Levels); and
// which rule promises a setup call, so blocks a scenario when it fails
// (BlockingRule).
//
// The run engine (package runner) fills a Result; everything here only
// reads one. It must not know godog, steps or endpoints: it does not
// import them, so a report can be written (or read back, as package
// matrix does with the JSON) without running anything.
package results
