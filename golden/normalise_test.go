package golden

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/target"
)

func TestNormalise(t *testing.T) {
	const acct, id, other = "123456789012", "1234abcd-12ab-34cd-56ef-1234567890ab", "0000abcd-12ab-34cd-56ef-1234567890ab"
	arn := "arn:aws:kms:eu-west-1:" + acct + ":key/" + id
	tg := &target.Target{Region: "eu-west-1"}
	tg.Learn(arn)
	const alias = "alias/kmsmac-run-1"
	gen := &Key{Name: "K", ID: id, ARN: arn}
	imp := &Key{Name: "I", ID: other, ARN: "arn:aws:kms:eu-west-1:" + acct + ":key/" + other, Origin: "EXTERNAL", Material: bytes.Repeat([]byte{7}, 32)}
	names := Names{Keys: []Key{*gen, *imp}, Aliases: map[string]string{"A": alias}, Target: tg}
	body := func(v any) []byte { b, _ := json.Marshal(v); return b }
	cases := []struct {
		name string
		o    *target.Outcome
		key  *Key
		want string
	}{
		{"generated mac", &target.Outcome{Op: "GenerateMac", Status: 200, Body: body(map[string]any{"KeyId": arn, "Mac": "AAAA", "MacAlgorithm": "HMAC_SHA_256"})}, gen,
			`{"KeyId":"<key-arn:K>","Mac":"<mac:3 bytes>","MacAlgorithm":"HMAC_SHA_256"}`},
		{"imported mac right", &target.Outcome{Op: "GenerateMac", Status: 200, Request: body(map[string]any{"Message": []byte("hi"), "MacAlgorithm": "HMAC_SHA_256"}),
			Body: body(map[string]any{"KeyId": imp.ARN, "Mac": []byte(importedMACBytes(imp.Material, "hi"))})}, imp,
			`{"KeyId":"<key-arn:I>","Mac":"<mac:32 bytes, the HMAC of the imported material>"}`},
		{"imported mac wrong", &target.Outcome{Op: "GenerateMac", Status: 200, Request: body(map[string]any{"Message": []byte("hi"), "MacAlgorithm": "HMAC_SHA_256"}),
			Body: body(map[string]any{"Mac": "AAAA"})}, imp, `{"Mac":"AAAA"}`},
		{"metadata", &target.Outcome{Op: "DescribeKey", Status: 200, Body: []byte(`{"KeyMetadata":{"AWSAccountId":"` + acct + `","KeyId":"` + id + `","CreationDate":1.7e9,"ValidTo":"x","Description":"in eu-west-1"}}`)}, nil,
			`{"KeyMetadata":{"AWSAccountId":"<account>","CreationDate":"<time>","Description":"in <region>","KeyId":"<key-id:K>","ValidTo":"<time>"}}`},
		{"import params", &target.Outcome{Op: "GetParametersForImport", Status: 200, Body: body(map[string]any{"KeyId": imp.ARN, "ImportToken": "AAAA", "PublicKey": "AAAAAA==", "ParametersValidTo": 1.7e9})}, imp,
			`{"ImportToken":"<importToken>","KeyId":"<key-arn:I>","ParametersValidTo":"<time>","PublicKey":"<public-key:4 bytes>"}`},
		{"unknown ids numbered", &target.Outcome{Op: "CreateKey", Status: 200, Body: []byte(`{"A":"9999abcd-12ab-34cd-56ef-1234567890ab","B":"8888abcd-12ab-34cd-56ef-1234567890ab","C":"9999abcd-12ab-34cd-56ef-1234567890ab"}`)}, nil,
			`{"A":"<id:#1>","B":"<id:#2>","C":"<id:#1>"}`},
		{"lists keep own entries", &target.Outcome{Op: "ListAliases", Status: 200, Body: body(map[string]any{"Aliases": []any{
			map[string]any{"AliasName": "alias/aws/ebs", "TargetKeyId": "7777abcd-12ab-34cd-56ef-1234567890ab"},
			map[string]any{"AliasName": alias, "AliasArn": "arn:aws:kms:eu-west-1:" + acct + ":" + alias, "TargetKeyId": id}}})}, nil,
			`{"Aliases":[{"AliasArn":"<alias-arn:A>","AliasName":"<alias:A>","TargetKeyId":"<key-id:K>"}]}`},
		{"error message", &target.Outcome{Op: "GenerateMac", Status: 400, Type: "NotFoundException", HasMsg: true, Message: "Alias " + "arn:aws:kms:eu-west-1:" + acct + ":" + alias + " is not found."}, nil,
			`400 NotFoundException "Alias <alias-arn:A> is not found."`},
		{"no response", &target.Outcome{Op: "ListKeys", Err: fmt.Errorf("dial tcp 127.0.0.1:1234: refused")}, nil, `0 no HTTP response`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Normalise(names, []Taped{{Outcome: c.o, Key: c.key}})[0]
			s := string(got.Response)
			if got.Status != http.StatusOK {
				s = fmt.Sprintf("%d %s", got.Status, strings.TrimSpace(got.Type+" "+got.Error))
				if got.Message != nil {
					s += fmt.Sprintf(" %q", *got.Message)
				}
			}
			if s != c.want {
				t.Errorf("got  %s\nwant %s", s, c.want)
			}
		})
	}
}

func importedMACBytes(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key) // crypto/hmac directly: the test checks Normalise's use of kmsspec.HMAC
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func hmacSHA256(key []byte) hash.Hash { return hmac.New(sha256.New, key) }
