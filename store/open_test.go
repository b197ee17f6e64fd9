package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestOpenCreatesPrivateDirAndFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "switchboard")
	s := open(t, dir, Options{})
	if s.Path() != filepath.Join(dir, "state.db") {
		t.Errorf("Path() = %q", s.Path())
	}
	for path, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, s.Path(): 0o600} {
		if info, err := os.Stat(path); err != nil || info.Mode() != want {
			t.Errorf("%s: mode %v, %v; want %v", path, info.Mode(), err, want)
		}
	}
}

func TestSecondProcessIsRefusedNamingTheHolder(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	holder := startChild(ctx, t, "hold", dir)
	holder.expect(t, "held")

	_, err := Open(dir, Options{})
	var locked *LockedError
	if !errors.Is(err, ErrLocked) || !errors.As(err, &locked) {
		t.Fatalf("Open while another process holds %s: %v, want a *LockedError", dir, err)
	}
	pid := holder.cmd.Process.Pid
	if locked.Owner == nil || locked.Owner.PID != pid {
		t.Errorf("owner %+v, want pid %d", locked.Owner, pid)
	}
	for _, want := range []string{dir, "pid " + strconv.Itoa(pid)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not name %q", err, want)
		}
	}

	// Reset must not move the file from under its holder.
	if _, err := Reset(dir); !errors.Is(err, ErrLocked) {
		t.Errorf("Reset while held: %v, want ErrLocked", err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Errorf("Reset while held moved the file: %v", err)
	}

	// Without the holder's note the refusal still stands, and says so.
	if err := os.Remove(ownerPath(dir)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "no owner note") {
		t.Errorf("Open without an owner note: %v", err)
	}

	// Once the holder has gone the directory is ours, with our note.
	if err := holder.stdin.Close(); err != nil {
		t.Fatal(err)
	}
	if err := holder.cmd.Wait(); err != nil {
		t.Fatalf("holder: %v", err)
	}
	s := open(t, dir, Options{})
	if o := lockedError(dir).Owner; o == nil || o.PID != os.Getpid() {
		t.Errorf("owner note after our Open: %+v, want our pid %d", o, os.Getpid())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ownerPath(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("owner note left after Close: %v", err)
	}
}

// wantCorrupt opens dir, expects a *CorruptError naming the file, the way
// to start fresh and reason, and checks the file was left as it was.
func wantCorrupt(t *testing.T, dir, reason string) {
	t.Helper()
	path := filepath.Join(dir, FileName)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{})
	if err == nil {
		_ = s.Close()
		t.Fatalf("Open of a damaged file succeeded")
	}
	var c *CorruptError
	if !errors.Is(err, ErrCorrupt) || !errors.As(err, &c) || c.File != path {
		t.Fatalf("Open: %v, want a *CorruptError for %s", err, path)
	}
	for _, want := range []string{path, "--reset-state"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
	// The reason alone: the message's path holds the test's name.
	if !strings.Contains(c.Reason, reason) {
		t.Errorf("reason %q, want %q", c.Reason, reason)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Errorf("Open changed the damaged file")
	}
}

// filled makes a real state file with a few hundred decisions in it.
func filled(t *testing.T) (dir string, size int64) {
	t.Helper()
	dir = t.TempDir()
	s := open(t, dir, Options{})
	for i := uint64(1); i <= 300; i++ {
		if err := s.Commit(decision(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(s.Path(), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil })
	if err != nil || size < 16*4096 {
		t.Fatalf("a filled file uses %d bytes (%v); the damage tests need more pages", size, err)
	}
	return dir, size
}

func TestDamagedFileIsRefusedAndResetKeepsIt(t *testing.T) {
	garbage := bytes.Repeat([]byte("this is not a bbolt file. "), 4000)
	cases := []struct {
		name   string
		damage func(t *testing.T) string
		reason string
	}{
		{"garbage", func(t *testing.T) string {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, FileName), garbage)
			return dir
		}, "not a bbolt database"},
		{"truncated", func(t *testing.T) string {
			dir, size := filled(t)
			truncate(t, filepath.Join(dir, FileName), size/2)
			return dir
		}, "truncated"},
		{"truncated to a stub", func(t *testing.T) string {
			dir, _ := filled(t)
			truncate(t, filepath.Join(dir, FileName), 1000)
			return dir
		}, "not a bbolt database"},
		{"zeroed pages", func(t *testing.T) string {
			dir, size := filled(t)
			f, err := os.OpenFile(filepath.Join(dir, FileName), os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			// Every page but the two meta pages: they still vouch for a tree
			// that is gone.
			if _, err := f.WriteAt(make([]byte, size-2*4096), 2*4096); err != nil {
				t.Fatal(err)
			}
			return dir
		}, "damaged page"},
		{"unknown schema", func(t *testing.T) string {
			dir, _ := filled(t)
			boltPut(t, filepath.Join(dir, FileName), "meta", "schema", "2")
			return dir
		}, `schema version "2"`},
		{"another program's bbolt file", func(t *testing.T) string {
			dir := t.TempDir()
			boltPut(t, filepath.Join(dir, FileName), "users", "alice", "x")
			return dir
		}, "not a switchboard state file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.damage(t)
			path := filepath.Join(dir, FileName)
			damaged, _ := os.ReadFile(path)
			wantCorrupt(t, dir, tc.reason)

			kept, err := Reset(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(kept, path+".bad-") {
				t.Errorf("kept as %q, want %s.bad-<time>", kept, path)
			}
			if got, _ := os.ReadFile(kept); !bytes.Equal(got, damaged) {
				t.Errorf("the kept copy differs from the damaged file")
			}
			s := open(t, dir, Options{})
			if r := load(t, s); r.State != nil || len(r.Events) != 0 {
				t.Errorf("a fresh start restored %+v", r)
			}
		})
	}
}

func TestEmptyFileIsNew(t *testing.T) {
	// bbolt creates the file before it writes its first pages: a crash in
	// between leaves it empty, which is a new file, not a damaged one.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, FileName), nil)
	s := open(t, dir, Options{})
	if r := load(t, s); r.State != nil {
		t.Errorf("restored %+v from an empty file", r.State)
	}
}

func TestResetKeepsEveryCopy(t *testing.T) {
	dir := t.TempDir()
	if kept, err := Reset(dir); kept != "" || err != nil {
		t.Errorf("Reset with no file: %q, %v; want nothing to do", kept, err)
	}
	seen := map[string]bool{}
	for i := range 3 {
		writeFile(t, filepath.Join(dir, FileName), []byte{byte(i)})
		kept, err := Reset(dir)
		if err != nil || seen[kept] {
			t.Fatalf("Reset %d: %q, %v (twice the same name loses a copy)", i, kept, err)
		}
		seen[kept] = true
		if got, _ := os.ReadFile(kept); !bytes.Equal(got, []byte{byte(i)}) {
			t.Errorf("%s holds %v, want [%d]", kept, got, i)
		}
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func truncate(t *testing.T, path string, size int64) {
	t.Helper()
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
}

// boltPut writes one key with bbolt itself, as another program would.
func boltPut(t *testing.T, path, bucket, key, value string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return err
		}
		return b.Put([]byte(key), []byte(value))
	})
	if err != nil {
		t.Fatal(err)
	}
}
