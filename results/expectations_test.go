package results

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadExpectationsRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"status.yaml": "rules:\n  KID-4: broken\n",
		"id.yaml":     "rules:\n  kid4: failed\n",
		"yaml.yaml":   "rules: [\n",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		if _, err := ReadExpectations(p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ReadExpectations(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("a missing file: no error")
	}
}

func TestNeutral(t *testing.T) {
	in := `Key 'arn:aws:kms:us-east-1:111122223333:key/0b3c1a55-7f2e-4f4e-9d63-2a1b6c0f9e11' alias/kmsmac-4ef8a43a-12 (seed 7, 34ms) 127.0.0.1:4599 {"GrantId":"fc0b6e44","CreationDate":1796390837.5}`
	want := `Key '<key-arn>' alias/<alias> (seed 7, <duration>) 127.0.0.1:<port> {"GrantId":"<value>","CreationDate":<time>}`
	if got := Neutral(in); got != want {
		t.Errorf("Neutral:\n got %s\nwant %s", got, want)
	}
}
