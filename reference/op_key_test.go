package reference

import (
	"fmt"
	"strings"
	"testing"
)

func TestCreateKeyErrors(t *testing.T) {
	s, _ := newTestService(t)
	tests := []struct{ name, body, typ, msg string }{
		{"HMAC without KeyUsage", `{"KeySpec":"HMAC_256"}`, "ValidationException",
			"You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys."},
		{"unknown KeyUsage", `{"KeySpec":"HMAC_256","KeyUsage":"RANDOM"}`, "ValidationException",
			"1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: [ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT, ENCAPSULATE_DECAPSULATE]"},
		{"unknown KeySpec", `{"KeySpec":"HMAC_random","KeyUsage":"GENERATE_VERIFY_MAC"}`, "ValidationException",
			"1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048, *"},
		{"HMAC with ENCRYPT_DECRYPT", `{"KeySpec":"HMAC_256","KeyUsage":"ENCRYPT_DECRYPT"}`, "ValidationException", "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256"},
		{"HMAC with SIGN_VERIFY", `{"KeySpec":"HMAC_512","KeyUsage":"SIGN_VERIFY"}`, "ValidationException", "KeyUsage SIGN_VERIFY is not compatible with KeySpec HMAC_512"},
		{"HMAC with KEY_AGREEMENT", `{"KeySpec":"HMAC_224","KeyUsage":"KEY_AGREEMENT"}`, "ValidationException", "KeyUsage KEY_AGREEMENT is not compatible with KeySpec HMAC_224"},
		{"MAC usage, default spec", `{"KeyUsage":"GENERATE_VERIFY_MAC"}`, "ValidationException", "KeyUsage GENERATE_VERIFY_MAC is not compatible with KeySpec SYMMETRIC_DEFAULT"},
		{"MAC usage, RSA", `{"KeySpec":"RSA_2048","KeyUsage":"GENERATE_VERIFY_MAC"}`, "ValidationException", "KeyUsage GENERATE_VERIFY_MAC is not compatible with KeySpec RSA_2048"},
		{"RSA key agreement", `{"KeySpec":"RSA_2048","KeyUsage":"KEY_AGREEMENT"}`, "ValidationException", "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048"},
		{"both spec members", `{"KeySpec":"HMAC_256","CustomerMasterKeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`, "ValidationException", "You cannot specify KeySpec and CustomerMasterKeySpec*"},
		{"HMAC in a custom key store", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","CustomKeyStoreId":"cks-1234567890abcdef0"}`, "UnsupportedOperationException", ""},
		{"HMAC in CloudHSM", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Origin":"AWS_CLOUDHSM"}`, "UnsupportedOperationException", ""},
		{"symmetric in XKS", `{"Origin":"EXTERNAL_KEY_STORE","CustomKeyStoreId":"cks-1"}`, "CustomKeyStoreNotFoundException", ""},
		{"bad origin", `{"Origin":"ELSEWHERE"}`, "ValidationException", "1 validation error detected: Value 'ELSEWHERE' at 'origin'*"},
		{"long description", `{"Description":"` + strings.Repeat("d", 8193) + `"}`, "ValidationException", "1 validation error detected: Value '" + strings.Repeat("d", 8193) + "' at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192"},
		{"tag value too long", `{"Tags":[{"TagKey":"k","TagValue":"` + strings.Repeat("v", 257) + `"}]}`, "ValidationException", "1 validation error detected: Value '" + strings.Repeat("v", 257) + "' at 'tags.1.member.tagValue'*"},
		{"tag without key", `{"Tags":[{"TagValue":"v"}]}`, "ValidationException", "1 validation error detected: Value null at 'tags.1.member.tagKey' failed to satisfy constraint: Member must not be null"},
		{"tag unknown member", `{"Tags":[{"TagKey":"k","TagValue":"v","Extra":1}]}`, "SerializationException", "Unknown member 'Extra' in the request."},
		{"tag member names are case-sensitive", `{"Tags":[{"tagKey":"k","TagValue":"v"}]}`, "SerializationException", "Unknown member 'tagKey' in the request."},
		{"policy not JSON", `{"Policy":"not json"}`, "MalformedPolicyDocumentException", ""},
		{"unknown member", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Bogus":true}`, "SerializationException", "Unknown member 'Bogus' in the request."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := call(t, s, "CreateKey", tt.body)
			wantErr(t, err, tt.typ, tt.msg)
		})
	}
	if n := s.Store().KeyCount(); n != 0 {
		t.Fatalf("failed CreateKey calls left %d keys", n)
	}
}

func TestCreateKeyMetadata(t *testing.T) {
	s, _ := newTestService(t)
	// Every member of CreateKeyRequest is accepted.
	full := `{"Policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}","Description":"d","KeyUsage":"GENERATE_VERIFY_MAC","KeySpec":"HMAC_384",
		"Origin":"AWS_KMS","BypassPolicyLockoutSafetyCheck":false,"Tags":[{"TagKey":"k","TagValue":""}],"MultiRegion":false}`
	tests := []struct {
		name, body string
		want       map[string]any
		absent     []string
	}{
		{"HMAC", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`, map[string]any{
			"KeySpec": "HMAC_256", "CustomerMasterKeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC", "KeyState": "Enabled",
			"Enabled": true, "Origin": "AWS_KMS", "KeyManager": "CUSTOMER", "MultiRegion": false, "Description": "",
			"AWSAccountId": "111122223333", "MacAlgorithms": []any{"HMAC_SHA_256"}},
			[]string{"EncryptionAlgorithms", "SigningAlgorithms", "KeyAgreementAlgorithms", "CurrentKeyMaterialId", "ExpirationModel", "ValidTo", "DeletionDate", "MultiRegionConfiguration"}},
		{"all members", full, map[string]any{"KeySpec": "HMAC_384", "Description": "d", "MacAlgorithms": []any{"HMAC_SHA_384"}}, nil},
		{"CustomerMasterKeySpec", `{"CustomerMasterKeySpec":"HMAC_512","KeyUsage":"GENERATE_VERIFY_MAC"}`,
			map[string]any{"KeySpec": "HMAC_512", "CustomerMasterKeySpec": "HMAC_512", "MacAlgorithms": []any{"HMAC_SHA_512"}}, nil},
		{"EXTERNAL", `{"KeySpec":"HMAC_224","KeyUsage":"GENERATE_VERIFY_MAC","Origin":"EXTERNAL"}`,
			map[string]any{"KeyState": "PendingImport", "Enabled": false, "Origin": "EXTERNAL"}, []string{"ExpirationModel"}},
		{"symmetric default", `{}`, map[string]any{"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "EncryptionAlgorithms": []any{"SYMMETRIC_DEFAULT"}},
			[]string{"MacAlgorithms"}},
		{"RSA sign", `{"KeySpec":"RSA_2048","KeyUsage":"SIGN_VERIFY"}`, map[string]any{"KeyUsage": "SIGN_VERIFY"}, []string{"MacAlgorithms", "EncryptionAlgorithms"}},
		{"ECC agreement", `{"KeySpec":"ECC_NIST_P256","KeyUsage":"KEY_AGREEMENT"}`, map[string]any{"KeyAgreementAlgorithms": []any{"ECDH"}}, []string{"SigningAlgorithms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := mustCall(t, s, "CreateKey", tt.body)["KeyMetadata"].(map[string]any)
			id := md["KeyId"].(string)
			if !isKeyID(id) || strings.HasPrefix(id, "mrk-") || md["Arn"] != testARNPrefix+"key/"+id {
				t.Fatalf("id %q arn %v", id, md["Arn"])
			}
			if _, ok := md["CreationDate"].(float64); !ok {
				t.Fatalf("CreationDate %v is not a number", md["CreationDate"])
			}
			for _, got := range []map[string]any{md, describe(t, s, id)} {
				for k, want := range tt.want {
					if fmt.Sprint(got[k]) != fmt.Sprint(want) {
						t.Errorf("%s = %v, want %v", k, got[k], want)
					}
				}
				for _, k := range tt.absent {
					if v, ok := got[k]; ok {
						t.Errorf("%s present (%v), want absent", k, v)
					}
				}
			}
		})
	}
	md := mustCall(t, s, "CreateKey", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","MultiRegion":true}`)["KeyMetadata"].(map[string]any)
	id := md["KeyId"].(string)
	mrc, _ := md["MultiRegionConfiguration"].(map[string]any)
	if !strings.HasPrefix(id, "mrk-") || len(id) != 36 || !isKeyID(id) || md["MultiRegion"] != true || mrc["MultiRegionKeyType"] != "PRIMARY" {
		t.Fatalf("multi-Region key metadata: %v", md)
	}
}

func TestKeyLifecycle(t *testing.T) {
	s, c := newTestService(t)
	id, arn := hmacKey(t, s, "HMAC_256")
	state := func() string { return describe(t, s, id)["KeyState"].(string) }
	mustCall(t, s, "DisableKey", `{"KeyId":"`+id+`"}`)
	mustCall(t, s, "DisableKey", `{"KeyId":"`+arn+`"}`) // idempotent, ARN form
	if st := state(); st != "Disabled" {
		t.Fatalf("after DisableKey: %s", st)
	}
	mustCall(t, s, "EnableKey", `{"KeyId":"`+id+`"}`)
	if st := state(); st != "Enabled" {
		t.Fatalf("after EnableKey: %s", st)
	}
	_, err := call(t, s, "ScheduleKeyDeletion", `{"KeyId":"`+id+`","PendingWindowInDays":6}`)
	wantErr(t, err, "ValidationException", "1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7")
	_, err = call(t, s, "ScheduleKeyDeletion", `{"KeyId":"`+id+`","PendingWindowInDays":31}`)
	wantErr(t, err, "ValidationException", "1 validation error detected: Value '31' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 30")
	out := mustCall(t, s, "ScheduleKeyDeletion", `{"KeyId":"`+id+`"}`)
	wantDate := float64(c.Now().Add(30*24*3600*1e9).UnixMilli()) / 1000
	if out["KeyId"] != arn || out["KeyState"] != "PendingDeletion" || out["PendingWindowInDays"] != 30.0 || out["DeletionDate"] != wantDate {
		t.Fatalf("ScheduleKeyDeletion = %v (want DeletionDate %v)", out, wantDate)
	}
	md := describe(t, s, id)
	if md["KeyState"] != "PendingDeletion" || md["PendingDeletionWindowInDays"] != 30.0 || md["DeletionDate"] != wantDate {
		t.Fatalf("DescribeKey while pending deletion: %v", md)
	}
	_, err = call(t, s, "ScheduleKeyDeletion", `{"KeyId":"`+id+`"}`)
	wantErr(t, err, "KMSInvalidStateException", arn+" is pending deletion.")
	_, err = call(t, s, "EnableKey", `{"KeyId":"`+id+`"}`)
	wantErr(t, err, "KMSInvalidStateException", arn+" is pending deletion.")
	out = mustCall(t, s, "CancelKeyDeletion", `{"KeyId":"`+id+`"}`)
	if out["KeyId"] != arn || state() != "Disabled" {
		t.Fatalf("CancelKeyDeletion = %v, state %s (STATE-11 wants Disabled)", out, state())
	}
	if _, ok := describe(t, s, id)["DeletionDate"]; ok {
		t.Fatal("DeletionDate kept after CancelKeyDeletion")
	}
	_, err = call(t, s, "CancelKeyDeletion", `{"KeyId":"`+id+`"}`)
	wantErr(t, err, "KMSInvalidStateException", arn+" is not pending deletion.")
	// Key-management operations do not take aliases.
	mustCall(t, s, "CreateAlias", `{"AliasName":"alias/life","TargetKeyId":"`+id+`"}`)
	_, err = call(t, s, "EnableKey", `{"KeyId":"alias/life"}`)
	wantErr(t, err, "NotFoundException", "Invalid keyId 'alias/life'")
	if describe(t, s, "alias/life")["KeyId"] != id {
		t.Fatal("DescribeKey by alias failed")
	}
	_, err = call(t, s, "DescribeKey", `{"KeyId":"alias/nope"}`)
	wantErr(t, err, "NotFoundException", "Alias "+testARNPrefix+"alias/nope is not found.")
	// EXTERNAL keys without material cannot be enabled.
	ext, extARN := createKey(t, s, `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Origin":"EXTERNAL"}`)
	_, err = call(t, s, "EnableKey", `{"KeyId":"`+ext+`"}`)
	wantErr(t, err, "KMSInvalidStateException", extARN+" is pending import.")
	mustCall(t, s, "ScheduleKeyDeletion", `{"KeyId":"`+ext+`","PendingWindowInDays":7}`)
	mustCall(t, s, "CancelKeyDeletion", `{"KeyId":"`+ext+`"}`)
	if st := describe(t, s, ext)["KeyState"]; st != "PendingImport" {
		t.Fatalf("cancelled EXTERNAL key without material: %v", st)
	}
}

func TestListKeys(t *testing.T) {
	s, _ := newTestService(t)
	want := map[string]bool{}
	for range 5 {
		id, _ := hmacKey(t, s, "HMAC_256")
		want[id] = true
	}
	got := map[string]bool{}
	marker := ""
	for pages := 0; ; pages++ {
		body := `{"Limit":2}`
		if marker != "" {
			body = `{"Limit":2,"Marker":"` + marker + `"}`
		}
		out := mustCall(t, s, "ListKeys", body)
		for _, e := range out["Keys"].([]any) {
			m := e.(map[string]any)
			id := m["KeyId"].(string)
			if m["KeyArn"] != testARNPrefix+"key/"+id || got[id] {
				t.Fatalf("entry %v", m)
			}
			got[id] = true
		}
		if out["Truncated"] != true {
			if _, ok := out["NextMarker"]; ok {
				t.Fatal("NextMarker on the last page")
			}
			break
		}
		marker = out["NextMarker"].(string)
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(got) != len(want) {
		t.Fatalf("listed %d keys, want %d", len(got), len(want))
	}
	_, err := call(t, s, "ListKeys", `{"Limit":0}`)
	wantErr(t, err, "ValidationException", "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = call(t, s, "ListKeys", `{"Marker":"garbage"}`)
	wantErr(t, err, "InvalidMarkerException", "")
}
