package reference

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
)

func tagsJSON(n int, key func(i int) string) string {
	tags := make([]map[string]string, n)
	for i := range tags {
		tags[i] = map[string]string{"TagKey": key(i), "TagValue": "v"}
	}
	b, _ := json.Marshal(tags)
	return string(b)
}

// CreateKey refuses the tags TagResource refuses, with the same error.
func TestCreateKeyTagsCheckedAsTagResource(t *testing.T) {
	s, _ := newTestService(t)
	id, _ := hmacKey(t, s, "HMAC_256")
	for name, tags := range map[string]string{
		"51 tags":       tagsJSON(51, func(i int) string { return fmt.Sprint("k", i) }),
		"duplicate key": tagsJSON(2, func(int) string { return "same" }),
		"aws: prefix":   tagsJSON(1, func(int) string { return "AWS:x" }),
	} {
		_, viaTag := call(t, s, "TagResource", `{"KeyId":"`+id+`","Tags":`+tags+`}`)
		_, viaCreate := call(t, s, "CreateKey", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Tags":`+tags+`}`)
		if viaTag == nil || viaCreate == nil {
			t.Fatalf("%s: TagResource %v, CreateKey %v; want both refused", name, viaTag, viaCreate)
		}
		wantErr(t, viaCreate, "TagException", viaTag.Message)
		if viaTag.Type != "TagException" {
			t.Fatalf("%s: TagResource answered %s", name, viaTag.Type)
		}
	}
	if n := s.Store().KeyCount(); n != 1 {
		t.Fatalf("%d keys; refused CreateKey calls made keys", n)
	}
	// 50 distinct tags are the quota, not over it.
	kid, _ := createKey(t, s, `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Tags":`+tagsJSON(50, func(i int) string { return fmt.Sprint("k", i) })+`}`)
	if got := mustCall(t, s, "ListResourceTags", `{"KeyId":"`+kid+`"}`)["Tags"].([]any); len(got) != 50 {
		t.Fatalf("%d tags kept, want 50", len(got))
	}
}

// TestCreateKeyTagsMemoryFlat: 10,000 CreateKey calls with too many tags
// leave the heap where it was (issue 13: 100 such calls grew the server
// from 26 to 208 MiB). Heap after GC, not time.
func TestCreateKeyTagsMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 calls")
	}
	s, _ := newTestService(t)
	bodies := []string{
		`{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Tags":` + tagsJSON(51, func(i int) string { return fmt.Sprint("k", i) }) + `}`,
		`{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","Tags":` + tagsJSON(2, func(int) string { return "dup" }) + `}`,
	}
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for i := range 10_000 {
		if _, e := call(t, s, "CreateKey", bodies[i%2]); e == nil || e.Type != "TagException" {
			t.Fatalf("call %d: %v, want TagException", i, e)
		}
	}
	after := heap()
	grew := int64(after) - int64(before)
	t.Logf("heap %d → %d bytes after 10,000 refused CreateKey calls", before, after)
	if grew > 2<<20 {
		t.Fatalf("heap grew %d bytes over 10,000 refused calls, want < 2 MiB", grew)
	}
	if n := s.Store().KeyCount(); n != 0 {
		t.Fatalf("%d keys made", n)
	}
	runtime.KeepAlive(s)
}
