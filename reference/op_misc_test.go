package reference

import (
	"strings"
	"testing"
)

func TestAliases(t *testing.T) {
	s, _ := newTestService(t)
	id, arn := hmacKey(t, s, "HMAC_256")
	sym, _ := createKey(t, s, `{}`)
	aliasARN := testARNPrefix + "alias/app"
	tests := []struct{ name, op, body, typ, msg string }{
		{"create", "CreateAlias", `{"AliasName":"alias/app","TargetKeyId":"` + id + `"}`, "", ""},
		{"duplicate", "CreateAlias", `{"AliasName":"alias/app","TargetKeyId":"` + id + `"}`, "AlreadyExistsException", "An alias with the name " + aliasARN + " already exists"},
		{"no prefix", "CreateAlias", `{"AliasName":"app2","TargetKeyId":"` + id + `"}`, "ValidationException", `Alias must start with the prefix "alias/".*`},
		{"reserved", "CreateAlias", `{"AliasName":"alias/aws/x","TargetKeyId":"` + id + `"}`, "NotAuthorizedException", ""},
		{"bad chars", "CreateAlias", `{"AliasName":"alias/a b","TargetKeyId":"` + id + `"}`, "ValidationException",
			"1 validation error detected: Value 'alias/a b' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"},
		{"target is an alias", "CreateAlias", `{"AliasName":"alias/b","TargetKeyId":"alias/app"}`, "NotFoundException", "Invalid keyId 'alias/app'"},
		{"target missing", "CreateAlias", `{"AliasName":"alias/b","TargetKeyId":"11111111-2222-3333-4444-555555555555"}`, "NotFoundException", "Key '" + testARNPrefix + "key/11111111-2222-3333-4444-555555555555' does not exist"},
		{"target by ARN", "CreateAlias", `{"AliasName":"alias/by-arn","TargetKeyId":"` + arn + `"}`, "", ""},
		{"move to symmetric", "UpdateAlias", `{"AliasName":"alias/app","TargetKeyId":"` + sym + `"}`, "ValidationException", "Alias " + aliasARN + " cannot be moved*"},
		{"update missing", "UpdateAlias", `{"AliasName":"alias/none","TargetKeyId":"` + id + `"}`, "NotFoundException", "Alias " + testARNPrefix + "alias/none is not found."},
		{"delete missing", "DeleteAlias", `{"AliasName":"alias/none"}`, "NotFoundException", "Alias " + testARNPrefix + "alias/none is not found."},
		{"delete", "DeleteAlias", `{"AliasName":"alias/by-arn"}`, "", ""},
		{"missing name", "DeleteAlias", `{}`, "ValidationException", "1 validation error detected: Value null at 'aliasName' failed to satisfy constraint: Member must not be null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := call(t, s, tt.op, tt.body)
			if tt.typ == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, tt.typ, tt.msg)
		})
	}
	out := mustCall(t, s, "ListAliases", `{"KeyId":"`+id+`"}`)
	list := out["Aliases"].([]any)
	if len(list) != 1 || out["Truncated"] != false {
		t.Fatalf("ListAliases = %v", out)
	}
	e := list[0].(map[string]any)
	if e["AliasName"] != "alias/app" || e["AliasArn"] != aliasARN || e["TargetKeyId"] != id {
		t.Fatalf("alias entry %v", e)
	}
	// A key pending deletion cannot get an alias.
	mustCall(t, s, "ScheduleKeyDeletion", `{"KeyId":"`+sym+`"}`)
	_, err := call(t, s, "CreateAlias", `{"AliasName":"alias/late","TargetKeyId":"`+sym+`"}`)
	wantErr(t, err, "KMSInvalidStateException", testARNPrefix+"key/"+sym+" is pending deletion.")
}

