package views

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// linked is the base state attached to a server, with the connection c.
func linked(c Link) State {
	st := baseState(7)
	c.Server = "http://10.0.0.5:8788"
	st.Link = &c
	return st
}

var (
	attached     = Link{As: "oncall (operator)", Connected: true, Since: now.Add(-time.Hour), Ever: true}
	disconnected = Link{As: "oncall (operator)", Since: now.Add(-7 * time.Second), Ever: true,
		Err: "dial tcp 10.0.0.5:8788: connect: connection refused", Attempts: 3}
	connecting = Link{Since: now, Attempts: 1, Err: "server answered 503"}
)

func TestLinkGolden(t *testing.T) {
	cases := []struct {
		name string
		st   State
		w, h int
	}{
		{"attached_100", linked(attached), 100, 24},
		{"disconnected_100", linked(disconnected), 100, 24},
		{"disconnected_60", linked(disconnected), 60, 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			requireGolden(t, Render(c.st, c.w, c.h, DefaultStyles()), c.w)
		})
	}
	t.Run("connecting_100", func(t *testing.T) {
		st := linked(connecting)
		st.Snap = nil // the model hides the empty placeholder until the first snapshot
		requireGolden(t, Header(st, 100, DefaultStyles()), 100)
	})
}

// Attached and connected, the screen is the in-process one plus the line
// naming the server: no row is marked stale by the link.
func TestAttachedScreenIsLive(t *testing.T) {
	in := ansi.Strip(Render(baseState(7), 100, 24, DefaultStyles()))
	at := ansi.Strip(Render(linked(attached), 100, 24, DefaultStyles()))
	if !strings.Contains(at, "attached to http://10.0.0.5:8788 as oncall (operator)") {
		t.Fatalf("the header does not name the server:\n%s", at)
	}
	if !strings.Contains(at, "ACTIVE: azure") || strings.Contains(at, "LAST SEEN") {
		t.Errorf("a live attached header must say ACTIVE:\n%s", at)
	}
	if got, want := tableRows(at), tableRows(in); got != want {
		t.Errorf("attached rows differ from the in-process ones:\n%s\nwant\n%s", got, want)
	}
}

// Disconnected, the header says since when and that it retries, the
// active name is only "last seen", and every row's age is marked stale.
func TestDisconnectedScreenIsNotLive(t *testing.T) {
	out := ansi.Strip(Render(linked(disconnected), 160, 24, DefaultStyles()))
	for _, want := range []string{"✗ disconnected since 14:05:16, retrying", "LAST SEEN ACTIVE: azure",
		"3 failed attempts: dial tcp 10.0.0.5:8788: connect: connection refused"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "ACTIVE: azure") != strings.Count(out, "LAST SEEN ACTIVE: azure") {
		t.Errorf("a disconnected screen calls azure ACTIVE:\n%s", out)
	}
	staleAge := regexp.MustCompile(`\s!\d+[smhd]\s`)
	for _, row := range strings.Split(tableRows(out), "\n")[1:] {
		if !strings.Contains(row, "unknown") && !staleAge.MatchString(row) { // unknown: no sample, no age
			t.Errorf("row not marked stale: %q", row)
		}
	}
}

// tableRows is the table of a rendered screen: from its title row to the
// first empty or rule line.
func tableRows(screen string) string {
	var rows []string
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, "NAME") && strings.Contains(line, "STATE") {
			rows = []string{line}
			continue
		}
		if rows == nil {
			continue
		}
		if strings.TrimSpace(line) == "" || strings.Contains(line, "──") {
			break
		}
		rows = append(rows, line)
	}
	return strings.Join(rows, "\n")
}
