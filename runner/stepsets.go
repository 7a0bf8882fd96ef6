package runner

// The topic step sets outside package steps. Each registers its phrases
// with steps.Define in its init, which runs because the engine imports it
// here: a new topic package under steps/ is one more line.
import (
	_ "github.com/kmsmac/kmsmac/steps/generated" // @property, @slow, @vectors
	_ "github.com/kmsmac/kmsmac/steps/identity"  // request signing and permissions (§15, §15a)
	_ "github.com/kmsmac/kmsmac/steps/keyimport" // key material import (@import)
	_ "github.com/kmsmac/kmsmac/steps/quota"     // request-rate quotas and throttling (§16, DRY-5)
	_ "github.com/kmsmac/kmsmac/steps/regions"   // Regions and multi-Region keys (§12, KID-10)
)
