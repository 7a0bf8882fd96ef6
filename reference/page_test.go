package reference

import (
	"slices"
	"testing"
)

func TestPageStart(t *testing.T) {
	items := []string{"a", "b", "c"}
	str := func(s string) *string { return &s }
	id := func(s string) string { return s }
	tests := []struct {
		name    string
		marker  *string
		want    int
		invalid bool
	}{
		{"no marker", nil, 0, false},
		{"first", str("a"), 0, false},
		{"last", str("c"), 2, false},
		{"unknown", str("z"), 0, true},
		{"case differs", str("B"), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pageStart(items, tt.marker, id)
			if tt.invalid {
				ae, ok := err.(*awsError)
				if !ok {
					t.Fatalf("err %v, want *awsjson.Error", err)
				}
				wantErr(t, ae, "InvalidMarkerException", "Invalid marker")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("pageStart = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

// ListGrants pages by grant id: following NextMarker with Limit 1 visits
// every grant once, in the order of the unpaged listing.
func TestListGrantsPaging(t *testing.T) {
	s, _ := newTestService(t)
	id, _ := hmacKey(t, s, "HMAC_256")
	for range 3 {
		mustCall(t, s, "CreateGrant", `{"KeyId":"`+id+`","GranteePrincipal":"arn:aws:iam::111122223333:role/app","Operations":["GenerateMac"]}`)
	}
	ids := func(out map[string]any) []string {
		var got []string
		for _, e := range out["Grants"].([]any) {
			got = append(got, e.(map[string]any)["GrantId"].(string))
		}
		return got
	}
	all := ids(mustCall(t, s, "ListGrants", `{"KeyId":"`+id+`"}`))
	if len(all) != 3 {
		t.Fatalf("ListGrants = %v", all)
	}
	var paged []string
	body := `{"KeyId":"` + id + `","Limit":1}`
	for range 10 {
		out := mustCall(t, s, "ListGrants", body)
		paged = append(paged, ids(out)...)
		next, _ := out["NextMarker"].(string)
		if trunc := out["Truncated"].(bool); trunc != (next != "") {
			t.Fatalf("Truncated %v with NextMarker %q", trunc, next)
		}
		if next == "" {
			break
		}
		body = `{"KeyId":"` + id + `","Limit":1,"Marker":"` + next + `"}`
	}
	if !slices.Equal(paged, all) {
		t.Fatalf("paged %v, want %v", paged, all)
	}
	_, err := call(t, s, "ListGrants", `{"KeyId":"`+id+`","Marker":"nope"}`)
	wantErr(t, err, "InvalidMarkerException", "Invalid marker")
}
