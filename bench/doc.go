// Package bench holds the kmsmac endpoint benchmarks (run with go test
// -bench): the reference endpoint's GenerateMac and VerifyMac through
// Service.Call, through its HTTP handler and through loopback HTTP (next to
// the floor server, bench/floor), and the heap held by 100,000 keys. The
// endpoint load driver is in bench/load; the HMAC core's benchmarks (next
// to crypto/hmac and the bare hash) are reference/mac's own.
//
// The one thing users get wrong: compare runs with benchstat over several
// repetitions (-count 10), never one run by eye; and run nothing else on the
// machine meanwhile.
package bench
