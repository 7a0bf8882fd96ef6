package reference

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// tagsOf lists every tag of a key, following markers, as "k=v" strings.
func tagsOf(t *testing.T, s *Service, id string, limit int) []string {
	t.Helper()
	var got []string
	marker := ""
	for range 100 {
		body := fmt.Sprintf(`{"KeyId":%q,"Limit":%d`, id, limit)
		if marker != "" {
			body += `,"Marker":` + jsonStr(marker)
		}
		out := mustCall(t, s, "ListResourceTags", body+"}")
		page := out["Tags"].([]any)
		if len(page) > min(limit, 50) {
			t.Fatalf("page of %d tags, limit %d", len(page), limit)
		}
		for _, e := range page {
			m := e.(map[string]any)
			got = append(got, m["TagKey"].(string)+"="+m["TagValue"].(string))
		}
		next, _ := out["NextMarker"].(string)
		if trunc := out["Truncated"].(bool); trunc != (next != "") {
			t.Fatalf("Truncated %v with NextMarker %q", trunc, next)
		}
		if next == "" {
			return got
		}
		marker = next
	}
	t.Fatal("ListResourceTags never ended")
	return nil
}

func tagList(n int, prefix string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"TagKey":"%s%d","TagValue":"v"}`, prefix, i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func TestTagResourceLifecycle(t *testing.T) {
	s, _ := newTestService(t)
	id, arn := createKey(t, s, `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Tags":[{"TagKey":"a","TagValue":"1"}]}`)
	steps := []struct {
		op, body string
		want     []string
	}{
		{"TagResource", `{"KeyId":"` + id + `","Tags":[{"TagKey":"b","TagValue":""},{"TagKey":"c","TagValue":"3"}]}`, []string{"a=1", "b=", "c=3"}},
		{"TagResource", `{"KeyId":"` + arn + `","Tags":[{"TagKey":"a","TagValue":"new"}]}`, []string{"a=new", "b=", "c=3"}},
		{"TagResource", `{"KeyId":"` + id + `","Tags":[]}`, []string{"a=new", "b=", "c=3"}},
		{"UntagResource", `{"KeyId":"` + id + `","TagKeys":["b","absent"]}`, []string{"a=new", "c=3"}},
		{"UntagResource", `{"KeyId":"` + arn + `","TagKeys":["a","c"]}`, nil},
		{"TagResource", `{"KeyId":"` + id + `","Tags":[{"TagKey":"AWS","TagValue":"x"}]}`, []string{"AWS=x"}},
	}
	for i, st := range steps {
		out := mustCall(t, s, st.op, st.body)
		if len(out) != 0 {
			t.Fatalf("step %d: %s answered %v, want {}", i, st.op, out)
		}
		if got := tagsOf(t, s, id, 50); !slices.Equal(got, st.want) {
			t.Fatalf("step %d: tags %v, want %v", i, got, st.want)
		}
	}
}

func TestListResourceTagsPaging(t *testing.T) {
	s, _ := newTestService(t)
	id, _ := hmacKey(t, s, "HMAC_384")
	mustCall(t, s, "TagResource", `{"KeyId":"`+id+`","Tags":`+tagList(50, "k")+`}`)
	var want []string
	for i := range 50 {
		want = append(want, fmt.Sprintf("k%d=v", i))
	}
	for _, limit := range []int{1, 7, 49, 50, 51, 1000} {
		if got := tagsOf(t, s, id, limit); !slices.Equal(got, want) {
			t.Fatalf("limit %d: %d tags %v", limit, len(got), got)
		}
	}
	// Without Limit a page holds 50 tags: all of them here.
	out := mustCall(t, s, "ListResourceTags", `{"KeyId":"`+id+`"}`)
	if n := len(out["Tags"].([]any)); n != 50 || out["Truncated"] != false {
		t.Fatalf("default page: %d tags, Truncated %v", n, out["Truncated"])
	}
	// An untagged key lists an empty array, not null.
	bare, _ := hmacKey(t, s, "HMAC_256")
	out = mustCall(t, s, "ListResourceTags", `{"KeyId":"`+bare+`"}`)
	if tags, ok := out["Tags"].([]any); !ok || len(tags) != 0 {
		t.Fatalf("untagged key: Tags %#v", out["Tags"])
	}
}

