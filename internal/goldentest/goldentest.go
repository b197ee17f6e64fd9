// Package goldentest compares rendered terminal screens with golden files,
// for the views and model tests.
package goldentest

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// RequireScreen strips ANSI from out and compares it with
// testdata/<test name>.golden (`go test -update` rewrites them). It also
// checks the geometry every panel promises: no line wider than w cells.
func RequireScreen(t *testing.T, out string, w int) {
	t.Helper()
	plain := ansi.Strip(out)
	for i, line := range strings.Split(plain, "\n") {
		if got := ansi.StringWidth(line); got > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, got, w, line)
		}
	}
	golden.RequireEqual(t, plain)
}
