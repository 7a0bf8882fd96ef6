// Package diff runs the same generated AWS KMS HMAC requests (GenerateMac,
// VerifyMac, DescribeKey; awsJson1_1 wire protocol, rules.md) against two
// endpoints and reports every way their answers differ: HTTP status, error
// code, message, MAC bytes and response fields, each with the smallest
// request that still shows the difference.
//
// Keys are created on both sides from the same imported key material when
// both endpoints can import it, so MACs compare byte for byte; when either
// refuses any step of that (CreateKey with Origin EXTERNAL, the import
// calls), both sides use their own generated keys and only MAC lengths
// compare. Divergences are grouped by Cause: operation, kinds of
// difference, each side's code and message pattern.
// Key ids, ARNs, alias names and the account differ between endpoints by
// nature and are replaced by placeholders such as <key-arn:k1> before any
// comparison.
//
// The one thing users get wrong: a divergence is not a verdict. diff says
// where two endpoints disagree, not which one is right; check rules.md (or
// run kmsmac conform) to learn which side follows AWS.
package diff
