// Package golden is the recording file of kmsmac record, read back by
// conform --golden: its format (File, Meta, Scenario, Call), Load and
// Write, Normalise, which turns a scenario's calls into Calls that compare
// across targets (ids, ARNs, account, region, times and tokens replaced by
// the scenario's names), and CompareCalls, which lists where a replay
// differs from the recording, call by call and member by member.
//
// It must not know how calls are made, nor godog or verdicts: the engine
// (package runner) tapes a scenario's calls and decides what a difference
// means.
package golden
