package store

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Buckets and keys of schema 1 (see the package comment).
var (
	bucketMeta    = []byte("meta")
	bucketState   = []byte("state")
	bucketEvents  = []byte("events")
	bucketSamples = []byte("samples")
	keySchema     = []byte("schema")
	keyState      = []byte("state")
)

// schemaVersion is written to meta/schema. A file with another version is
// refused rather than guessed at: a newer switchboard may have written it.
const schemaVersion = "1"

// validate refuses an existing file that is not sound switchboard state,
// before the read-write open, which would otherwise touch its pages where
// a fault cannot be caught. It reads the file read-only (bbolt's shared
// lock, so a holder is still detected) and checks, in order: bbolt's meta
// pages, that the file holds every page they claim (truncation), that
// every page is readable (walked here, where a fault becomes a panic we
// recover), bbolt's own consistency check, and the schema. A missing or
// empty file is new: bbolt creates an empty file before it writes one.
func validate(dir, path string, timeout time.Duration) error {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) || (err == nil && info.Size() == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	db, err := bolt.Open(path, 0o600, boltOptions(timeout, true))
	switch {
	case errors.Is(err, bolt.ErrTimeout):
		return lockedError(dir)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("state file %s: %w (is it owned by another user?)", path, err)
	case err != nil:
		return corrupt(path, "not a bbolt database", err)
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		if tx.Size() > info.Size() {
			return corrupt(path, fmt.Sprintf("truncated: %d bytes, its pages need %d", info.Size(), tx.Size()), nil)
		}
		if err := walk(tx); err != nil {
			return corrupt(path, "damaged page", err)
		}
		var problems []error
		for err := range tx.Check() {
			problems = append(problems, err) // drain: Check's goroutine waits on us
		}
		if len(problems) > 0 {
			return corrupt(path, fmt.Sprintf("%d consistency errors", len(problems)), problems[0])
		}
		return checkSchema(tx, path)
	})
}

// walk reads every key of every bucket. bbolt reads pages straight from
// the mmap, so a damaged page pointer can fault; with SetPanicOnFault the
// fault (and bbolt's own page assertions) become a panic, recovered here
// into an error instead of killing the process.
func walk(tx *bolt.Tx) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	var visit func(b *bolt.Bucket) error
	visit = func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				if child := b.Bucket(k); child != nil {
					return visit(child)
				}
			}
			return nil
		})
	}
	return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return visit(b) })
}

// checkSchema accepts schema 1, and a file with no buckets at all (a new
// file whose first transaction never ran).
func checkSchema(tx *bolt.Tx, path string) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		empty := tx.ForEach(func([]byte, *bolt.Bucket) error { return errors.New("not empty") }) == nil
		if empty {
			return nil
		}
		return corrupt(path, "not a switchboard state file: no meta bucket", nil)
	}
	v := meta.Get(keySchema)
	if string(v) != schemaVersion {
		return corrupt(path, fmt.Sprintf("schema version %q, this switchboard reads %q (written by a newer one?)", v, schemaVersion), nil)
	}
	for _, name := range [][]byte{bucketState, bucketEvents, bucketSamples} {
		if tx.Bucket(name) == nil {
			return corrupt(path, fmt.Sprintf("no %s bucket", name), nil)
		}
	}
	return nil
}
