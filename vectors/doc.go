// Package vectors holds the known-answer data for the HMAC algorithms of
// AWS KMS: RFC 4231 (all seven test cases for HMAC-SHA-224/256/384/512,
// embedded as project data in rfc4231.txt) and the Wycheproof
// hmac_sha{224,256,384,512}_test.json files, embedded too (Wycheproof;
// OpenWycheproof lets --vectors DIR or $KMSMAC_VECTORS replace them).
//
// The Wycheproof files in wycheproof/ are third-party data, copied unchanged
// from C2SP/wycheproof testvectors_v1 at commit
// dac1dd4729fd1f8dd9e1e9f3dce51d783da6c166 (wycheproof/SOURCE) under the
// Apache License 2.0 (wycheproof/LICENSE).
//
// Algorithms are named as KMS names them (HMAC_SHA_256), so a vector can go
// straight into a GenerateMac or VerifyMac request. The @vectors feature runs
// Wycheproof through an endpoint; reference/mac's tests run both sets on the
// reference's HMAC core.
//
// The one thing users get wrong: KMS accepts only the full MAC. RFC 4231
// case 5 and Wycheproof's short-tag groups are truncated tags that a plain
// HMAC library calls "valid"; VerifyMac must refuse them. Use
// WycheproofTest.WantValid, not the file's own result, to decide what a KMS
// endpoint should answer.
package vectors