func TestGrants(t *testing.T) {
	s, _ := newTestService(t)
	id, arn := hmacKey(t, s, "HMAC_256")
	sym, _ := createKey(t, s, `{}`)
	grantee := `"GranteePrincipal":"arn:aws:iam::111122223333:role/app"`
	tests := []struct{ name, body, typ, msg string }{
		{"no operations", `{"KeyId":"` + id + `",` + grantee + `}`, "ValidationException",
			"1 validation error detected: Value null at 'operations' failed to satisfy constraint: Member must not be null"},
		{"no grantee", `{"KeyId":"` + id + `","Operations":["GenerateMac"]}`, "ValidationException",
			"1 validation error detected: Value null at 'granteePrincipal' failed to satisfy constraint: Member must not be null"},
		{"unknown operation", `{"KeyId":"` + id + `",` + grantee + `,"Operations":["Fly"]}`, "ValidationException", "1 validation error detected: Value '[Fly]' at 'operations'*"},
		{"Encrypt on HMAC (GR-2)", `{"KeyId":"` + id + `",` + grantee + `,"Operations":["GenerateMac","Encrypt"]}`, "ValidationException", "Grant operations [Encrypt] are not valid*"},
		{"GenerateMac on symmetric (GR-3)", `{"KeyId":"` + sym + `",` + grantee + `,"Operations":["VerifyMac"]}`, "ValidationException", "Grant operations [VerifyMac] are not valid*"},
		{"context constraint on HMAC (GR-4)", `{"KeyId":"` + id + `",` + grantee + `,"Operations":["GenerateMac"],"Constraints":{"EncryptionContextEquals":{"a":"b"}}}`, "ValidationException", "Encryption context grant constraints*"},
		{"constraint names are exact", `{"KeyId":"` + id + `",` + grantee + `,"Operations":["GenerateMac"],"Constraints":{"encryptionContextEquals":{}}}`, "SerializationException", "Unknown member 'encryptionContextEquals' in the request."},
		{"dry run", `{"KeyId":"` + id + `",` + grantee + `,"Operations":["GenerateMac"],"DryRun":true}`, "DryRunOperationException", "The request would have succeeded, but the DryRun option is set."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := call(t, s, "CreateGrant", tt.body)
			wantErr(t, err, tt.typ, tt.msg)
		})
	}
	if n := len(s.Store().ListGrants(id)); n != 0 {
		t.Fatalf("failed CreateGrant calls left %d grants", n)
	}
	g1 := mustCall(t, s, "CreateGrant", `{"KeyId":"`+arn+`",`+grantee+`,"Operations":["GenerateMac","DescribeKey"],"Name":"one"}`)
	g2 := mustCall(t, s, "CreateGrant", `{"KeyId":"`+id+`",`+grantee+`,"Operations":["VerifyMac"]}`)
	if len(g1["GrantId"].(string)) != 64 || g1["GrantToken"] == "" || g1["GrantId"] == g2["GrantId"] {
		t.Fatalf("grants %v %v", g1, g2)
	}
	list := mustCall(t, s, "ListGrants", `{"KeyId":"`+id+`"}`)["Grants"].([]any)
	if len(list) != 2 {
		t.Fatalf("ListGrants = %v", list)
	}
	e := list[0].(map[string]any)
	if e["KeyId"] != arn || e["GranteePrincipal"] != "arn:aws:iam::111122223333:role/app" {
		t.Fatalf("grant entry %v", e)
	}
	mustCall(t, s, "RevokeGrant", `{"KeyId":"`+id+`","GrantId":"`+g2["GrantId"].(string)+`"}`)
	_, err := call(t, s, "RevokeGrant", `{"KeyId":"`+id+`","GrantId":"`+g2["GrantId"].(string)+`"}`)
	wantErr(t, err, "NotFoundException", "")
	_, err = call(t, s, "RetireGrant", `{"GrantToken":"nope"}`)
	wantErr(t, err, "InvalidGrantTokenException", "")
	_, err = call(t, s, "RetireGrant", `{}`)
	wantErr(t, err, "ValidationException", "")
	mustCall(t, s, "RetireGrant", `{"KeyId":"`+id+`","GrantId":"`+g1["GrantId"].(string)+`"}`)
	if list := mustCall(t, s, "ListGrants", `{"KeyId":"`+id+`"}`)["Grants"].([]any); len(list) != 0 {
		t.Fatalf("grants left: %v", list)
	}
	// GR-7: key states.
	mustCall(t, s, "DisableKey", `{"KeyId":"`+id+`"}`)
	_, err = call(t, s, "CreateGrant", `{"KeyId":"`+id+`",`+grantee+`,"Operations":["GenerateMac"]}`)
	wantErr(t, err, "DisabledException", arn+" is disabled.")
	ext, extARN := createKey(t, s, `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Origin":"EXTERNAL"}`)
	_, err = call(t, s, "CreateGrant", `{"KeyId":"`+ext+`",`+grantee+`,"Operations":["GenerateMac"]}`)
	wantErr(t, err, "KMSInvalidStateException", extARN+" is pending import.")
}

func TestRotationRefusals(t *testing.T) {
	s, _ := newTestService(t)
	id, arn := hmacKey(t, s, "HMAC_256")
	for _, op := range []string{"EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus"} {
		_, err := call(t, s, op, `{"KeyId":"`+id+`"}`)
		wantErr(t, err, "UnsupportedOperationException", arn+" key spec HMAC_256 does not support key rotation.")
	}
	_, err := call(t, s, "RotateKeyOnDemand", `{"KeyId":"`+id+`"}`)
	wantErr(t, err, "UnsupportedOperationException", "")
	sym, _ := createKey(t, s, `{}`)
	mustCall(t, s, "EnableKeyRotation", `{"KeyId":"`+sym+`"}`)
	if st := mustCall(t, s, "GetKeyRotationStatus", `{"KeyId":"`+sym+`"}`); st["KeyRotationEnabled"] != true {
		t.Fatalf("rotation status %v", st)
	}
	_, err = call(t, s, "EnableKeyRotation", `{"KeyId":"`+sym+`","RotationPeriodInDays":30}`)
	wantErr(t, err, "ValidationException", "1 validation error detected: Value '30' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 90")
}

