// Package boltstore keeps the reference's state in one bbolt file
// (go.etcd.io/bbolt): a store.Backend whose every Apply is one committed,
// fsynced transaction, so a change is on disk before the service answers
// 200 for it. One process at a time holds the file (bbolt's flock).
//
// The one thing callers get wrong: Open waits at most Options.LockTimeout
// for a file another process holds, then fails with ErrLocked; it never
// shares the file.
package boltstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kmsmac/kmsmac/reference/store"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the database file inside the data directory.
const FileName = "kmsmac.db"

// ErrLocked is returned by Open when another process holds the file.
var ErrLocked = errors.New("the data file is in use by another process")

// DB is a bbolt-backed store.Backend.
type DB struct {
	db   *bolt.DB
	path string
}

// Options tune Open. The zero value waits 2 s for a lock.
type Options struct {
	LockTimeout time.Duration
}

// Open opens (creating if needed) dir/kmsmac.db. Errors name the path and
// say what is wrong: a directory that cannot be created or written, a file
// held by another process (ErrLocked), a file that is not a kmsmac
// database or is damaged.
func Open(dir string, o Options) (db *DB, err error) {
	if o.LockTimeout <= 0 {
		o.LockTimeout = 2 * time.Second
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	// bbolt panics on some damaged files instead of returning an error.
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%s is damaged (%v); move it away to start empty", path, r)
		}
	}()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.LockTimeout})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%s: %w (waited %s for its lock); stop that process or use another --data directory", path, ErrLocked, o.LockTimeout)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		return nil, fmt.Errorf("%s is not a kmsmac data file or is damaged (%v); move it away to start empty", path, err)
	case err != nil:
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		for _, k := range store.Kinds {
			if _, err := tx.CreateBucketIfNotExists([]byte(k.String())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		bdb.Close()
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	return &DB{db: bdb, path: path}, nil
}

// Path is the database file.
func (d *DB) Path() string { return d.path }

// Apply writes ops in one transaction and returns once it is committed
// (bbolt fsyncs each commit).
func (d *DB) Apply(ops []store.Op) error {
	return d.db.Update(func(tx *bolt.Tx) error {
		for _, op := range ops {
			b := tx.Bucket([]byte(op.Kind.String()))
			if b == nil {
				return fmt.Errorf("no bucket %s", op.Kind)
			}
			var err error
			if op.Data == nil {
				err = b.Delete([]byte(op.ID))
			} else {
				err = b.Put([]byte(op.ID), op.Data)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// Load calls fn for every saved record, keys first (aliases and grants
// name keys). A damaged file is an error, not a panic.
func (d *DB) Load(fn func(kind store.Kind, id string, data []byte) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s is damaged (%v); move it away to start empty", d.path, r)
		}
	}()
	return d.db.View(func(tx *bolt.Tx) error {
		for _, k := range store.Kinds {
			b := tx.Bucket([]byte(k.String()))
			if b == nil {
				continue
			}
			if err := b.ForEach(func(id, v []byte) error {
				return fn(k, string(id), v)
			}); err != nil {
				return fmt.Errorf("%s: %w", d.path, err)
			}
		}
		return nil
	})
}

// Close releases the file and its lock.
func (d *DB) Close() error { return d.db.Close() }
