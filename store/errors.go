package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ErrLocked says another process has the state directory open. The error
// Open and Reset return is a *LockedError, which names that process.
var ErrLocked = errors.New("state directory in use")

// ErrCorrupt says the state file cannot be read as switchboard state. The
// error Open returns is a *CorruptError, which names the file and tells
// the operator how to start fresh.
var ErrCorrupt = errors.New("state file unreadable")

// Owner is the process that holds a state directory, as it wrote itself
// down in state.db.owner when it opened it.
type Owner struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
}

// LockedError refuses a second process on one state directory.
type LockedError struct {
	Dir string
	// Owner is nil when the holder left no readable note (it is still
	// starting, or is not a switchboard).
	Owner *Owner
}

// Error names the directory and its holder, and what the operator can do.
func (e *LockedError) Error() string {
	who := "another process (it left no owner note)"
	if o := e.Owner; o != nil {
		who = fmt.Sprintf("another switchboard: pid %d on %s, running since %s",
			o.PID, o.Host, o.Started.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("state directory %s is in use by %s; stop it, or give this one another --state-dir", e.Dir, who)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// CorruptError refuses a state file that cannot be read. The file is left
// untouched: only Reset moves it aside.
type CorruptError struct {
	File   string
	Reason string
	Err    error // the underlying error, if any
}

// Error names the file, why it was refused, and how to start fresh.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("state file %s cannot be read (%s); to start fresh run with --reset-state, which keeps the old file as %s.bad-<time>",
		e.File, e.Reason, filepath.Base(e.File))
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// Unwrap gives the underlying error (for example bbolt's ErrInvalid).
func (e *CorruptError) Unwrap() error { return e.Err }

func corrupt(path, reason string, err error) *CorruptError {
	if err != nil {
		reason += ": " + err.Error()
	}
	return &CorruptError{File: path, Reason: reason, Err: err}
}

const ownerSuffix = ".owner"

func ownerPath(dir string) string { return filepath.Join(dir, FileName+ownerSuffix) }

// writeOwner notes who holds the directory, for the message a second
// process prints. bbolt's lock cannot say who holds it, and the file is
// unreadable without the lock, hence a side file. Written to a temporary
// name and renamed, so a reader never sees half of it.
func writeOwner(dir string, now time.Time) error {
	host, _ := os.Hostname()
	data, err := json.Marshal(Owner{PID: os.Getpid(), Host: host, Started: now})
	if err != nil {
		return err
	}
	tmp := ownerPath(dir) + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("owner note: %w", err)
	}
	if err := os.Rename(tmp, ownerPath(dir)); err != nil {
		return fmt.Errorf("owner note: %w", err)
	}
	return nil
}

func removeOwner(dir string) { _ = os.Remove(ownerPath(dir)) }

// lockedError reads the holder's note for the message; a missing or
// unreadable note still refuses, only less helpfully.
func lockedError(dir string) *LockedError {
	e := &LockedError{Dir: dir}
	data, err := os.ReadFile(ownerPath(dir))
	if err != nil {
		return e
	}
	var o Owner
	if json.Unmarshal(data, &o) == nil && o.PID > 0 {
		e.Owner = &o
	}
	return e
}

// Reset moves dir's state file aside to state.db.bad-<UTC time> so the next
// Open starts fresh, and returns where the old file was kept ("" when there
// was none). It refuses (*LockedError) while another process holds the
// directory, since that process would go on writing the moved file.
func Reset(dir string) (keptAs string, err error) {
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reset %s: %w", path, err)
	}
	defer f.Close()
	held, err := tryLock(f)
	if err != nil {
		return "", fmt.Errorf("reset %s: %w", path, err)
	}
	if held {
		return "", lockedError(dir)
	}
	stamp := time.Now().UTC().Format("20060102T150405Z")
	keptAs = path + ".bad-" + stamp
	for i := 2; exists(keptAs); i++ {
		keptAs = fmt.Sprintf("%s.bad-%s-%d", path, stamp, i)
	}
	if err := os.Rename(path, keptAs); err != nil {
		return "", fmt.Errorf("reset %s: %w", path, err)
	}
	return keptAs, nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
