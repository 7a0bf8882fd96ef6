package vectors

import (
	"fmt"

	"github.com/kmsmac/kmsmac/kmsspec"
)

// EndpointSkipReason says why a vector cannot run through a KMS endpoint,
// or "" when it can: the key must be importable into a key of the
// algorithm's spec (rules.md IMP-12: digest size up to block size) and the
// message 1..4096 bytes (MAC-SIZE-1/3). Such vectors run on the core only.
func EndpointSkipReason(algorithm string, key, msg []byte) string {
	spec, ok := kmsspec.ByAlgorithm(algorithm)
	if !ok {
		return fmt.Sprintf("%s is not a KMS MAC algorithm", algorithm)
	}
	if len(key) < spec.MinImport || len(key) > spec.MaxImport {
		return fmt.Sprintf("a %d-byte key cannot be imported into an %s key (%d..%d bytes, IMP-12)", len(key), spec.KeySpec, spec.MinImport, spec.MaxImport)
	}
	if len(msg) < kmsspec.MinMessage || len(msg) > kmsspec.MaxMessage {
		return fmt.Sprintf("a %d-byte message is outside the %d..%d bytes GenerateMac accepts (MAC-SIZE-1/3)", len(msg), kmsspec.MinMessage, kmsspec.MaxMessage)
	}
	return ""
}

// EndpointSkipReason applies the package function to this test.
func (t WycheproofTest) EndpointSkipReason() string {
	return EndpointSkipReason(t.Algorithm, t.Key, t.Msg)
}
