package vectors

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/kmsspec"
)

// wycheproof loads the embedded Wycheproof set.
func wycheproof(t *testing.T) []WycheproofTest {
	t.Helper()
	tests, err := LoadWycheproofFS(Wycheproof())
	if err != nil {
		t.Fatal(err)
	}
	return tests
}

// The embedded set agrees with crypto/hmac (kmsspec.HMAC): a valid tag is
// the MAC or its prefix, an invalid one is not. The reference core's check
// against this set is reference/mac's TestWycheproof.
func TestWycheproofOracle(t *testing.T) {
	tests := wycheproof(t)
	perAlg := map[string]int{}
	for _, tc := range tests {
		perAlg[tc.Algorithm]++
		full := kmsspec.HMAC(tc.Algorithm, tc.Key, tc.Msg)
		if got := bytes.Equal(full[:len(tc.Tag)], tc.Tag); got != tc.Valid {
			t.Errorf("%s: tag is the MAC prefix: %v, Wycheproof valid: %v", tc.Name(), got, tc.Valid)
		}
	}
	for _, alg := range kmsspec.Algorithms() {
		if perAlg[alg] < 100 {
			t.Errorf("%s: only %d tests loaded", alg, perAlg[alg])
		}
	}
}

func TestGroupByKey(t *testing.T) {
	tests := wycheproof(t)
	groups := GroupByKey(tests)
	n := 0
	for _, g := range groups {
		for _, tc := range g.Tests {
			if tc.Algorithm != g.Algorithm || !bytes.Equal(tc.Key, g.Key) {
				t.Fatalf("%s is in the group of another key", tc.Name())
			}
		}
		n += len(g.Tests)
	}
	if n != len(tests) || len(groups) >= len(tests) {
		t.Fatalf("%d groups hold %d of %d tests", len(groups), n, len(tests))
	}
}

// The embedded set is complete and says where it comes from; a directory
// with the same files loads the same tests.
func TestEmbeddedWycheproof(t *testing.T) {
	fsys := Wycheproof()
	for _, name := range append(WycheproofFileNames(), "SOURCE", "LICENSE") {
		if _, err := fs.Stat(fsys, name); err != nil {
			t.Errorf("embedded set: %v", err)
		}
	}
	if src := WycheproofSource(); !strings.Contains(src, "C2SP/wycheproof") || !strings.Contains(src, "Apache-2.0") {
		t.Errorf("SOURCE = %q, want the repository and the license", src)
	}
	lic, err := fs.ReadFile(fsys, "LICENSE")
	if err != nil || !bytes.Contains(lic, []byte("Apache License")) {
		t.Errorf("LICENSE: %v", err)
	}
	fromDir, err := LoadWycheproof("wycheproof")
	if err != nil {
		t.Fatal(err)
	}
	if emb := wycheproof(t); len(emb) != len(fromDir) || len(emb) < 400 {
		t.Fatalf("embedded %d tests, directory %d", len(emb), len(fromDir))
	}
}

