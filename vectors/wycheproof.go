package vectors

import (
	"bytes"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// WycheproofFiles maps each KMS MAC algorithm to its Wycheproof file name.
var WycheproofFiles = map[string]string{
	"HMAC_SHA_224": "hmac_sha224_test.json",
	"HMAC_SHA_256": "hmac_sha256_test.json",
	"HMAC_SHA_384": "hmac_sha384_test.json",
	"HMAC_SHA_512": "hmac_sha512_test.json",
}

// wycheproofNames maps the files' "algorithm" member to KMS names.
var wycheproofNames = map[string]string{
	"HMACSHA224": "HMAC_SHA_224",
	"HMACSHA256": "HMAC_SHA_256",
	"HMACSHA384": "HMAC_SHA_384",
	"HMACSHA512": "HMAC_SHA_512",
}

// EnvDir names the environment variable that points at a directory of
// Wycheproof files to use instead of the embedded set.
const EnvDir = "KMSMAC_VECTORS"

// ErrNoVectors reports that a directory given in place of the embedded set
// (--vectors, $KMSMAC_VECTORS) does not hold the Wycheproof files.
var ErrNoVectors = errors.New("vectors: not a Wycheproof directory")

// WycheproofTest is one Wycheproof MacTest.
type WycheproofTest struct {
	File      string // base name of the file it came from
	Algorithm string // KMS name, e.g. HMAC_SHA_256
	ID        int    // tcId, unique within File
	Comment   string
	Flags     []string
	KeyBits   int // the group's keySize
	TagBits   int // the group's tagSize
	Key       []byte
	Msg       []byte
	Tag       []byte
	Valid     bool // Wycheproof's verdict for an HMAC that allows truncation
}

// Name identifies the test in failure output: "hmac_sha256_test.json #17 (comment)".
func (t WycheproofTest) Name() string {
	if t.Comment == "" {
		return fmt.Sprintf("%s #%d", t.File, t.ID)
	}
	return fmt.Sprintf("%s #%d (%s)", t.File, t.ID, t.Comment)
}

// FullLength reports whether the tag is as long as the full digest.
func (t WycheproofTest) FullLength() bool { return len(t.Tag) == digestSize(t.Algorithm) }

// WantValid is what KMS VerifyMac must answer: valid only when Wycheproof
// says valid and the tag is the full digest (KMS refuses truncated tags).
func (t WycheproofTest) WantValid() bool { return t.Valid && t.FullLength() }

// wire shapes of mac_test_schema_v1.json.
type wpFile struct {
	Algorithm     string    `json:"algorithm"`
	NumberOfTests int       `json:"numberOfTests"`
	TestGroups    []wpGroup `json:"testGroups"`
}

type wpGroup struct {
	Type    string   `json:"type"`
	KeySize int      `json:"keySize"`
	TagSize int      `json:"tagSize"`
	Tests   []wpTest `json:"tests"`
}

type wpTest struct {
	TcID    int      `json:"tcId"`
	Comment string   `json:"comment"`
	Flags   []string `json:"flags"`
	Key     *string  `json:"key"`
	Msg     *string  `json:"msg"`
	Tag     *string  `json:"tag"`
	Result  string   `json:"result"`
}

// The Wycheproof HMAC files (C2SP/wycheproof testvectors_v1, Apache-2.0:
// wycheproof/SOURCE, wycheproof/LICENSE), embedded so a bare clone and an
// installed binary run the @vectors scenarios.
//
//go:embed wycheproof/hmac_sha224_test.json wycheproof/hmac_sha256_test.json wycheproof/hmac_sha384_test.json wycheproof/hmac_sha512_test.json wycheproof/SOURCE wycheproof/LICENSE
var embedded embed.FS

// Wycheproof returns the embedded Wycheproof set: the four
// hmac_sha*_test.json files, SOURCE and LICENSE, at the root of the FS.
func Wycheproof() fs.FS {
	sub, err := fs.Sub(embedded, "wycheproof")
	if err != nil {
		panic(err) // a constant path into the embedded FS
	}
	return sub
}

// WycheproofSource is the embedded set's provenance, from its SOURCE file:
// "C2SP/wycheproof, folder testvectors_v1, commit ... (Apache-2.0, see LICENSE)".
func WycheproofSource() string {
	b, err := fs.ReadFile(Wycheproof(), "SOURCE")
	if err != nil {
		panic(err)
	}
	return strings.TrimSpace(string(b))
}

// EmbeddedName describes the embedded set in logs and errors.
const EmbeddedName = "the embedded Wycheproof set"

// wycheproofOrder is the algorithms in file order.
var wycheproofOrder = []string{"HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"}

// WycheproofFileNames lists the four file names a Wycheproof directory holds.
func WycheproofFileNames() []string {
	names := make([]string, len(wycheproofOrder))
	for i, alg := range wycheproofOrder {
		names[i] = WycheproofFiles[alg]
	}
	return names
}

// OpenWycheproof picks the Wycheproof set: dir when given (the --vectors
// flag), else $KMSMAC_VECTORS when set and non-empty, else the embedded
// set. A directory given either way must hold all four files: otherwise
// the error (wrapping ErrNoVectors) names it, the files it lacks and the
// four expected, and says the embedded set is used without it. from says
// where the set came from: the directory, or EmbeddedName.
func OpenWycheproof(dir string) (fsys fs.FS, from string, err error) {
	how, without := "--vectors "+dir, "without --vectors"
	if dir == "" {
		if dir = os.Getenv(EnvDir); dir == "" {
			return Wycheproof(), EmbeddedName, nil
		}
		how, without = "$"+EnvDir+"="+dir, "with $"+EnvDir+" unset"
	}
	if err := checkDir(dir); err != nil {
		return nil, "", fmt.Errorf("%w: %s: %v; it must hold %s (%s, %s is used)",
			ErrNoVectors, how, err, strings.Join(WycheproofFileNames(), ", "), without, EmbeddedName)
	}
	return os.DirFS(dir), dir, nil
}

// checkDir says what dir lacks of the four files, or nil.
func checkDir(dir string) error {
	if st, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errors.New("no such directory")
		}
		return err
	} else if !st.IsDir() {
		return errors.New("not a directory")
	}
	var missing []string
	for _, name := range WycheproofFileNames() {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !st.Mode().IsRegular() {
			missing = append(missing, name)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case len(wycheproofOrder):
		return errors.New("no Wycheproof files there")
	}
	return fmt.Errorf("lacks %s", strings.Join(missing, ", "))
}

