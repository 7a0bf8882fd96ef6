package golden

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadGoldenRejects(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"not JSON", `{"format": "kmsmac-gol`, "not JSON"},
		{"other JSON", `{"hello": 1}`, `format ""`},
		{"old version", `{"format":"kmsmac-golden","version":0,"scenarios":[]}`, "version 0"},
		{"newer version", `{"format":"kmsmac-golden","version":2}`, "version 2"},
		{"unknown member", `{"format":"kmsmac-golden","version":1,"extra":true}`, "damaged"},
		{"wrong type", `{"format":"kmsmac-golden","version":1,"scenarios":{}}`, "damaged"},
		{"no name", `{"format":"kmsmac-golden","version":1,"scenarios":[{"feature":"f","verdict":"passed"}]}`, "lacks feature, name or verdict"},
		{"duplicate", `{"format":"kmsmac-golden","version":1,"scenarios":[{"feature":"f","name":"n","verdict":"passed"},{"feature":"f","name":"n","verdict":"failed"}]}`, "twice"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_"))
			os.WriteFile(p, []byte(c.body), 0o644)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("err = %v, want one naming the file and %q", err, c.want)
			}
		})
	}
	if _, err := Load(filepath.Join(dir, "absent.json")); err == nil {
		t.Error("a missing file loaded")
	}
}

func TestCompareCalls(t *testing.T) {
	msg := func(s string) *string { return &s }
	ok := Call{Op: "GenerateMac", Status: 200, Response: json.RawMessage(`{"KeyId":"<key-arn:K>","MacAlgorithm":"HMAC_SHA_256"}`)}
	fail := Call{Op: "GenerateMac", Status: 400, Type: "DisabledException", Message: msg("<key-arn:K> is disabled.")}
	cases := []struct {
		name     string
		rec, obs []Call
		want     []string
	}{
		{"same", []Call{ok, fail}, []Call{ok, fail}, nil},
		{"member", []Call{ok}, []Call{{Op: "GenerateMac", Status: 200, Response: json.RawMessage(`{"KeyId":"<key-id:K>","MacAlgorithm":"HMAC_SHA_256","Extra":[]}`)}},
			[]string{`call 1 GenerateMac: Extra: not in the recording; observed []`, `call 1 GenerateMac: KeyId: recorded "<key-arn:K>"; observed "<key-id:K>"`}},
		{"status", []Call{fail}, []Call{ok},
			[]string{`call 1 GenerateMac: recorded HTTP 400 DisabledException message "<key-arn:K> is disabled."; observed HTTP 200 {"KeyId":"<key-arn:K>","MacAlgorithm":"HMAC_SHA_256"}`}},
		{"no message", []Call{fail}, []Call{{Op: "GenerateMac", Status: 400, Type: "DisabledException"}},
			[]string{`call 1 GenerateMac: message: recorded "<key-arn:K> is disabled."; observed (no message)`}},
		{"empty message is a message", []Call{{Op: "X", Status: 400, Type: "T", Message: msg("")}}, []Call{{Op: "X", Status: 400, Type: "T"}},
			[]string{`call 1 X: message: recorded ""; observed (no message)`}},
		{"stopped early", []Call{ok, fail}, []Call{ok},
			[]string{`call 2 GenerateMac: recorded HTTP 400 DisabledException message "<key-arn:K> is disabled."; no such call here (the scenario stopped earlier)`}},
		{"extra call", nil, []Call{{Op: "ListKeys", Error: "no HTTP response"}},
			[]string{`call 1 ListKeys: not in the recording; observed no HTTP response`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := CompareCalls(c.rec, c.obs)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}
