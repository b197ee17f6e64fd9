package model

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/monitor"
)

// keyMsg builds the key press Bubble Tea delivers for a key name, and
// checks that it really reads back as that name.
func keyMsg(t *testing.T, name string) tea.KeyPressMsg {
	t.Helper()
	var k tea.KeyPressMsg
	switch name {
	case "up":
		k = tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		k = tea.KeyPressMsg{Code: tea.KeyDown}
	case "enter":
		k = tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		k = tea.KeyPressMsg{Code: tea.KeyTab}
	case "esc":
		k = tea.KeyPressMsg{Code: tea.KeyEscape}
	case "backspace":
		k = tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		k = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+c":
		k = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	default:
		r := []rune(name)
		k = tea.KeyPressMsg{Code: r[0], Text: name}
	}
	if k.String() != name {
		t.Fatalf("key %q reads back as %q", name, k.String())
	}
	return k
}

// press sends the first key of binding b.
func press(t *testing.T, m Model, b key.Binding) (Model, tea.Cmd) {
	t.Helper()
	return pressKey(t, m, b.Keys()[0])
}

// pressKey sends a key by name.
func pressKey(t *testing.T, m Model, name string) (Model, tea.Cmd) {
	t.Helper()
	next, cmd := m.Update(keyMsg(t, name))
	return next.(Model), cmd
}

// run executes cmd as Bubble Tea would and feeds its message back into
// Update, returning the resulting model.
func run(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	next, _ := m.Update(cmd())
	return next.(Model)
}

// newModel is a model of the fixture at a 100×30 screen.
func newModel(t *testing.T, f *fakeBackend, opts Options) Model {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	m := New(f, opts)
	t.Cleanup(m.Close)
	next, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return next.(Model)
}

// screen is the model's view without ANSI.
func screen(m Model) string { return ansi.Strip(m.View().Content) }

// lastLines is the bottom n lines of the screen (status line, help bar).
func lastLines(m Model, n int) string {
	lines := strings.Split(screen(m), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// within waits for ch to yield, failing after a generous bound: this checks
// that something happens, never how fast.
func within[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("gave up waiting")
	}
	var zero T
	return zero
}

// rowOf is the table row of a provider on the screen; the gutter (cursor,
// enabled and active marks) is its first three cells.
func rowOf(m Model, name string) string {
	for _, line := range strings.Split(screen(m), "\n") {
		if r := []rune(line); len(r) > 3 {
			if f := strings.Fields(string(r[3:])); len(f) > 0 && f[0] == name {
				return line
			}
		}
	}
	return ""
}

// withSnap is the frame the model's own loop would deliver next, showing
// snap.
func withSnap(m Model, snap *monitor.Snapshot) frameMsg {
	return frameMsg{id: m.sess.id, tag: m.frameTag, snap: snap}
}

// frameCh is one frame's wait as a channel, for within.
func (s *session) frameCh(tag int64) <-chan tea.Msg {
	ch := make(chan tea.Msg, 1)
	go func() { ch <- s.frame(tag)() }()
	return ch
}

// nextSnapshot waits for the first frame of m's loop that carries a
// snapshot, skipping frames of the clock alone, and hands it to Update.
func nextSnapshot(t *testing.T, m Model) Model {
	t.Helper()
	for {
		msg := within(t, m.sess.frameCh(m.frameTag))
		next, _ := m.Update(msg)
		m = next.(Model)
		if f, ok := msg.(frameMsg); !ok || f.snap != nil {
			return m
		}
	}
}