// LoadWycheproofFS reads all four HMAC files from fsys (Wycheproof(), or
// the fs.FS of OpenWycheproof), in algorithm order.
func LoadWycheproofFS(fsys fs.FS) ([]WycheproofTest, error) {
	return loadAll(func(name string) ([]WycheproofTest, error) { return LoadWycheproofFileFS(fsys, name) })
}

// LoadWycheproofFileFS reads one Wycheproof MacTest file from fsys.
func LoadWycheproofFileFS(fsys fs.FS, name string) ([]WycheproofTest, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("vectors: %s: file not found", name)
		}
		return nil, fmt.Errorf("vectors: %w", err)
	}
	return ParseWycheproof(data, path.Base(name))
}

// LoadWycheproof reads all four HMAC files from dir, in algorithm order.
// A missing file is an error: a partial run would look like a pass.
func LoadWycheproof(dir string) ([]WycheproofTest, error) {
	return loadAll(func(name string) ([]WycheproofTest, error) { return LoadWycheproofFile(filepath.Join(dir, name)) })
}

func loadAll(load func(name string) ([]WycheproofTest, error)) ([]WycheproofTest, error) {
	var all []WycheproofTest
	for _, alg := range wycheproofOrder {
		tests, err := load(WycheproofFiles[alg])
		if err != nil {
			return nil, err
		}
		if len(tests) > 0 && tests[0].Algorithm != alg {
			return nil, fmt.Errorf("vectors: %s: algorithm is %s, want %s", WycheproofFiles[alg], tests[0].Algorithm, alg)
		}
		all = append(all, tests...)
	}
	return all, nil
}

