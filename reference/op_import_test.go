package reference

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/internal/keywrap"
	"github.com/kmsmac/kmsmac/reference/mac"
)

type importParams struct {
	token, pub []byte
	validTo    float64
}

func getParams(t *testing.T, s *Service, id, alg, spec string) importParams {
	t.Helper()
	out := mustCall(t, s, "GetParametersForImport", fmt.Sprintf(`{"KeyId":%q,"WrappingAlgorithm":%q,"WrappingKeySpec":%q}`, id, alg, spec))
	tok, _ := base64.StdEncoding.DecodeString(out["ImportToken"].(string))
	pub, _ := base64.StdEncoding.DecodeString(out["PublicKey"].(string))
	if out["KeyId"] != testARNPrefix+"key/"+id || len(tok) == 0 || len(pub) == 0 {
		t.Fatalf("GetParametersForImport = %v", out)
	}
	return importParams{tok, pub, out["ParametersValidTo"].(float64)}
}

func importBody(t *testing.T, id string, p importParams, alg string, material []byte, extra string) string {
	t.Helper()
	ct, err := keywrap.Wrap(p.pub, alg, material)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`{"KeyId":%q,"ImportToken":%q,"EncryptedKeyMaterial":%q%s}`, id, b64(p.token), b64(ct), extra)
}

const noExpiry = `,"ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE"`

func TestImportHMACMaterial(t *testing.T) {
	s, c := newTestService(t)
	algs := []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"}
	for i, sp := range mac.Specs {
		for _, n := range []int{sp.MinImport, sp.MaxImport} {
			t.Run(fmt.Sprintf("%s/%d", sp.KeySpec, n), func(t *testing.T) {
				id, arn := createKey(t, s, `{"KeySpec":"`+sp.KeySpec+`","KeyUsage":"GENERATE_VERIFY_MAC","Origin":"EXTERNAL"}`)
				alg := algs[i]
				p := getParams(t, s, id, alg, "RSA_2048")
				if want := float64(c.Now().Add(24*time.Hour).UnixMilli()) / 1000; p.validTo != want {
					t.Fatalf("ParametersValidTo %v, want %v", p.validTo, want)
				}
				material := bytes.Repeat([]byte{byte(n)}, n)
				mustCall(t, s, "ImportKeyMaterial", importBody(t, id, p, alg, material, noExpiry))
				md := describe(t, s, id)
				if md["KeyState"] != "Enabled" || md["Enabled"] != true || md["ExpirationModel"] != "KEY_MATERIAL_DOES_NOT_EXPIRE" {
					t.Fatalf("after import: %v", md)
				}
				if _, ok := md["CurrentKeyMaterialId"]; ok {
					t.Fatal("HMAC key reports CurrentKeyMaterialId (IMP-6)")
				}
				msg := []byte("what do ya want for nothing?")
				want := mac.Sum(sp, material, msg) // RFC 2104 oracle (GM-OK-4)
				out, tag := genMac(t, s, id, sp.Algorithm, msg)
				if !bytes.Equal(tag, want) || out["KeyId"] != arn {
					t.Fatalf("GenerateMac = %x, want %x", tag, want)
				}
				mustCall(t, s, "VerifyMac", macBody("VerifyMac", id, sp.Algorithm, b64(msg), b64(want)))

				// IMP-8: delete → PendingImport, no ExpirationModel.
				mustCall(t, s, "DeleteImportedKeyMaterial", `{"KeyId":"`+id+`"}`)
				md = describe(t, s, id)
				if _, ok := md["ExpirationModel"]; ok || md["KeyState"] != "PendingImport" || md["Enabled"] != false {
					t.Fatalf("after delete: %v", md)
				}
				_, err := call(t, s, "GenerateMac", macBody("GenerateMac", id, sp.Algorithm, b64(msg), ""))
				wantErr(t, err, "KMSInvalidStateException", arn+" is pending import.")
				// IMP-10: other bytes are refused; IMP-11: the same bytes restore the key.
				other := bytes.Repeat([]byte{0xee}, n)
				_, err = call(t, s, "ImportKeyMaterial", importBody(t, id, p, alg, other, noExpiry))
				wantErr(t, err, "IncorrectKeyMaterialException", "")
				mustCall(t, s, "ImportKeyMaterial", importBody(t, id, p, alg, material, noExpiry))
				mustCall(t, s, "VerifyMac", macBody("VerifyMac", id, sp.Algorithm, b64(msg), b64(want)))
			})
		}
	}
}

