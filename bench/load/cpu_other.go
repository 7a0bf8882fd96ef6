//go:build !unix

package load

import "time"

// processCPU is not measured here: client-cpu-ns/op reads 0.
func processCPU() time.Duration { return 0 }
