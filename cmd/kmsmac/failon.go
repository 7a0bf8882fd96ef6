package main

import (
	"fmt"
	"strings"

	"github.com/kmsmac/kmsmac/results"
)

// failPolicy is conform's --fail-on: which scenario outcomes make the
// exit status 1. The levels are ordered; each includes the ones before.
type failPolicy int

const (
	failOnFailed     failPolicy = iota // failed scenarios
	failOnUnverified                   // also unverified deviations (= --strict)
	failOnAny                          // also skipped scenarios
)

var failPolicyNames = []string{"failed", "unverified", "any"}

func (p failPolicy) String() string {
	if p < 0 || int(p) >= len(failPolicyNames) {
		return fmt.Sprintf("failPolicy(%d)", int(p))
	}
	return failPolicyNames[p]
}

// Set implements flag.Value.
func (p *failPolicy) Set(s string) error {
	for i, n := range failPolicyNames {
		if strings.EqualFold(s, n) {
			*p = failPolicy(i)
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(failPolicyNames, ", "))
}

// Type implements pflag.Value (the placeholder in --help).
func (p *failPolicy) Type() string { return "policy" }

// withStrict folds --strict in: it means at least "unverified".
func (p failPolicy) withStrict(strict bool) failPolicy {
	if strict && p < failOnUnverified {
		return failOnUnverified
	}
	return p
}

// exitCode is 1 when the counts break the policy, else 0. failedRules
// counts rules charged with a failure: a scenario blocked by a refused
// setup call fails the rule that promised it, even when none failed.
func (p failPolicy) exitCode(c map[results.Status]int, failedRules int) int {
	bad := c[results.Failed] + failedRules
	if p >= failOnUnverified {
		bad += c[results.Deviation]
	}
	if p >= failOnAny {
		bad += c[results.Skipped] + c[results.Blocked]
	}
	if bad > 0 {
		return 1
	}
	return 0
}

// failPolicyHelp documents the policy and the exit codes in --help.
const failPolicyHelp = `Exit status:
  0  every scenario passed under the --fail-on policy
  1  a scenario broke the policy:
       --fail-on failed      a scenario failed (default)
       --fail-on unverified  also an unverified deviation (same as --strict)
       --fail-on any         also a blocked scenario (missing capability) or a skipped one
  2  usage or setup error: bad flags or tags, endpoint unreachable, missing or refused credentials, no scenario matched
  130 interrupted (SIGINT/SIGTERM): partial summary printed, created keys cleaned up`