func TestOpenWycheproof(t *testing.T) {
	empty := t.TempDir()
	partial := t.TempDir()
	if err := os.WriteFile(filepath.Join(partial, WycheproofFiles["HMAC_SHA_256"]), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	const full = "wycheproof" // the package's own copy, as a directory
	missing := filepath.Join(empty, "nope")
	tests := []struct {
		name, dir, env string
		wantFrom       string   // "" when an error is wanted
		wantErr        []string // parts of the error
	}{
		{name: "default: embedded", wantFrom: EmbeddedName},
		{name: "empty env is unset", env: "", wantFrom: EmbeddedName},
		{name: "explicit dir", dir: full, wantFrom: full},
		{name: "env dir", env: full, wantFrom: full},
		{name: "explicit beats env", dir: full, env: empty, wantFrom: full},
		{name: "explicit empty dir", dir: empty, wantErr: []string{"--vectors " + empty, "no Wycheproof files there", "hmac_sha224_test.json, hmac_sha256_test.json, hmac_sha384_test.json, hmac_sha512_test.json", "without --vectors", EmbeddedName}},
		{name: "explicit dir lacking three", dir: partial, wantErr: []string{"--vectors " + partial, "lacks hmac_sha224_test.json, hmac_sha384_test.json, hmac_sha512_test.json;", "without --vectors"}},
		{name: "explicit missing dir", dir: missing, wantErr: []string{"--vectors " + missing, "no such directory", "hmac_sha512_test.json"}},
		{name: "env empty dir", env: empty, wantErr: []string{"$" + EnvDir + "=" + empty, "hmac_sha224_test.json", "with $" + EnvDir + " unset", EmbeddedName}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvDir, tc.env)
			fsys, from, err := OpenWycheproof(tc.dir)
			if tc.wantFrom == "" {
				if !errors.Is(err, ErrNoVectors) {
					t.Fatalf("from %q, err %v; want ErrNoVectors", from, err)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil || from != tc.wantFrom {
				t.Fatalf("from %q, err %v; want %q", from, err, tc.wantFrom)
			}
			if _, err := LoadWycheproofFileFS(fsys, WycheproofFiles["HMAC_SHA_384"]); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLoadWycheproofMissingFile(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadWycheproof(dir)
	if err == nil || !strings.Contains(err.Error(), "hmac_sha224_test.json") {
		t.Fatalf("err = %v, want one naming the missing file", err)
	}
}

func TestParseWycheproofErrors(t *testing.T) {
	const okTest = `{"tcId": 3, "comment": "c", "flags": [], "key": "0011", "msg": "", "tag": "aabb", "result": "valid"}`
	wrap := func(alg, groupType string, tests ...string) string {
		return `{"algorithm": "` + alg + `", "testGroups": [{"type": "` + groupType +
			`", "keySize": 16, "tagSize": 16, "tests": [` + strings.Join(tests, ",") + `]}]}`
	}
	if got, err := ParseWycheproof([]byte(wrap("HMACSHA256", "MacTest", okTest)), "f.json"); err != nil || len(got) != 1 || !got[0].Valid || got[0].WantValid() {
		t.Fatalf("valid input: %+v, %v", got, err)
	}
	bad := func(field, value string) string {
		return strings.Replace(okTest, field, value, 1)
	}
	tests := []struct {
		name, in string
		want     []string
	}{
		{"not json", "{", []string{"f.json", "not a Wycheproof JSON"}},
		{"wrong type", `{"algorithm": 5}`, []string{"f.json", "not a Wycheproof JSON"}},
		{"unknown algorithm", wrap("HMACSHA1", "MacTest", okTest), []string{"f.json", "HMACSHA1"}},
		{"group type", wrap("HMACSHA256", "AeadTest", okTest), []string{"f.json", "MacTest"}},
		{"no tests", wrap("HMACSHA256", "MacTest"), []string{"f.json", "no tests"}},
		{"bad tag hex", wrap("HMACSHA256", "MacTest", bad(`"tag": "aabb"`, `"tag": "zz"`)), []string{"f.json", "test 3", "tag"}},
		{"missing key", wrap("HMACSHA256", "MacTest", bad(`"key": "0011", `, ``)), []string{"f.json", "test 3", `"key"`}},
		{"result", wrap("HMACSHA256", "MacTest", bad(`"valid"`, `"acceptable"`)), []string{"test 3", "acceptable"}},
		{"key size", wrap("HMACSHA256", "MacTest", bad(`"0011"`, `"001122"`)), []string{"test 3", "keySize"}},
		{"tag size", wrap("HMACSHA256", "MacTest", bad(`"aabb"`, `"aa"`)), []string{"test 3", "tagSize"}},
		{"no id", wrap("HMACSHA256", "MacTest", bad(`"tcId": 3, `, ``)), []string{"f.json", "tcId"}},
		{"repeated id", wrap("HMACSHA256", "MacTest", okTest, okTest), []string{"test 3", "repeated"}},
		{"count", strings.Replace(wrap("HMACSHA256", "MacTest", okTest), `{"algorithm"`, `{"numberOfTests": 2, "algorithm"`, 1), []string{"numberOfTests says 2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseWycheproof([]byte(tc.in), "f.json")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func FuzzParseWycheproof(f *testing.F) {
	f.Add([]byte(`{"algorithm":"HMACSHA256","testGroups":[{"type":"MacTest","keySize":8,"tagSize":8,"tests":[{"tcId":1,"key":"00","msg":"","tag":"00","result":"valid"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseWycheproof(data, "fuzz.json")
	})
}
