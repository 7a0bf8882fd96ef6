package diff

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestGenerateIsDeterministicAndCoversEveryCategory(t *testing.T) {
	a, b, c := Generate(7, 120), Generate(7, 120), Generate(8, 120)
	same, differ := true, false
	for i := range a {
		if a[i].Req.String() != b[i].Req.String() {
			same = false
		}
		if a[i].Req.String() != c[i].Req.String() {
			differ = true
		}
	}
	if !same || !differ {
		t.Fatalf("same seed same cases: %v; other seed other cases: %v", same, differ)
	}
	seen := map[string]bool{}
	for _, cs := range Generate(1, len(categories)) {
		seen[cs.Kind] = true
	}
	if len(seen) != len(categories) {
		t.Errorf("a run of %d covers %d categories: %v", len(categories), len(seen), seen)
	}
	for _, cs := range a {
		if cs.ID < 1 || cs.Req.Op == "" {
			t.Fatalf("bad case %+v", cs)
		}
	}
}

func TestNormalise(t *testing.T) {
	n := newNames([][2]string{
		{"1111-2222", "<key-id:k1>"},
		{"arn:aws:kms:us-east-1:999:key/1111-2222", "<key-arn:k1>"},
		{"999", "<account>"},
	})
	tests := []struct {
		name       string
		status     int
		body       string
		header     string
		compareMAC bool
		want       Outcome
	}{
		{"namespaced type and ARN before id", 400,
			`{"__type":"com.amazonaws.kms#NotFoundException:http://x","message":"Key 'arn:aws:kms:us-east-1:999:key/1111-2222' does not exist"}`, "", true,
			Outcome{Status: 400, Code: "NotFoundException", Message: ptr("Key '<key-arn:k1>' does not exist")}},
		{"capital Message", 400, `{"__type":"DisabledException","Message":"1111-2222 x"}`, "", true,
			Outcome{Status: 400, Code: "DisabledException", Message: ptr("<key-id:k1> x")}},
		{"no message", 400, `{"__type":"KMSInvalidMacException"}`, "", true,
			Outcome{Status: 400, Code: "KMSInvalidMacException"}},
		{"code only in header", 400, `{}`, "ThrottlingException", true,
			Outcome{Status: 400, Code: "ThrottlingException"}},
		{"enum set sorted", 400, `{"__type":"ValidationException","message":"enum value set: [B, A, C]"}`, "", true,
			Outcome{Status: 400, Code: "ValidationException", Message: ptr("enum value set: [A, B, C]")}},
		{"html error page", 500, `<html>boom</html>`, "", true,
			Outcome{Status: 500, Code: "<non-JSON body>", Message: ptr("<html>boom</html>")}},
		{"mac kept", 200, `{"KeyId":"1111-2222","Mac":"AAEC"}`, "", true,
			Outcome{Status: 200, Fields: map[string]any{"KeyId": "<key-id:k1>", "Mac": "AAEC"}}},
		{"mac hidden, time masked", 200, `{"Mac":"AAEC","KeyMetadata":{"CreationDate":1.5,"AWSAccountId":"999"}}`, "", false,
			Outcome{Status: 200, Fields: map[string]any{"Mac": "<3-byte mac>", "KeyMetadata": map[string]any{"CreationDate": "<time>", "AWSAccountId": "<account>"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.header != "" {
				h.Set("X-Amzn-ErrorType", tc.header)
			}
			got := normalise(&Response{Status: tc.status, Header: h, Body: []byte(tc.body)}, nil, n, tc.compareMAC)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v (message %v), want %+v (message %v)", got, deref(got.Message), tc.want, deref(tc.want.Message))
			}
		})
	}
}

func ptr(s string) *string { return &s }

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestCompare(t *testing.T) {
	ok := func(f map[string]any) Outcome { return Outcome{Status: 200, Fields: f} }
	fail := func(status int, code string, msg *string) Outcome {
		return Outcome{Status: status, Code: code, Message: msg}
	}
	tests := []struct {
		name   string
		a, b   Outcome
		ignore []string
		want   []string
	}{
		{"equal successes", ok(map[string]any{"KeyId": "x"}), ok(map[string]any{"KeyId": "x"}), nil, nil},
		{"equal errors", fail(400, "E", ptr("m")), fail(400, "E", ptr("m")), nil, nil},
		{"success vs error", ok(nil), fail(400, "E", nil), nil, []string{KindStatus, KindOutcome}},
		{"codes", fail(400, "A", ptr("x")), fail(400, "B", ptr("y")), nil, []string{KindCode}},
		{"status only", fail(400, "E", nil), fail(500, "E", nil), nil, []string{KindStatus}},
		{"message vs none", fail(400, "E", nil), fail(400, "E", ptr("m")), nil, []string{KindMessage}},
		{"mac bytes", ok(map[string]any{"Mac": "AA=="}), ok(map[string]any{"Mac": "AQ=="}), nil, []string{KindMAC}},
		{"nested field and absent", ok(map[string]any{"K": map[string]any{"a": 1.0}}), ok(map[string]any{"K": map[string]any{"a": 2.0, "b": true}}), nil,
			[]string{"field:K.a", "field:K.b"}},
		{"ignored prefix", ok(map[string]any{"K": map[string]any{"a": 1.0}, "Mac": "x"}), ok(map[string]any{"K": map[string]any{"a": 2.0}, "Mac": "y"}), []string{"field:K", KindMAC}, nil},
		{"transport", Outcome{Error: "refused"}, ok(nil), nil, []string{KindTransport}},
		{"both transport", Outcome{Error: "a"}, Outcome{Error: "b"}, nil, []string{KindTransport}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, d := range compare(tc.a, tc.b, tc.ignore) {
				got = append(got, d.Kind)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("kinds %v, want %v", got, tc.want)
			}
		})
	}
}

