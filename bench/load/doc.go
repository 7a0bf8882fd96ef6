// Package load is the kmsmac endpoint load driver behind `kmsmac bench`: it
// sends GenerateMac and/or VerifyMac requests (AWS KMS, awsJson1_1) to an
// endpoint from a fixed number of concurrent workers, checks a sample of the
// answers, counts errors by code, and writes one line per repetition in Go
// benchmark format (https://go.dev/design/14313-benchmark-format) with the
// units ns/op, req/s, p50-ns, p99-ns, errors and client-cpu-ns/op, so that
// benchstat compares endpoints and runs.
//
// Two clients: "sdk" (aws-sdk-go-v2, what users run, with retries off) and
// "raw", as light as possible, to find the endpoint's limit rather than the
// client's: each worker writes a pre-built (signed once) request whole on
// its own keep-alive HTTP/1.1 connection and parses the answer in place;
// for https endpoints or --sign each it uses net/http on a keep-alive
// transport sized to the concurrency.
//
// The one thing users get wrong: a load test measures the client as much as
// the server. Read client-cpu-ns/op: when the driver's CPU per request times
// req/s approaches the cores it has, the driver is the limit; use the raw
// client, fewer cores for the server, or another machine.
package load
