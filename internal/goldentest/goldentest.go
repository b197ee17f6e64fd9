// Package goldentest compares rendered terminal screens with golden files,
// for the views and model tests.
package goldentest

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// GoldenProfile is the colour profile of the coloured goldens: what a
// 256-colour terminal receives, fixed so no test depends on its terminal.
const GoldenProfile = colorprofile.ANSI256

// RequireScreen strips ANSI from out and compares it with
// testdata/<test name>.golden (`go test -update` rewrites them). It also
// checks the geometry every panel promises: no line wider than w cells.
func RequireScreen(t *testing.T, out string, w int) {
	t.Helper()
	plain := ansi.Strip(out)
	requireWidth(t, plain, w)
	golden.RequireEqual(t, plain)
}

// RequireColourScreen compares out with its colours and attributes, as
// GoldenProfile renders them, with testdata/<test name>.golden, so a style
// whose colour changes fails as surely as a moved column. A screen without
// any colour fails: its golden could not catch a colour change.
func RequireColourScreen(t *testing.T, out string, w int) {
	t.Helper()
	requireWidth(t, ansi.Strip(out), w)
	styled := InProfile(out, GoldenProfile)
	if len(ColourCodes(styled)) == 0 {
		t.Fatalf("a colour golden of a screen without colour proves nothing:\n%s", out)
	}
	golden.RequireEqual(t, styled)
}

// InProfile is out as a terminal of profile p receives it.
func InProfile(out string, p colorprofile.Profile) string {
	var b strings.Builder
	w := &colorprofile.Writer{Forward: &b, Profile: p}
	_, _ = w.WriteString(out) // a strings.Builder does not fail
	return b.String()
}

func requireWidth(t *testing.T, plain string, w int) {
	t.Helper()
	for i, line := range strings.Split(plain, "\n") {
		if got := ansi.StringWidth(line); got > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, got, w, line)
		}
	}
}

var sgr = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// ColourCodes lists the SGR sequences in out that set a colour.
func ColourCodes(out string) []string {
	var found []string
	for _, m := range sgr.FindAllStringSubmatch(out, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, _ := strconv.Atoi(p)
			if n == 38 || n == 48 || n == 58 || (n >= 30 && n <= 37) || (n >= 40 && n <= 47) ||
				(n >= 90 && n <= 97) || (n >= 100 && n <= 107) {
				found = append(found, m[0])
				break
			}
		}
	}
	return found
}