func TestShrinkCandidates(t *testing.T) {
	r := &Request{Op: "VerifyMac", Members: []Member{
		{"KeyId", KeyRef{Slot: "k1", Form: FormAliasARN}},
		{"Message", Blob(make([]byte, 10))},
		{"MacAlgorithm", litString("HMAC_SHA_224")},
		{"Mac", Blob{}},
		{"GrantTokens", Tokens(11)},
		{"DryRun", Lit("true")},
	}}
	cs := candidates(r)
	var shapes []string
	for _, c := range cs {
		shapes = append(shapes, c.String())
		for _, m := range c.Members {
			if b, ok := m.Value.(Blob); ok && m.Name == "Message" && len(b) == 0 {
				t.Errorf("candidate with an empty message: %s", c)
			}
		}
		if len(c.Members) < 4 {
			t.Errorf("candidate dropped a required member: %s", c)
		}
	}
	if !strings.Contains(shapes[0], "VerifyMac") || strings.Contains(shapes[0], "GrantTokens") {
		t.Errorf("first candidate should drop GrantTokens: %s", shapes[0])
	}
	joined := strings.Join(shapes, "\n")
	for _, want := range []string{`"<key-id:k1>"`, `"GrantTokens":["kmsmac-diff-token-1"]`, `"Message":"AA=="`} {
		if !strings.Contains(joined, want) {
			t.Errorf("no candidate with %s in\n%s", want, joined)
		}
	}
	if r.String() != (&Request{Op: r.Op, Members: r.Members}).String() || len(r.Members) != 6 {
		t.Error("candidates changed the original request")
	}
	if got := shorter(0); len(got) != 0 {
		t.Errorf("shorter(0) = %v", got)
	}
	if got := shorter(1); len(got) != 0 {
		t.Errorf("shorter(1) = %v", got)
	}
	if got := shorter(4097); !reflect.DeepEqual(got, []int{1, 2048, 4096}) {
		t.Errorf("shorter(4097) = %v", got)
	}
}

func TestBoundaryValuesAllAppear(t *testing.T) {
	sizes := map[string]bool{}
	tokens := map[string]bool{}
	for _, c := range Generate(2, 400) {
		switch c.Kind {
		case "message-size":
			if b, ok := c.Req.get("Message"); ok {
				sizes["message "+strconv.Itoa(len(b.(Blob)))] = true
			}
		case "mac-size":
			if b, ok := c.Req.get("Mac"); ok {
				sizes["mac "+strconv.Itoa(len(b.(Blob)))] = true
			}
		case "grant-tokens":
			v, _ := c.Req.get("GrantTokens")
			tokens[v.String()] = true
		}
	}
	for _, want := range []string{"message 0", "message 1", "message 4096", "message 4097", "mac 0", "mac 1", "mac 6144", "mac 6145"} {
		if !sizes[want] {
			t.Errorf("no case with %s bytes", want)
		}
	}
	if len(tokens) != 4 {
		t.Errorf("grant token list lengths seen: %d, want 4 (0, 1, 10, 11)", len(tokens))
	}
}

// FuzzNormalise: whatever an endpoint answers, normalising and comparing
// it never panics.
func FuzzNormalise(f *testing.F) {
	for _, s := range []string{`{}`, `null`, `[1]`, `{"__type":"a#B:c"}`, `{"Mac":"%%%"}`, `{"Mac":5,"KeyMetadata":{"CreationDate":"x"}}`, `<html>`, ``} {
		f.Add(200, s)
		f.Add(400, s)
	}
	n := newNames([][2]string{{"k", "<key-id:k1>"}})
	f.Fuzz(func(t *testing.T, status int, body string) {
		a := normalise(&Response{Status: status, Body: []byte(body)}, nil, n, status%2 == 0)
		b := normalise(&Response{Status: 200, Body: []byte(`{"Mac":"AA=="}`)}, nil, n, true)
		compare(a, b, nil)
		compare(a, a, nil)
		describe(a)
	})
}
