package boltstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference/store"
)

func TestApplyLoad(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ops := []store.Op{{Kind: store.KindKey, ID: "k1", Data: []byte("one")}, {Kind: store.KindAlias, ID: "a", Data: []byte("two")}}
	if err := db.Apply(ops); err != nil {
		t.Fatal(err)
	}
	if err := db.Apply([]store.Op{{Kind: store.KindAlias, ID: "a"}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := map[string]string{}
	if err := db.Load(func(k store.Kind, id string, data []byte) error {
		got[k.String()+"/"+id] = string(data)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["keys/k1"] != "one" {
		t.Fatalf("loaded %v", got)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Open(dir, Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) || time.Since(start) > 5*time.Second {
		t.Fatalf("second open of a held file: %v after %s, want ErrLocked", err, time.Since(start))
	}
	db.Close()

	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(file, "sub"), Options{}); err == nil || !strings.Contains(err.Error(), "cannot create the data directory") {
		t.Fatalf("data directory under a file: %v", err)
	}

	for name, content := range map[string][]byte{
		"text":    []byte("not a database\n"),
		"garbage": make([]byte, 64<<10),
	} {
		d := t.TempDir()
		for i := range content {
			content[i] = byte(i*7 + 3)
		}
		if err := os.WriteFile(filepath.Join(d, FileName), content, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(d, Options{})
		if err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Fatalf("%s file: %v, want a damaged-file error", name, err)
		}
	}
}
