package reference

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/reference/request"
)

var b64 = base64.StdEncoding.EncodeToString

func genMac(t *testing.T, s *Service, keyID, alg string, msg []byte) (map[string]any, []byte) {
	t.Helper()
	out := mustCall(t, s, "GenerateMac", fmt.Sprintf(`{"KeyId":%s,"Message":%q,"MacAlgorithm":%q}`, jsonStr(keyID), b64(msg), alg))
	tag, err := base64.StdEncoding.DecodeString(out["Mac"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return out, tag
}

func TestMacValidation(t *testing.T) {
	s, _ := newTestService(t)
	id, _ := hmacKey(t, s, "HMAC_256")
	long := strings.Repeat("a", 2049)
	enumMsg := "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]"
	msg := b64([]byte("hello"))
	tests := []struct {
		name, op, body, typ, msg string
	}{
		{"missing KeyId", "GenerateMac", `{"Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256"}`, "ValidationException",
			"1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null"},
		{"everything missing", "GenerateMac", `{}`, "ValidationException",
			"3 validation errors detected: Value null at 'message' failed to satisfy constraint: Member must not be null; Value null at 'keyId' failed to satisfy constraint: Member must not be null; Value null at 'macAlgorithm' failed to satisfy constraint: Member must not be null"},
		{"missing Mac", "VerifyMac", `{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256"}`, "ValidationException",
			"1 validation error detected: Value null at 'mac' failed to satisfy constraint: Member must not be null"},
		{"empty KeyId", "GenerateMac", `{"KeyId":"","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256"}`, "ValidationException",
			"1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"long KeyId", "VerifyMac", `{"KeyId":"` + long + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256","Mac":"AA=="}`, "ValidationException",
			"1 validation error detected: Value '" + long + "' at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048"},
		{"message too long", "GenerateMac", `{"KeyId":"` + id + `","Message":"` + b64(make([]byte, 4097)) + `","MacAlgorithm":"HMAC_SHA_256"}`, "ValidationException",
			"1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096"},
		{"empty message", "VerifyMac", `{"KeyId":"` + id + `","Message":"","MacAlgorithm":"HMAC_SHA_256","Mac":"AA=="}`, "ValidationException",
			"1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"enum with a valid key", "GenerateMac", `{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"INVALID"}`, "ValidationException", enumMsg},
		{"enum before key lookup", "VerifyMac", `{"KeyId":"alias/none","Message":"` + msg + `","MacAlgorithm":"INVALID","Mac":"AA=="}`, "ValidationException", enumMsg},
		{"enum is case-sensitive", "GenerateMac", `{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"hmac_sha_256"}`, "ValidationException", "1 validation error detected: Value 'hmac_sha_256' at 'macAlgorithm'*"},
		{"mac too long", "VerifyMac", `{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256","Mac":"` + b64(make([]byte, 6145)) + `"}`, "ValidationException",
			"1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=6145 cap=6145]' at 'mac' failed to satisfy constraint: Member must have length less than or equal to 6144"},
		{"empty mac", "VerifyMac", `{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256","Mac":""}`, "ValidationException",
			"1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]' at 'mac' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"11 grant tokens", "GenerateMac", `{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256","GrantTokens":["a","b","c","d","e","f","g","h","i","j","k"]}`, "ValidationException",
			"1 validation error detected: Value '[a, b, c, d, e, f, g, h, i, j, k]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10"},
		{"empty grant token", "GenerateMac", `{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256","GrantTokens":["x",""]}`, "ValidationException",
			"1 validation error detected: Value '' at 'grantTokens.2.member' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"long grant token", "GenerateMac", `{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256","GrantTokens":["` + strings.Repeat("t", 8193) + `"]}`, "ValidationException",
			"1 validation error detected: Value '" + strings.Repeat("t", 8193) + "' at 'grantTokens.1.member' failed to satisfy constraint: Member must have length less than or equal to 8192"},
		{"two violations", "GenerateMac", `{"KeyId":"","Message":"` + msg + `","MacAlgorithm":"X"}`, "ValidationException",
			"2 validation errors detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1; Value 'X' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]"},
		{"Mac member on GenerateMac", "GenerateMac", `{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256","Mac":"AA=="}`, "SerializationException", "Unknown member 'Mac' in the request."},
		{"MessageType is unknown", "GenerateMac", `{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256","MessageType":"RAW"}`, "SerializationException", "*"},
		{"member names are case-sensitive", "GenerateMac", `{"keyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256"}`, "SerializationException", "Unknown member 'keyId' in the request."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := call(t, s, tt.op, tt.body)
			wantErr(t, err, tt.typ, tt.msg)
		})
	}
}

func TestMacSuccessAndKeyForms(t *testing.T) {
	s, _ := newTestService(t)
	for _, spec := range []string{"HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512"} {
		t.Run(spec, func(t *testing.T) {
			id, arn := hmacKey(t, s, spec)
			alias := "alias/k-" + spec
			mustCall(t, s, "CreateAlias", `{"AliasName":"`+alias+`","TargetKeyId":"`+id+`"}`)
			alg := "HMAC_SHA_" + strings.TrimPrefix(spec, "HMAC_")
			size := map[string]int{"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}[spec]
			for _, msg := range [][]byte{{0}, bytes.Repeat([]byte{7}, 4096)} {
				var first []byte
				for _, form := range []string{id, arn, alias, testARNPrefix + alias} {
					out, tag := genMac(t, s, form, alg, msg)
					if out["KeyId"] != arn || out["MacAlgorithm"] != alg || len(tag) != size {
						t.Fatalf("GenerateMac via %s = %v (tag %d bytes)", form, out, len(tag))
					}
					if first == nil {
						first = tag
					} else if !bytes.Equal(first, tag) {
						t.Fatalf("MAC via %s differs", form)
					}
					v := mustCall(t, s, "VerifyMac", fmt.Sprintf(`{"KeyId":%q,"Message":%q,"MacAlgorithm":%q,"Mac":%q}`, form, b64(msg), alg, b64(tag)))
					if v["KeyId"] != arn || v["MacValid"] != true || v["MacAlgorithm"] != alg || len(v) != 3 {
						t.Fatalf("VerifyMac via %s = %v", form, v)
					}
				}
			}
		})
	}
	// Two keys of one spec give different MACs (GM-OK-5).
	a, _ := hmacKey(t, s, "HMAC_256")
	b, _ := hmacKey(t, s, "HMAC_256")
	_, ta := genMac(t, s, a, "HMAC_SHA_256", []byte("m"))
	_, tb := genMac(t, s, b, "HMAC_SHA_256", []byte("m"))
	if bytes.Equal(ta, tb) {
		t.Fatal("two keys gave the same MAC")
	}
}

func TestMacKeyResolutionErrors(t *testing.T) {
	s, _ := newTestService(t)
	missing := "11111111-2222-3333-4444-555555555555"
	tests := []struct{ keyID, msg string }{
		{"fake-key-id", "Invalid keyId 'fake-key-id'"},
		{"mrk-fake-key-id", "Invalid keyId 'mrk-fake-key-id'"},
		{"11111111222233334444555555555555", "Invalid keyId '11111111222233334444555555555555'"},
		{missing, "Key '" + testARNPrefix + "key/" + missing + "' does not exist"},
		{"mrk-0123456789abcdef0123456789abcdef", "Key '" + testARNPrefix + "key/mrk-0123456789abcdef0123456789abcdef' does not exist"},
		{testARNPrefix + "key/" + missing, "Key '" + testARNPrefix + "key/" + missing + "' does not exist"},
		{"arn:aws:kms:us-west-2:111122223333:key/" + missing, "Invalid arn us-west-2"},
		{"arn:aws:kms:us-east-1:999999999999:key/" + missing, "Key 'arn:aws:kms:us-east-1:999999999999:key/" + missing + "' does not exist"},
		{"alias/missing", "Alias " + testARNPrefix + "alias/missing is not found."},
		{testARNPrefix + "alias/missing", "Alias " + testARNPrefix + "alias/missing is not found."},
		{"arn:aws:kms:eu-west-1:111122223333:alias/missing", "Invalid arn eu-west-1"},
		{testARNPrefix + "key/not-a-uuid", "Invalid keyId '" + testARNPrefix + "key/not-a-uuid'"},
	}
	for _, tt := range tests {
		for _, op := range []string{"GenerateMac", "VerifyMac"} {
			_, err := call(t, s, op, macBody(op, tt.keyID, "HMAC_SHA_256", "AA==", "AA=="))
			wantErr(t, err, "NotFoundException", tt.msg)
		}
	}
}

func macBody(op, keyID, alg, msg, tag string) string {
	if op == "GenerateMac" {
		return fmt.Sprintf(`{"KeyId":%s,"Message":%q,"MacAlgorithm":%q}`, jsonStr(keyID), msg, alg)
	}
	return fmt.Sprintf(`{"KeyId":%s,"Message":%q,"MacAlgorithm":%q,"Mac":%q}`, jsonStr(keyID), msg, alg, tag)
}

func TestMacKeyStates(t *testing.T) {
	s, _ := newTestService(t)
	tests := []struct {
		state, typ, suffix string
	}{
		{"Disabled", "DisabledException", " is disabled."},
		{"PendingDeletion", "KMSInvalidStateException", " is pending deletion."},
		{"PendingReplicaDeletion", "KMSInvalidStateException", " is pending replica deletion."},
		{"Creating", "KMSInvalidStateException", " is creating."},
		{"Updating", "", ""},
		{"Enabled", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			id, arn := hmacKey(t, s, "HMAC_256")
			_, tag := genMac(t, s, id, "HMAC_SHA_256", []byte("m"))
			mustCall(t, s, "KmsmacReference.SetKeyState", `{"KeyId":"`+id+`","KeyState":"`+tt.state+`"}`)
			for _, op := range []string{"GenerateMac", "VerifyMac"} {
				out, err := call(t, s, op, macBody(op, id, "HMAC_SHA_256", b64([]byte("m")), b64(tag)))
				if tt.typ == "" {
					if err != nil || out["KeyId"] != arn {
						t.Fatalf("%s in %s: %v %v", op, tt.state, out, err)
					}
					continue
				}
				wantErr(t, err, tt.typ, arn+tt.suffix)
			}
			if got := describe(t, s, id)["Enabled"]; got != (tt.state == "Enabled") {
				t.Fatalf("Enabled = %v in state %s (STATE-9)", got, tt.state)
			}
		})
	}
	// Through the public API: DisableKey, ScheduleKeyDeletion, EXTERNAL.
	id, arn := hmacKey(t, s, "HMAC_256")
	mustCall(t, s, "DisableKey", `{"KeyId":"`+id+`"}`)
	_, err := call(t, s, "GenerateMac", macBody("GenerateMac", id, "HMAC_SHA_256", "AA==", ""))
	wantErr(t, err, "DisabledException", arn+" is disabled.")
	mustCall(t, s, "ScheduleKeyDeletion", `{"KeyId":"`+id+`","PendingWindowInDays":7}`)
	_, err = call(t, s, "GenerateMac", macBody("GenerateMac", id, "HMAC_SHA_256", "AA==", ""))
	wantErr(t, err, "KMSInvalidStateException", arn+" is pending deletion.")
	ext, extARN := createKey(t, s, `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Origin":"EXTERNAL"}`)
	_, err = call(t, s, "VerifyMac", macBody("VerifyMac", ext, "HMAC_SHA_256", "AA==", "AA=="))
	wantErr(t, err, "KMSInvalidStateException", extARN+" is pending import.")
}

func TestMacUsageAndAlgorithm(t *testing.T) {
	s, _ := newTestService(t)
	sym, symARN := createKey(t, s, `{}`)
	rsa, rsaARN := createKey(t, s, `{"KeySpec":"RSA_2048","KeyUsage":"SIGN_VERIFY"}`)
	ecc, eccARN := createKey(t, s, `{"KeySpec":"ECC_NIST_P256","KeyUsage":"KEY_AGREEMENT"}`)
	for _, op := range []string{"GenerateMac", "VerifyMac"} {
		for _, k := range []struct{ id, arn, usage string }{{sym, symARN, "ENCRYPT_DECRYPT"}, {rsa, rsaARN, "SIGN_VERIFY"}, {ecc, eccARN, "KEY_AGREEMENT"}} {
			// HMAC_SHA_224 also proves usage is checked before the algorithm (ORD-3).
			_, err := call(t, s, op, macBody(op, k.id, "HMAC_SHA_224", "AA==", "AA=="))
			wantErr(t, err, "InvalidKeyUsageException", k.arn+" key usage is "+k.usage+" which is not valid for "+op+".")
		}
	}
	ids := map[string]string{}
	for _, spec := range []string{"HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512"} {
		ids[spec], _ = hmacKey(t, s, spec)
	}
	n := 0
	for spec, id := range ids {
		for _, alg := range request.MacAlgorithms {
			if strings.TrimPrefix(alg, "HMAC_SHA_") == strings.TrimPrefix(spec, "HMAC_") {
				continue
			}
			for _, op := range []string{"GenerateMac", "VerifyMac"} {
				_, err := call(t, s, op, macBody(op, id, alg, "AA==", "AA=="))
				wantErr(t, err, "InvalidKeyUsageException", "Algorithm "+alg+" is incompatible with key spec "+spec+".")
				n++
			}
		}
	}
	if n != 24 {
		t.Fatalf("checked %d mismatches, want 24", n)
	}
}

func TestVerifyMacFailures(t *testing.T) {
	s, _ := newTestService(t)
	id, _ := hmacKey(t, s, "HMAC_256")
	other, _ := hmacKey(t, s, "HMAC_256")
	msg := []byte("some important message")
	_, tag := genMac(t, s, id, "HMAC_SHA_256", msg)
	flipped := bytes.Clone(tag)
	flipped[5] ^= 1
	tests := []struct {
		name, key string
		msg, tag  []byte
	}{
		{"different message", id, []byte("some different important message"), tag},
		{"truncated", id, msg, tag[:31]},
		{"one byte", id, msg, tag[:1]},
		{"extended", id, msg, append(bytes.Clone(tag), 0)},
		{"bit flipped", id, msg, flipped},
		{"other key", other, msg, tag},
		{"random", id, msg, bytes.Repeat([]byte{0xab}, 32)},
	}
	for _, tt := range tests {
		_, err := call(t, s, "VerifyMac", macBody("VerifyMac", tt.key, "HMAC_SHA_256", b64(tt.msg), b64(tt.tag)))
		wantErr(t, err, "KMSInvalidMacException", "")
		if !err.NoMessage || err.Message != "" {
			t.Fatalf("%s: KMSInvalidMacException must carry no message (WIRE-10): %+v", tt.name, err)
		}
	}
	// Wrong algorithm and wrong MAC: the algorithm check wins (ORD-4).
	_, err := call(t, s, "VerifyMac", macBody("VerifyMac", id, "HMAC_SHA_512", b64(msg), b64(flipped)))
	wantErr(t, err, "InvalidKeyUsageException", "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.")
}

func TestMacDryRun(t *testing.T) {
	s, _ := newTestService(t)
	id, arn := hmacKey(t, s, "HMAC_256")
	_, tag := genMac(t, s, id, "HMAC_SHA_256", []byte("m"))
	m := b64([]byte("m"))
	dry := "The request would have succeeded, but the DryRun option is set."
	_, err := call(t, s, "GenerateMac", `{"KeyId":"`+id+`","Message":"`+m+`","MacAlgorithm":"HMAC_SHA_256","DryRun":true}`)
	wantErr(t, err, "DryRunOperationException", dry)
	_, err = call(t, s, "VerifyMac", `{"KeyId":"`+id+`","Message":"`+m+`","MacAlgorithm":"HMAC_SHA_256","Mac":"`+b64(tag)+`","DryRun":true}`)
	wantErr(t, err, "DryRunOperationException", dry)
	mustCall(t, s, "GenerateMac", `{"KeyId":"`+id+`","Message":"`+m+`","MacAlgorithm":"HMAC_SHA_256","DryRun":false}`)
	// DryRun reports what the real call would fail with (DRY-3, DRY-6).
	_, err = call(t, s, "VerifyMac", `{"KeyId":"`+id+`","Message":"`+m+`","MacAlgorithm":"HMAC_SHA_256","Mac":"AAAA","DryRun":true}`)
	wantErr(t, err, "KMSInvalidMacException", "")
	_, err = call(t, s, "GenerateMac", `{"KeyId":"`+id+`","Message":"`+m+`","MacAlgorithm":"NOPE","DryRun":true}`)
	wantErr(t, err, "ValidationException", "")
	mustCall(t, s, "DisableKey", `{"KeyId":"`+id+`"}`)
	_, err = call(t, s, "GenerateMac", `{"KeyId":"`+id+`","Message":"`+m+`","MacAlgorithm":"HMAC_SHA_256","DryRun":true}`)
	wantErr(t, err, "DisabledException", arn+" is disabled.")
}

func TestMacGrantTokens(t *testing.T) {
	s, _ := newTestService(t)
	id, _ := hmacKey(t, s, "HMAC_256")
	g := mustCall(t, s, "CreateGrant", `{"KeyId":"`+id+`","GranteePrincipal":"arn:aws:iam::111122223333:role/r","Operations":["GenerateMac"]}`)
	tok := g["GrantToken"].(string)
	body := func(toks string) string {
		return `{"KeyId":"` + id + `","Message":"AA==","MacAlgorithm":"HMAC_SHA_256","GrantTokens":` + toks + `}`
	}
	mustCall(t, s, "GenerateMac", body(`[]`))
	mustCall(t, s, "GenerateMac", body(`["`+tok+`"]`))
	_, err := call(t, s, "GenerateMac", body(`["`+tok+`","made-up"]`))
	wantErr(t, err, "InvalidGrantTokenException", "")
	// The token check comes after key resolution.
	_, err = call(t, s, "GenerateMac", `{"KeyId":"alias/none","Message":"AA==","MacAlgorithm":"HMAC_SHA_256","GrantTokens":["made-up"]}`)
	wantErr(t, err, "NotFoundException", "")
	mustCall(t, s, "RetireGrant", `{"GrantToken":"`+tok+`"}`)
	_, err = call(t, s, "GenerateMac", body(`["`+tok+`"]`))
	wantErr(t, err, "InvalidGrantTokenException", "")
}

func TestAliasMovedVerifyFails(t *testing.T) {
	s, _ := newTestService(t)
	a, _ := hmacKey(t, s, "HMAC_256")
	b, _ := hmacKey(t, s, "HMAC_512")
	mustCall(t, s, "CreateAlias", `{"AliasName":"alias/rot","TargetKeyId":"`+a+`"}`)
	_, tag := genMac(t, s, "alias/rot", "HMAC_SHA_256", []byte("m"))
	// HMAC_256 → HMAC_512 is allowed: both are HMAC keys (KID-13).
	mustCall(t, s, "UpdateAlias", `{"AliasName":"alias/rot","TargetKeyId":"`+b+`"}`)
	c, _ := hmacKey(t, s, "HMAC_256")
	mustCall(t, s, "UpdateAlias", `{"AliasName":"alias/rot","TargetKeyId":"`+c+`"}`)
	_, err := call(t, s, "VerifyMac", macBody("VerifyMac", "alias/rot", "HMAC_SHA_256", b64([]byte("m")), b64(tag)))
	wantErr(t, err, "KMSInvalidMacException", "")
	mustCall(t, s, "VerifyMac", macBody("VerifyMac", a, "HMAC_SHA_256", b64([]byte("m")), b64(tag)))
}
