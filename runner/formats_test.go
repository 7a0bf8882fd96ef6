package runner

import (
	"os"
	"reflect"
	"testing"

	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

func TestSplitFormats(t *testing.T) {
	cases := []struct {
		in, godog string
		files     []string
	}{
		{"", "", nil},
		{"progress", "progress", nil},
		{"junit:a.xml", "progress:" + os.DevNull, []string{"a.xml"}},
		{"pretty,junit:out/k.xml", "pretty", []string{"out/k.xml"}},
		{"junit:a.xml, cucumber:c.json ,junit:b.xml", "cucumber:c.json", []string{"a.xml", "b.xml"}},
		{"junit", "junit", nil}, // no file: left for godog/conform to reject
	}
	for _, c := range cases {
		g, f := SplitFormats(c.in)
		if g != c.godog || !reflect.DeepEqual(f, c.files) {
			t.Errorf("SplitFormats(%q) = %q, %q; want %q, %q", c.in, g, f, c.godog, c.files)
		}
	}
}

// results names the run tag in the summary without importing target.
func TestRunTagKeysAgree(t *testing.T) {
	if results.RunTagKey != target.RunTagKey {
		t.Errorf("results.RunTagKey %q, target.RunTagKey %q", results.RunTagKey, target.RunTagKey)
	}
}
