// Package keywrap wraps and unwraps HMAC key material for AWS KMS
// ImportKeyMaterial, on both sides of the exchange.
//
// The client side (Wrap) takes the DER SubjectPublicKeyInfo that
// GetParametersForImport returns and produces the EncryptedKeyMaterial for
// one of the KMS wrapping algorithms:
//
//   - RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256: RSA-OAEP (PKCS #1 v2.2, RFC 8017)
//     of the material, with MGF1 over the same hash and an empty label.
//   - RSA_AES_KEY_WRAP_SHA_1, RSA_AES_KEY_WRAP_SHA_256: a fresh 256-bit AES
//     key encrypted with RSA-OAEP, followed by the material wrapped under that
//     AES key with AES Key Wrap with Padding (RFC 5649).
//
// The server side (Unwrap, UnwrapRSAOAEP, UnwrapRSAAES) is what the reference
// endpoint runs on ImportKeyMaterial. WrapPad and UnwrapPad expose RFC 5649
// itself.
//
// The one thing users get wrong: the hash in RSAES_OAEP_SHA_256 applies to
// both the OAEP digest and MGF1. Tools such as openssl default MGF1 to SHA-1
// unless told otherwise, and the result then fails to unwrap in KMS.
package keywrap
