// Package waitfor is the tests' one way to wait for something that happens
// in real time, elsewhere (a server's goroutine, a receiver's queue).
package waitfor

import (
	"testing"
	"time"
)

// Cond polls cond in real time until it holds. The deadline is a safety
// net that fails a stuck test with a reason, not a speed assertion.
func Cond(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after 10s waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