func TestOtherOperationsOnHMACKeys(t *testing.T) {
	s, _ := newTestService(t)
	id, arn := hmacKey(t, s, "HMAC_256")
	sym, _ := createKey(t, s, `{}`)
	usage := func(op string) string {
		return arn + " key usage is GENERATE_VERIFY_MAC which is not valid for " + op + "."
	}
	incorrect := "The key ID in the request does not identify a CMK that can perform this operation."
	tests := []struct{ op, body, typ, msg string }{
		{"Sign", `{"KeyId":"` + id + `","Message":"AA==","SigningAlgorithm":"ECDSA_SHA_256"}`, "InvalidKeyUsageException", usage("Sign")},
		{"Verify", `{"KeyId":"` + id + `","Message":"AA==","Signature":"AA==","SigningAlgorithm":"ECDSA_SHA_256"}`, "InvalidKeyUsageException", usage("Verify")},
		{"Encrypt", `{"KeyId":"` + id + `","Plaintext":"AA=="}`, "InvalidKeyUsageException", usage("Encrypt")},
		{"GenerateDataKey", `{"KeyId":"` + id + `","KeySpec":"AES_256"}`, "InvalidKeyUsageException", usage("GenerateDataKey")},
		{"GenerateDataKeyWithoutPlaintext", `{"KeyId":"` + id + `","NumberOfBytes":32}`, "InvalidKeyUsageException", usage("GenerateDataKeyWithoutPlaintext")},
		{"GenerateDataKeyPair", `{"KeyId":"` + id + `","KeyPairSpec":"RSA_2048"}`, "InvalidKeyUsageException", usage("GenerateDataKeyPair")},
		{"GenerateDataKeyPairWithoutPlaintext", `{"KeyId":"` + id + `","KeyPairSpec":"RSA_2048"}`, "InvalidKeyUsageException", usage("GenerateDataKeyPairWithoutPlaintext")},
		{"Decrypt", `{"KeyId":"` + id + `","CiphertextBlob":"AAAA"}`, "IncorrectKeyException", incorrect},
		{"ReEncrypt", `{"SourceKeyId":"` + id + `","DestinationKeyId":"` + sym + `","CiphertextBlob":"AAAA"}`, "IncorrectKeyException", incorrect},
		{"GetPublicKey", `{"KeyId":"` + id + `"}`, "UnsupportedOperationException", ""},
		{"Encrypt", `{"KeyId":"` + sym + `","Plaintext":"AA=="}`, "UnsupportedOperationException", "The kmsmac reference implements Encrypt only*"},
		{"Encrypt", `{"Plaintext":"AA=="}`, "ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null"},
		{"Sign", `{"KeyId":"alias/none","Message":"AA==","SigningAlgorithm":"ECDSA_SHA_256"}`, "NotFoundException", "Alias " + testARNPrefix + "alias/none is not found."},
		{"DeriveSharedSecret", `{}`, "UnknownOperationException", ""},
		{"TrentService.GenerateMac", `{}`, "UnknownOperationException", ""},
		{"Other.Thing", `{}`, "UnknownOperationException", ""},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			_, err := call(t, s, tt.op, tt.body)
			wantErr(t, err, tt.typ, tt.msg)
		})
	}
}

func TestControls(t *testing.T) {
	s, _ := newTestService(t)
	id, _ := hmacKey(t, s, "HMAC_256")
	ext, _ := createKey(t, s, `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Origin":"EXTERNAL"}`)
	tests := []struct{ op, body, typ string }{
		{"KmsmacReference.SetKeyState", `{"KeyId":"` + id + `","KeyState":"Sleeping"}`, "ValidationException"},
		{"KmsmacReference.SetKeyState", `{"KeyId":"` + ext + `","KeyState":"Enabled"}`, "ValidationException"},
		{"KmsmacReference.SetKeyState", `{"KeyId":"` + id + `","KeyState":"PendingImport"}`, "ValidationException"},
		{"KmsmacReference.SetKeyState", `{"KeyId":"alias/x","KeyState":"Enabled"}`, "NotFoundException"},
		{"KmsmacReference.ExpireKeyMaterial", `{"KeyId":"` + id + `"}`, "UnsupportedOperationException"},
		{"KmsmacReference.ExpireKeyMaterial", `{"KeyId":"` + ext + `"}`, "KMSInvalidStateException"},
	}
	for _, tt := range tests {
		_, err := call(t, s, tt.op, tt.body)
		wantErr(t, err, tt.typ, "")
	}
	for _, st := range settableStates {
		if st == "PendingImport" {
			continue
		}
		mustCall(t, s, "KmsmacReference.SetKeyState", `{"KeyId":"`+id+`","KeyState":"`+st+`"}`)
		if got := describe(t, s, id)["KeyState"]; got != st {
			t.Fatalf("state %v, want %s", got, st)
		}
	}
	if !strings.HasPrefix(describe(t, s, ext)["KeyState"].(string), "PendingImport") {
		t.Fatal("EXTERNAL key changed")
	}
}
