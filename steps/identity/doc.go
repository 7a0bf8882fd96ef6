// Package identity holds the steps about who is calling (rules.md §15a
// request signing; §15 permissions): requests sent unsigned, signed with a
// wrong secret, an unknown access key id, another scope or a skewed clock,
// through the raw client, as the scenario's last outcome; and calls signed
// as a second principal of the harness's account or one of another account
// (the target's principals; blocked without them) against keys whose key
// policy leaves that principal out. VOCABULARY.md lists the phrases.
//
// It uses only the World's exported API (package steps) and registers its
// phrases with steps.Define from init; package runner imports it. It must
// not know how a run is driven (runner) or the reference.
package identity
