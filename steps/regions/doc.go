// Package regions holds the steps about Regions and multi-Region keys
// (rules.md §12 MRK-1..8, KID-10): calls in the endpoint's second Region
// (target.Target.Second, from --region2; the embedded reference always has
// one), replicating a key there, naming the replica, waiting for its
// state, and deleting replicas before their primary at cleanup. Without a
// second Region the scenarios are blocked with the reason, never failed.
// VOCABULARY.md lists the phrases.
//
// It uses only the World's exported API (package steps) and registers its
// phrases with steps.Define from init; package runner imports it. It must
// not know how a run is driven (runner) or the reference's internals.
package regions
