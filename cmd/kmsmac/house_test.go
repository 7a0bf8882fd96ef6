package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxPackageLines is the size a newcomer can still read in a sitting
// (issue 11): non-test Go lines per package directory.
const maxPackageLines = 3000

// TestPackageSizes keeps every package under maxPackageLines, so a
// growing package is split by job before it becomes a room nobody can
// find their way in.
func TestPackageSizes(t *testing.T) {
	root := filepath.Join("..", "..")
	lines := map[string]int{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		lines[filepath.Dir(p)] += bytes.Count(b, []byte("\n"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) < 10 {
		t.Fatalf("found only %d package directories under %s: wrong root?", len(lines), root)
	}
	for dir, n := range lines {
		if n > maxPackageLines {
			rel, _ := filepath.Rel(root, dir)
			t.Errorf("%s: %d non-test lines of Go, over %d: split it by job (docs/architecture.md)", rel, n, maxPackageLines)
		}
	}
}
