//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes the same flock bbolt takes on the file, without waiting,
// and reports whether another process holds it. The lock goes with f.
func tryLock(f *os.File) (held bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}
