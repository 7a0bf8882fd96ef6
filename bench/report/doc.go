// Package report reads Go benchmark format files
// (https://go.dev/design/14313-benchmark-format), such as the output of
// `kmsmac bench` and `go test -bench`, and turns them into a comparison of
// two runs (`kmsmac compare`) or a Markdown report with an SVG bar chart of
// throughput and p99 latency per endpoint and setting (`kmsmac report`).
//
// Benchmarks are grouped by name; a name's "endpoint=" key is the series
// and the rest of the name is the setting, so one file holding several
// endpoints' lines compares them side by side.
//
// The one thing users get wrong: a ratio between endpoints means something
// only when both were measured in the same run, by the same driver, on the
// same machine; the report states the figures it was given, nothing more.
package report