func TestTagErrors(t *testing.T) {
	s, _ := newTestService(t)
	id, arn := hmacKey(t, s, "HMAC_256")
	full, _ := hmacKey(t, s, "HMAC_512")
	mustCall(t, s, "TagResource", `{"KeyId":"`+full+`","Tags":`+tagList(49, "k")+`}`)
	doomed, doomedARN := hmacKey(t, s, "HMAC_224")
	mustCall(t, s, "ScheduleKeyDeletion", `{"KeyId":"`+doomed+`","PendingWindowInDays":7}`)
	replica, replicaARN := hmacKey(t, s, "HMAC_224")
	mustCall(t, s, "KmsmacReference.SetKeyState", `{"KeyId":"`+replica+`","KeyState":"PendingReplicaDeletion"}`)
	mustCall(t, s, "CreateAlias", `{"AliasName":"alias/tagged","TargetKeyId":"`+id+`"}`)
	missing := "11111111-2222-3333-4444-555555555555"
	long := strings.Repeat("k", 129)

	tests := []struct{ name, op, body, typ, msg string }{
		{"tag: no KeyId", "TagResource", `{"Tags":[]}`, "ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null"},
		{"tag: no Tags", "TagResource", `{"KeyId":"` + id + `"}`, "ValidationException", "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null"},
		{"tag: nothing", "TagResource", `{}`, "ValidationException", "2 validation errors detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null; Value null at 'tags' failed to satisfy constraint: Member must not be null"},
		{"tag: empty key", "TagResource", `{"KeyId":"` + id + `","Tags":[{"TagKey":"","TagValue":"v"}]}`, "ValidationException", "1 validation error detected: Value '' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"tag: key too long", "TagResource", `{"KeyId":"` + id + `","Tags":[{"TagKey":"ok","TagValue":""},{"TagKey":"` + long + `","TagValue":"v"}]}`, "ValidationException", "1 validation error detected: Value '" + long + "' at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"tag: value too long", "TagResource", `{"KeyId":"` + id + `","Tags":[{"TagKey":"k","TagValue":"` + strings.Repeat("v", 257) + `"}]}`, "ValidationException", "1 validation error detected: Value '" + strings.Repeat("v", 257) + "' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{"tag: value null", "TagResource", `{"KeyId":"` + id + `","Tags":[{"TagKey":"k"}]}`, "ValidationException", "1 validation error detected: Value null at 'tags.1.member.tagValue' failed to satisfy constraint: Member must not be null"},
		{"tag: Tags not a list", "TagResource", `{"KeyId":"` + id + `","Tags":{"TagKey":"k"}}`, "SerializationException", ""},
		{"tag: unknown tag member", "TagResource", `{"KeyId":"` + id + `","Tags":[{"TagKey":"k","TagValue":"v","X":1}]}`, "SerializationException", "Unknown member 'X' in the request."},
		{"tag: unknown member", "TagResource", `{"KeyId":"` + id + `","Tags":[],"DryRun":true}`, "SerializationException", "Unknown member 'DryRun' in the request."},
		{"tag: aws: prefix", "TagResource", `{"KeyId":"` + id + `","Tags":[{"TagKey":"aws:owner","TagValue":"v"}]}`, "TagException", "Tags beginning with aws: are reserved"},
		{"tag: AWS: prefix", "TagResource", `{"KeyId":"` + id + `","Tags":[{"TagKey":"AwS:x","TagValue":"v"}]}`, "TagException", "Tags beginning with aws: are reserved"},
		{"tag: duplicate keys", "TagResource", `{"KeyId":"` + id + `","Tags":[{"TagKey":"k","TagValue":"1"},{"TagKey":"k","TagValue":"2"}]}`, "TagException", "Duplicate tag keys"},
		{"tag: 51 in one request", "TagResource", `{"KeyId":"` + id + `","Tags":` + tagList(51, "n") + `}`, "TagException", "Too many tags"},
		{"tag: 49 existing + 2", "TagResource", `{"KeyId":"` + full + `","Tags":` + tagList(2, "n") + `}`, "TagException", "Too many tags"},
		{"tag: alias", "TagResource", `{"KeyId":"alias/tagged","Tags":[]}`, "NotFoundException", "Invalid keyId 'alias/tagged'"},
		{"tag: alias ARN", "TagResource", `{"KeyId":"` + testARNPrefix + `alias/tagged","Tags":[]}`, "NotFoundException", "Invalid keyId '" + testARNPrefix + "alias/tagged'"},
		{"tag: missing key", "TagResource", `{"KeyId":"` + missing + `","Tags":[]}`, "NotFoundException", "Key '" + testARNPrefix + "key/" + missing + "' does not exist"},
		{"tag: malformed id", "TagResource", `{"KeyId":"nope","Tags":[]}`, "NotFoundException", "Invalid keyId 'nope'"},
		{"tag: pending deletion", "TagResource", `{"KeyId":"` + doomed + `","Tags":[{"TagKey":"k","TagValue":"v"}]}`, "KMSInvalidStateException", doomedARN + " is pending deletion."},
		{"tag: pending replica deletion", "TagResource", `{"KeyId":"` + replica + `","Tags":[]}`, "KMSInvalidStateException", replicaARN + " is pending replica deletion."},

		{"untag: no TagKeys", "UntagResource", `{"KeyId":"` + id + `"}`, "ValidationException", "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"},
		{"untag: empty key", "UntagResource", `{"KeyId":"` + id + `","TagKeys":["a",""]}`, "ValidationException", "1 validation error detected: Value '' at 'tagKeys.2.member' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"untag: key too long", "UntagResource", `{"KeyId":"` + id + `","TagKeys":["` + long + `"]}`, "ValidationException", "1 validation error detected: Value '" + long + "' at 'tagKeys.1.member' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"untag: aws: prefix", "UntagResource", `{"KeyId":"` + id + `","TagKeys":["aws:x"]}`, "TagException", "Tags beginning with aws: are reserved"},
		{"untag: alias", "UntagResource", `{"KeyId":"alias/tagged","TagKeys":["a"]}`, "NotFoundException", "Invalid keyId 'alias/tagged'"},
		{"untag: missing key", "UntagResource", `{"KeyId":"` + missing + `","TagKeys":["a"]}`, "NotFoundException", "Key '" + testARNPrefix + "key/" + missing + "' does not exist"},
		{"untag: pending deletion", "UntagResource", `{"KeyId":"` + doomedARN + `","TagKeys":["a"]}`, "KMSInvalidStateException", doomedARN + " is pending deletion."},

		{"list: no KeyId", "ListResourceTags", `{}`, "ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null"},
		{"list: Limit 0", "ListResourceTags", `{"KeyId":"` + id + `","Limit":0}`, "ValidationException", "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"list: Limit 1001", "ListResourceTags", `{"KeyId":"` + id + `","Limit":1001}`, "ValidationException", "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000"},
		{"list: empty marker", "ListResourceTags", `{"KeyId":"` + id + `","Marker":""}`, "ValidationException", "1 validation error detected: Value '' at 'marker' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"list: unknown marker", "ListResourceTags", `{"KeyId":"` + full + `","Marker":"nope"}`, "InvalidMarkerException", "Invalid marker"},
		{"list: Limit a string", "ListResourceTags", `{"KeyId":"` + id + `","Limit":"5"}`, "SerializationException", "The value of member 'Limit' has the wrong type: expected number."},
		{"list: alias", "ListResourceTags", `{"KeyId":"alias/tagged"}`, "NotFoundException", "Invalid keyId 'alias/tagged'"},
		{"list: missing key", "ListResourceTags", `{"KeyId":"` + missing + `"}`, "NotFoundException", "Key '" + testARNPrefix + "key/" + missing + "' does not exist"},
		{"list: other region", "ListResourceTags", `{"KeyId":"arn:aws:kms:eu-west-1:111122223333:key/` + missing + `"}`, "NotFoundException", "Invalid arn eu-west-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := call(t, s, tt.op, tt.body)
			wantErr(t, err, tt.typ, tt.msg)
		})
	}
	// Failed calls changed nothing.
	if got := tagsOf(t, s, id, 50); len(got) != 0 {
		t.Fatalf("key %s gained tags %v", arn, got)
	}
	if got := tagsOf(t, s, full, 50); len(got) != 49 {
		t.Fatalf("full key has %d tags, want 49", len(got))
	}
}

// ListResourceTags answers in every key state, pending deletion included:
// cleanup tools read tags of keys already scheduled for deletion.
func TestListResourceTagsAnyState(t *testing.T) {
	for _, st := range settableStates {
		t.Run(st, func(t *testing.T) {
			s, _ := newTestService(t)
			id, _ := createKey(t, s, `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Tags":[{"TagKey":"run","TagValue":"r1"}]}`)
			if st != "PendingImport" {
				mustCall(t, s, "KmsmacReference.SetKeyState", `{"KeyId":"`+id+`","KeyState":"`+st+`"}`)
			} else {
				id, _ = createKey(t, s, `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Origin":"EXTERNAL","Tags":[{"TagKey":"run","TagValue":"r1"}]}`)
			}
			if got := tagsOf(t, s, id, 10); !slices.Equal(got, []string{"run=r1"}) {
				t.Fatalf("tags %v", got)
			}
			_, err := call(t, s, "TagResource", `{"KeyId":"`+id+`","Tags":[{"TagKey":"x","TagValue":"y"}]}`)
			pending := st == "PendingDeletion" || st == "PendingReplicaDeletion"
			if pending != (err != nil) {
				t.Fatalf("TagResource in %s: error %v", st, err)
			}
		})
	}
}
