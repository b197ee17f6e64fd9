package model

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"switchboard/monitor"
)

// typeKeys presses each named key in turn.
func typeKeys(t *testing.T, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		m, _ = pressKey(t, m, k)
	}
	return m
}

// P asks for how long, then the usual y/n naming the length, and y sends
// a Pin for that long; enter alone pins until auto.
func TestPinForAsksHowLongThenYesNo(t *testing.T) {
	cases := []struct {
		name     string
		typed    []string
		question string
		want     monitor.Command
	}{
		{"fifteen minutes", []string{"1", "5", "m"}, "pin azure as active for 15m? y/n", monitor.Pin{Provider: "azure", For: 15 * time.Minute}},
		{"an hour and a half", []string{"1", "h", "3", "0", "m"}, "pin azure as active for 1h30m? y/n", monitor.Pin{Provider: "azure", For: 90 * time.Minute}},
		{"typo erased", []string{"1", "5", "5", "backspace", "m"}, "pin azure as active for 15m? y/n", monitor.Pin{Provider: "azure", For: 15 * time.Minute}},
		{"enter alone", nil, "pin azure as active until auto? y/n", monitor.Pin{Provider: "azure"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(fixture(4))
			m := newModel(t, f, Options{})
			m, _ = press(t, m, m.keys.Down) // azure
			m, _ = press(t, m, m.keys.PinFor)
			if got := lastLines(m, 2); !strings.Contains(got, "pin azure for how long? ▌") ||
				!strings.Contains(got, "enter ok (alone: until auto)") || !strings.Contains(got, "esc cancel") {
				t.Fatalf("P shows %q", got)
			}
			m = typeKeys(t, m, c.typed...)
			m, _ = press(t, m, m.keys.Submit)
			if got := lastLines(m, 2); !strings.Contains(got, c.question) {
				t.Fatalf("after enter %q, want %q", got, c.question)
			}
			m, cmd := press(t, m, m.keys.Confirm)
			run(t, m, cmd)
			if got := f.sentCommands(); !reflect.DeepEqual(got, []monitor.Command{c.want}) {
				t.Fatalf("sent %#v, want %#v", got, c.want)
			}
		})
	}
}

// While the length is typed, only its characters are taken: q does not
// quit, a length the monitor would refuse keeps the prompt open with the
// reason, and esc cancels without sending anything.
func TestPinForPromptTakesOnlyALength(t *testing.T) {
	f := newFake(fixture(4))
	m := newModel(t, f, Options{})
	m, _ = press(t, m, m.keys.PinFor)
	m, cmd := pressKey(t, m, "q")
	if cmd != nil || m.typing == nil {
		t.Fatal("q quit or closed the prompt while a length was typed")
	}
	m = typeKeys(t, m, "9", "9", "9", "h")
	m, _ = press(t, m, m.keys.Submit)
	if got := lastLines(m, 2); !strings.Contains(got, "pin openai for how long? 999h▌") ||
		!strings.Contains(got, "a pin lasts 1s to 720h") {
		t.Fatalf("a 999h pin: %q", got)
	}
	m, _ = press(t, m, m.keys.Abort)
	if got := lastLines(m, 2); !strings.Contains(got, "cancelled") || strings.Contains(got, "how long") {
		t.Fatalf("esc left %q", got)
	}
	if got := f.sentCommands(); len(got) != 0 {
		t.Fatalf("sent %#v, want nothing", got)
	}
}

// Read-only hides P and it does nothing.
func TestReadOnlyHasNoPinFor(t *testing.T) {
	m := newModel(t, newFake(fixture(4)), Options{ReadOnly: true})
	m, _ = pressKey(t, m, "P")
	if m.typing != nil || strings.Contains(m.state().Help, "pin for") {
		t.Fatalf("read-only took P: %q", lastLines(m, 2))
	}
}

// The help bar follows the focus: with the event log focused it says
// that ↑/↓ scroll it and that tab goes back to the table.
func TestHelpFollowsFocus(t *testing.T) {
	m := sized(newModel(t, newFake(fixture(4)), Options{}), 160, 30)
	if got := ansi.Strip(m.state().Help); !strings.Contains(got, "↑/k up") || !strings.Contains(got, "tab scroll events") {
		t.Fatalf("table focused: %q", got)
	}
	m, _ = press(t, m, m.keys.Focus)
	got := ansi.Strip(m.state().Help)
	for _, want := range []string{"↑/k older events", "↓/j newer events", "tab back to the table"} {
		if !strings.Contains(got, want) {
			t.Errorf("events focused: help %q lacks %q", got, want)
		}
	}
	m, _ = press(t, m, m.keys.Help)
	if full := ansi.Strip(m.state().Help); !strings.Contains(full, "older events") {
		t.Errorf("full help with the log focused:\n%s", full)
	}
}
