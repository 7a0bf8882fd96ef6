package reference

import (
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/reference/quota"
)

// msgThrottled is QUO-2's recorded message.
const msgThrottled = "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."

func TestQuotaOptions(t *testing.T) {
	s, err := Open(Options{Quota: quota.Config{Crypto: quota.Rate{PerSecond: 0.001, Burst: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := hmacKey(t, s, "HMAC_256")
	gm := `{"KeyId":"` + id + `","MacAlgorithm":"HMAC_SHA_256","Message":"aGk="}`
	mustCall(t, s, "GenerateMac", gm)
	_, e := call(t, s, "GenerateMac", `{"KeyId":"`+id+`","MacAlgorithm":"HMAC_SHA_256","Message":"aGk=","DryRun":true}`)
	wantErr(t, e, "DryRunOperationException", "") // counted (DRY-5)
	_, e = call(t, s, "Encrypt", `{"KeyId":"`+id+`","Plaintext":"aGk="}`)
	wantErr(t, e, "InvalidKeyUsageException", "")
	_, e = call(t, s, "VerifyMac", `{"KeyId":"`+id+`","MacAlgorithm":"HMAC_SHA_256","Message":"aGk=","Mac":"aGk="}`)
	wantErr(t, e, "ThrottlingException", msgThrottled)
	mustCall(t, s, "DescribeKey", `{"KeyId":"`+id+`"}`) // key management: its own quota, none here

	// Turned off by the control, the next call goes through.
	mustCall(t, s, "KmsmacReference.SetQuota", `{"Quota":"Cryptographic","RequestsPerSecond":0}`)
	mustCall(t, s, "GenerateMac", gm)

	if _, err := Open(Options{Quota: quota.Config{HotKey: quota.Rate{PerSecond: -1}}}); err == nil || !strings.Contains(err.Error(), "hot-key") {
		t.Fatalf("negative rate: %v", err)
	}
}

func TestSetQuotaControl(t *testing.T) {
	s, _ := newTestService(t)
	a, arn := hmacKey(t, s, "HMAC_256")
	b, _ := hmacKey(t, s, "HMAC_256")
	mustCall(t, s, "KmsmacReference.SetQuota", `{"Quota":"HotKey","RequestsPerSecond":0.001,"Burst":1,"KeyId":"`+arn+`"}`)
	mustCall(t, s, "DisableKey", `{"KeyId":"`+a+`"}`)
	_, e := call(t, s, "EnableKey", `{"KeyId":"`+arn+`"}`)
	wantErr(t, e, "ThrottlingException", msgThrottled)
	mustCall(t, s, "DisableKey", `{"KeyId":"`+b+`"}`) // another key: not hot
	mustCall(t, s, "DisableKey", `{"KeyId":"`+b+`"}`)
	mustCall(t, s, "DescribeKey", `{"KeyId":"`+a+`"}`) // reads are no state change
	mustCall(t, s, "KmsmacReference.SetQuota", `{"Quota":"HotKey","RequestsPerSecond":0,"KeyId":"`+a+`"}`)
	mustCall(t, s, "EnableKey", `{"KeyId":"`+a+`"}`)
	if s.opts.limiter.On() {
		t.Fatal("quota still on after the only one was removed")
	}

	for _, bad := range []struct{ body, typ string }{
		{`{"Quota":"Everything","RequestsPerSecond":1}`, "ValidationException"},
		{`{"Quota":"HotKey"}`, "ValidationException"},
		{`{"Quota":"HotKey","RequestsPerSecond":-1}`, "ValidationException"},
		{`{"Quota":"HotKey","RequestsPerSecond":1,"Burst":-5}`, "ValidationException"},
		{`{"Quota":"HotKey","RequestsPerSecond":1e300}`, "ValidationException"},
		{`{"Quota":"HotKey","RequestsPerSecond":"x"}`, "SerializationException"},
		{`{"Quota":"HotKey","RequestsPerSecond":1,"KeyId":"alias/none"}`, "NotFoundException"},
	} {
		_, e := call(t, s, "KmsmacReference.SetQuota", bad.body)
		wantErr(t, e, bad.typ, "")
	}
	if s.opts.limiter.On() {
		t.Fatal("a refused SetQuota turned a quota on")
	}
}