func TestImportErrors(t *testing.T) {
	s, c := newTestService(t)
	id, arn := createKey(t, s, `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Origin":"EXTERNAL"}`)
	other, _ := createKey(t, s, `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Origin":"EXTERNAL"}`)
	kmsKey, kmsARN := hmacKey(t, s, "HMAC_256")
	alg := "RSAES_OAEP_SHA_256"
	p := getParams(t, s, id, alg, "RSA_2048")
	pOther := getParams(t, s, other, alg, "RSA_2048")
	good := bytes.Repeat([]byte{1}, 32)
	validTo := func(d time.Duration) string {
		return fmt.Sprintf(`,"ValidTo":%.3f`, float64(c.Now().Add(d).UnixMilli())/1000)
	}

	_, err := call(t, s, "GetParametersForImport", `{"KeyId":"`+kmsKey+`","WrappingAlgorithm":"RSAES_OAEP_SHA_256","WrappingKeySpec":"RSA_2048"}`)
	wantErr(t, err, "UnsupportedOperationException", kmsARN+" origin is AWS_KMS which is not valid for this operation.")
	_, err = call(t, s, "GetParametersForImport", `{"KeyId":"`+id+`","WrappingAlgorithm":"RSAES_PKCS1_V1_5","WrappingKeySpec":"RSA_2048"}`)
	wantErr(t, err, "ValidationException", "")
	_, err = call(t, s, "GetParametersForImport", `{"KeyId":"`+id+`","WrappingAlgorithm":"NOPE","WrappingKeySpec":"RSA_1024"}`)
	wantErr(t, err, "ValidationException", "2 validation errors detected: Value 'NOPE' at 'wrappingAlgorithm'*")
	_, err = call(t, s, "GetParametersForImport", `{"KeyId":"alias/x","WrappingAlgorithm":"RSAES_OAEP_SHA_256","WrappingKeySpec":"RSA_2048"}`)
	wantErr(t, err, "NotFoundException", "Invalid keyId 'alias/x'")

	tests := []struct{ name, body, typ, msg string }{
		{"default model needs ValidTo (IMP-7)", importBody(t, id, p, alg, good, ""), "ValidationException",
			"A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES"},
		{"ValidTo in the past", importBody(t, id, p, alg, good, validTo(-time.Hour)), "ValidationException", ""},
		{"ValidTo over 365 days", importBody(t, id, p, alg, good, validTo(366*24*time.Hour)), "ValidationException", ""},
		{"ValidTo with DOES_NOT_EXPIRE", importBody(t, id, p, alg, good, noExpiry+validTo(time.Hour)), "ValidationException", ""},
		{"token of another key", importBody(t, id, pOther, alg, good, noExpiry), "InvalidImportTokenException", ""},
		{"made-up token", fmt.Sprintf(`{"KeyId":%q,"ImportToken":"AAAA","EncryptedKeyMaterial":"AAAA"%s}`, id, noExpiry), "InvalidImportTokenException", ""},
		{"garbage ciphertext", fmt.Sprintf(`{"KeyId":%q,"ImportToken":%q,"EncryptedKeyMaterial":"AAAA"%s}`, id, b64(p.token), noExpiry), "InvalidCiphertextException", ""},
		{"wrapped with another algorithm", importBody(t, id, p, "RSAES_OAEP_SHA_1", good, noExpiry), "InvalidCiphertextException", ""},
		{"material too short", importBody(t, id, p, alg, good[:31], noExpiry), "ValidationException", "Key material of 31 bytes is not valid for key spec HMAC_256; it must be 32 to 64 bytes long."},
		{"material too long", importBody(t, id, p, alg, make([]byte, 65), noExpiry), "ValidationException", "Key material of 65 bytes*"},
		{"AWS_KMS key", importBody(t, kmsKey, p, alg, good, noExpiry), "UnsupportedOperationException", kmsARN + " origin is AWS_KMS which is not valid for this operation."},
		{"missing members", `{"KeyId":"` + id + `"}`, "ValidationException", "2 validation errors detected: Value null at 'importToken'*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := call(t, s, "ImportKeyMaterial", tt.body)
			wantErr(t, err, tt.typ, tt.msg)
		})
	}
	if st := describe(t, s, id)["KeyState"]; st != "PendingImport" {
		t.Fatalf("failed imports changed the key: %v", st)
	}

	// Expiring material: the key turns PendingImport when ValidTo passes (IMP-9).
	mustCall(t, s, "ImportKeyMaterial", importBody(t, id, p, alg, good, validTo(time.Hour)))
	md := describe(t, s, id)
	if md["ExpirationModel"] != "KEY_MATERIAL_EXPIRES" || md["ValidTo"] == nil || md["KeyState"] != "Enabled" {
		t.Fatalf("after expiring import: %v", md)
	}
	mustCall(t, s, "GenerateMac", macBody("GenerateMac", id, "HMAC_SHA_256", "AA==", ""))
	c.Add(time.Hour)
	_, err = call(t, s, "GenerateMac", macBody("GenerateMac", id, "HMAC_SHA_256", "AA==", ""))
	wantErr(t, err, "KMSInvalidStateException", arn+" is pending import.")
	if md := describe(t, s, id); md["KeyState"] != "PendingImport" || md["ExpirationModel"] != nil {
		t.Fatalf("after expiry: %v", md)
	}
	// Tokens expire after 24 hours.
	c.Add(24 * time.Hour)
	_, err = call(t, s, "ImportKeyMaterial", importBody(t, id, p, alg, good, noExpiry))
	wantErr(t, err, "ExpiredImportTokenException", "")
	// ExpireKeyMaterial control does the same as time passing.
	p = getParams(t, s, id, alg, "RSA_2048")
	mustCall(t, s, "ImportKeyMaterial", importBody(t, id, p, alg, good, noExpiry))
	mustCall(t, s, "KmsmacReference.ExpireKeyMaterial", `{"KeyId":"`+id+`"}`)
	if st := describe(t, s, id)["KeyState"]; st != "PendingImport" {
		t.Fatalf("after ExpireKeyMaterial: %v", st)
	}
	_, err = call(t, s, "DeleteImportedKeyMaterial", `{"KeyId":"`+kmsKey+`"}`)
	wantErr(t, err, "UnsupportedOperationException", "")
}

// TestImportRSA4096 is the combination real AWS was recorded with (IMP-4).
func TestImportRSA4096(t *testing.T) {
	if testing.Short() {
		t.Skip("RSA-4096 key generation is slow")
	}
	s, _ := newTestService(t)
	id, _ := createKey(t, s, `{"KeySpec":"HMAC_512","KeyUsage":"GENERATE_VERIFY_MAC","Origin":"EXTERNAL"}`)
	p := getParams(t, s, id, "RSAES_OAEP_SHA_256", "RSA_4096")
	material := bytes.Repeat([]byte{9}, 64)
	mustCall(t, s, "ImportKeyMaterial", importBody(t, id, p, "RSAES_OAEP_SHA_256", material, noExpiry))
	sp, _ := mac.ByKeySpec("HMAC_512")
	if _, tag := genMac(t, s, id, "HMAC_SHA_512", []byte("x")); !bytes.Equal(tag, mac.Sum(sp, material, []byte("x"))) {
		t.Fatal("MAC does not match the imported material")
	}
}
