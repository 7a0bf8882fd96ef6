package steps

import "io"

// writeGoldenSummary reports where the target differed from a recording
// (--golden) and where the recording and the rules disagree.
func (r Result) writeGoldenSummary(w io.Writer) {}
