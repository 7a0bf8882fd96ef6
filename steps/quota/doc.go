// Package quota holds the steps about request-rate quotas and throttling
// (rules.md §16, DRY-5): turning a low quota on for one key through the
// KmsmacReference.SetQuota control (off again in cleanup), calling as
// another account, a key policy that lets that account in, and the SDK's
// view of a ThrottlingException. VOCABULARY.md lists the phrases.
//
// AWS's quota numbers are never asserted (AMB-14): a scenario sets its own
// tiny quota on its own key, so parallel scenarios are not throttled.
// Against an endpoint without the control, the scenario is blocked with
// the reason, never failed.
//
// It uses only the World's exported API (package steps) and registers its
// phrases with steps.Define from init; package runner imports it. It must
// not know how a run is driven (runner) or the reference's internals (only
// the control's wire name).
package quota
