// Package keypool owns the run-wide keys that scenarios share instead of
// creating their own: one key per kind (spec, usage, origin, slot),
// created on first use or taken from the caller's --keys file, the
// property checks' fixture, and their deletion at the end of the run.
//
// It must not know scenarios, steps or godog: which scenario may share a
// key is declared in the features (the @shared-key tag) and decided by
// package steps; keypool only hands out and cleans up keys.
package keypool