// LoadWycheproofFile reads one Wycheproof MacTest file. Errors name the file
// and, for a bad test, its tcId and member.
func LoadWycheproofFile(path string) ([]WycheproofTest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("vectors: %s: file not found", path)
		}
		return nil, fmt.Errorf("vectors: %w", err)
	}
	return ParseWycheproof(data, filepath.Base(path))
}

// ParseWycheproof decodes the JSON of one Wycheproof MacTest file; name
// labels errors and WycheproofTest.File.
func ParseWycheproof(data []byte, name string) ([]WycheproofTest, error) {
	var f wpFile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("vectors: %s: not a Wycheproof JSON file: %w", name, err)
	}
	alg, ok := wycheproofNames[f.Algorithm]
	if !ok {
		return nil, fmt.Errorf("vectors: %s: algorithm %q is not an HMAC-SHA-2 algorithm KMS supports", name, f.Algorithm)
	}
	var out []WycheproofTest
	seen := map[int]bool{}
	for gi, g := range f.TestGroups {
		if g.Type != "MacTest" {
			return nil, fmt.Errorf("vectors: %s: test group %d has type %q, want MacTest", name, gi+1, g.Type)
		}
		for _, t := range g.Tests {
			wt, err := convert(t, g, alg, name)
			if err != nil {
				return nil, fmt.Errorf("vectors: %s: test %d: %w", name, t.TcID, err)
			}
			if seen[t.TcID] {
				return nil, fmt.Errorf("vectors: %s: test %d: tcId repeated", name, t.TcID)
			}
			seen[t.TcID] = true
			out = append(out, wt)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("vectors: %s: no tests", name)
	}
	if f.NumberOfTests != 0 && f.NumberOfTests != len(out) {
		return nil, fmt.Errorf("vectors: %s: numberOfTests says %d, found %d", name, f.NumberOfTests, len(out))
	}
	return out, nil
}

func convert(t wpTest, g wpGroup, alg, file string) (WycheproofTest, error) {
	wt := WycheproofTest{File: file, Algorithm: alg, ID: t.TcID, Comment: t.Comment, Flags: t.Flags, KeyBits: g.KeySize, TagBits: g.TagSize}
	if t.TcID <= 0 {
		return wt, errors.New("missing or non-positive tcId")
	}
	var err error
	for _, m := range []struct {
		name string
		src  *string
		dst  *[]byte
	}{{"key", t.Key, &wt.Key}, {"msg", t.Msg, &wt.Msg}, {"tag", t.Tag, &wt.Tag}} {
		if m.src == nil {
			return wt, fmt.Errorf("no %q member", m.name)
		}
		if *m.dst, err = hex.DecodeString(*m.src); err != nil {
			return wt, fmt.Errorf("%s: %w", m.name, err)
		}
	}
	switch t.Result {
	case "valid":
		wt.Valid = true
	case "invalid":
	default:
		return wt, fmt.Errorf("result %q, want valid or invalid", t.Result)
	}
	if 8*len(wt.Key) != g.KeySize {
		return wt, fmt.Errorf("key is %d bits, group keySize says %d", 8*len(wt.Key), g.KeySize)
	}
	if 8*len(wt.Tag) != g.TagSize {
		return wt, fmt.Errorf("tag is %d bits, group tagSize says %d", 8*len(wt.Tag), g.TagSize)
	}
	if len(wt.Tag) == 0 || len(wt.Tag) > digestSize(alg) {
		return wt, fmt.Errorf("tag is %d bytes, want 1..%d", len(wt.Tag), digestSize(alg))
	}
	return wt, nil
}

// KeyGroup is the tests that share one algorithm and key, so an endpoint
// run can import the key once and reuse it.
type KeyGroup struct {
	Algorithm string
	Key       []byte
	Tests     []WycheproofTest
}

// GroupByKey groups tests by (algorithm, key), in first-seen order.
func GroupByKey(tests []WycheproofTest) []KeyGroup {
	var out []KeyGroup
	index := map[string]int{}
	for _, t := range tests {
		k := t.Algorithm + "/" + hex.EncodeToString(t.Key)
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, KeyGroup{Algorithm: t.Algorithm, Key: t.Key})
		}
		out[i].Tests = append(out[i].Tests, t)
	}
	return out
}
