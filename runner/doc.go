// Package runner is the run engine of the conformance suite: Options,
// Run and RunOn (godog suite setup, concurrency, Ctrl-C, --timeout and a
// lost endpoint), the hooks that give each scenario a steps.World and
// collect its verdict, which keys a @shared-key scenario takes from the
// run's pool (share_plan.go, package keypool), record/replay (--golden,
// kmsmac record), and the summary notes of a run. It imports the topic
// step sets (stepsets.go). "go test" and "kmsmac conform" both call Run.
//
// It must not know step phrases (except the key declarations a
// @shared-key scenario makes) or what a check means: scenarios reach the
// endpoint only through package steps (World, AddSteps), and the verdicts
// it collects are results.ScenarioResult values.
package runner
