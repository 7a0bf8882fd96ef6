// Package golden is the recording file of kmsmac record, read back by
// conform --golden: its format (File, Meta, Scenario, Call), Load and
// Write, and CompareCalls, which lists where a replay differs from the
// recording, call by call and member by member.
//
// It must not know how calls are made or normalised, nor godog: the
// engine (package steps) turns a scenario's calls into Calls and decides
// what a difference means.
package golden
