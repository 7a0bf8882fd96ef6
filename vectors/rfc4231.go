package vectors

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/kmsmac/kmsmac/kmsspec"
)

//go:embed rfc4231.txt
var rfc4231Text []byte

// RFC4231Case is one test case of RFC 4231 section 4.
type RFC4231Case struct {
	Number  int    // 1..7
	Section string // e.g. "4.6"
	Key     []byte
	Data    []byte
	// MAC maps a KMS MAC algorithm (HMAC_SHA_224 ...) to the published
	// output. When Truncate is set the value is only the first Truncate
	// bytes of the MAC.
	MAC      map[string][]byte
	Truncate int // bytes published, 0 for the full MAC (case 5: 16)
}

// Name is "RFC 4231 Test Case N (section S)".
func (c RFC4231Case) Name() string {
	return fmt.Sprintf("RFC 4231 Test Case %d (section %s)", c.Number, c.Section)
}

// rfcAlgorithms maps the RFC's field names to KMS algorithm names.
var rfcAlgorithms = map[string]string{
	"HMAC-SHA-224": "HMAC_SHA_224",
	"HMAC-SHA-256": "HMAC_SHA_256",
	"HMAC-SHA-384": "HMAC_SHA_384",
	"HMAC-SHA-512": "HMAC_SHA_512",
}

// digestSize is the full MAC length of a KMS algorithm (0 if unknown).
func digestSize(alg string) int {
	s, _ := kmsspec.ByAlgorithm(alg)
	return s.Size
}

// RFC4231 returns the seven RFC 4231 test cases from the embedded data file.
func RFC4231() ([]RFC4231Case, error) {
	return ParseRFC4231(bytes.NewReader(rfc4231Text), "rfc4231.txt")
}

// ParseRFC4231 reads the rfc4231.txt format (described in that file's header)
// and checks every case is complete: a key, data, and all four algorithms
// with the full digest length (or exactly Truncate bytes). name labels errors.
func ParseRFC4231(r io.Reader, name string) ([]RFC4231Case, error) {
	var (
		cases  []RFC4231Case
		fields map[string]string
		order  []string
		last   string
		start  int
	)
	flush := func() error {
		if fields == nil {
			return nil
		}
		c, err := buildCase(fields, order)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, start, err)
		}
		cases = append(cases, c)
		return nil
	}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimSpace(text)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			continue
		case strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]"):
			if err := flush(); err != nil {
				return nil, err
			}
			fields = map[string]string{"Case": strings.TrimSuffix(strings.TrimPrefix(trimmed, "["), "]")}
			order, last, start = nil, "", line
		case text[0] == ' ' || text[0] == '\t':
			if fields == nil || last == "" {
				return nil, fmt.Errorf("%s:%d: continuation line with no field before it", name, line)
			}
			fields[last] += trimmed
		default:
			k, v, ok := strings.Cut(text, "=")
			if !ok {
				return nil, fmt.Errorf("%s:%d: want \"Name = value\", got %q", name, line, text)
			}
			if fields == nil {
				return nil, fmt.Errorf("%s:%d: field %q before the first [Test Case N]", name, line, strings.TrimSpace(k))
			}
			k = strings.TrimSpace(k)
			if _, dup := fields[k]; dup {
				return nil, fmt.Errorf("%s:%d: field %q repeated", name, line, k)
			}
			fields[k], last = strings.TrimSpace(v), k
			order = append(order, k)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("%s: no test cases", name)
	}
	return cases, nil
}

func buildCase(f map[string]string, order []string) (RFC4231Case, error) {
	var c RFC4231Case
	num, ok := strings.CutPrefix(f["Case"], "Test Case ")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 {
		return c, fmt.Errorf("header [%s]: want [Test Case N]", f["Case"])
	}
	c.Number, c.Section = n, f["Section"]
	where := fmt.Sprintf("Test Case %d", n)
	if c.Section == "" {
		return c, fmt.Errorf("%s: no Section", where)
	}
	if t := f["Truncate"]; t != "" {
		bits, err := strconv.Atoi(t)
		if err != nil || bits <= 0 || bits%8 != 0 {
			return c, fmt.Errorf("%s: Truncate %q is not a positive number of whole bytes in bits", where, t)
		}
		c.Truncate = bits / 8
	}
	if c.Key, err = hexField(f, "Key"); err != nil {
		return c, fmt.Errorf("%s: %w", where, err)
	}
	if c.Data, err = hexField(f, "Data"); err != nil {
		return c, fmt.Errorf("%s: %w", where, err)
	}
	c.MAC = map[string][]byte{}
	for _, k := range order {
		switch k {
		case "Section", "Truncate", "Key", "Data":
			continue
		}
		alg, ok := rfcAlgorithms[k]
		if !ok {
			return c, fmt.Errorf("%s: unknown field %q", where, k)
		}
		mac, err := hexField(f, k)
		if err != nil {
			return c, fmt.Errorf("%s: %w", where, err)
		}
		want := digestSize(alg)
		if c.Truncate != 0 {
			want = c.Truncate
		}
		if len(mac) != want {
			return c, fmt.Errorf("%s: %s is %d bytes, want %d", where, k, len(mac), want)
		}
		c.MAC[alg] = mac
	}
	if len(c.MAC) != len(rfcAlgorithms) {
		var have []string
		for a := range c.MAC {
			have = append(have, a)
		}
		sort.Strings(have)
		return c, fmt.Errorf("%s: has %v, want all four HMAC-SHA-* values", where, have)
	}
	return c, nil
}

func hexField(f map[string]string, k string) ([]byte, error) {
	v, ok := f[k]
	if !ok || v == "" {
		return nil, fmt.Errorf("no %s", k)
	}
	b, err := hex.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k, err)
	}
	return b, nil
}
