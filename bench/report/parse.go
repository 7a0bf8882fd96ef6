package report

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// Bench is every repetition of one benchmark name.
type Bench struct {
	Name   string               // full name without the "Benchmark" prefix or -procs suffix
	Base   string               // e.g. GenerateMac, Core
	Keys   []KV                 // sub-name keys in order (endpoint=reference, ...)
	Values map[string][]float64 // unit → one value per repetition, in input order
	Units  []string             // units in first-seen order
	Config map[string]string    // file-level configuration (goos, cpu, ...) of its first result
}

// KV is one name=value part of a benchmark name.
type KV struct{ Key, Value string }

// Get returns the value of key in the name, or "".
func (b *Bench) Get(key string) string {
	for _, kv := range b.Keys {
		if kv.Key == key {
			return kv.Value
		}
	}
	return ""
}

// Setting is the name without the given key, e.g. the endpoint, so
// benchmarks that differ only in it line up.
func (b *Bench) Setting(without string) string {
	parts := []string{b.Base}
	for _, kv := range b.Keys {
		if kv.Key != without {
			parts = append(parts, kv.Key+"="+kv.Value)
		}
	}
	return strings.Join(parts, "/")
}

// ReadFiles reads benchmark results from files ("-" is stdin), merging
// repetitions of the same name in order.
func ReadFiles(paths ...string) ([]*Bench, error) {
	var all []*Bench
	index := map[string]*Bench{}
	for _, p := range paths {
		var r io.Reader
		if p == "-" {
			r = os.Stdin
		} else {
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			r = f
		}
		bs, err := Read(r, p)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			if have, ok := index[b.Name]; ok {
				for _, u := range b.Units {
					if _, seen := have.Values[u]; !seen {
						have.Units = append(have.Units, u)
					}
					have.Values[u] = append(have.Values[u], b.Values[u]...)
				}
				continue
			}
			index[b.Name] = b
			all = append(all, b)
		}
	}
	return all, nil
}

// Read parses one benchmark file. Lines that are neither results nor
// configuration are ignored, as benchstat does; a malformed result line is
// an error naming its position.
func Read(r io.Reader, fileName string) ([]*Bench, error) {
	var out []*Bench
	index := map[string]*Bench{}
	rd := benchfmt.NewReader(r, fileName)
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, rec
		case *benchfmt.Result:
			base, parts := rec.Name.Parts()
			name := string(rec.Name.Full())
			name = strings.TrimSuffix(name, gomaxprocsSuffix(rec))
			b, ok := index[name]
			if !ok {
				b = &Bench{Name: name, Base: string(base), Values: map[string][]float64{}, Config: map[string]string{}}
				for _, c := range rec.Config {
					if c.File {
						b.Config[c.Key] = string(c.Value)
					}
				}
				for _, p := range parts {
					s := strings.TrimPrefix(string(p), "/")
					if k, v, ok := strings.Cut(s, "="); ok {
						b.Keys = append(b.Keys, KV{k, v})
					} else if s != "" && !strings.HasPrefix(string(p), "-") {
						b.Keys = append(b.Keys, KV{"", s})
					}
				}
				index[name] = b
				out = append(out, b)
			}
			for _, v := range rec.Values {
				unit, val := v.Unit, v.Value
				if v.OrigUnit != "" {
					unit, val = v.OrigUnit, v.OrigValue // keep the units the user wrote
				}
				if !slices.Contains(b.Units, unit) {
					b.Units = append(b.Units, unit)
				}
				b.Values[unit] = append(b.Values[unit], val)
			}
		}
	}
	if err := rd.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", fileName, err)
	}
	return out, nil
}

// gomaxprocsSuffix is the "-N" go test appends to names, dropped so runs
// with different GOMAXPROCS still line up.
func gomaxprocsSuffix(r *benchfmt.Result) string {
	full := string(r.Name.Full())
	i := strings.LastIndexByte(full, '-')
	if i < 0 || i == len(full)-1 {
		return ""
	}
	for _, c := range full[i+1:] {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return full[i:]
}
