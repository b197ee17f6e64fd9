package model

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"switchboard/monitor"
)

// TestFlowForceFailover runs the real Bubble Tea program: press f, confirm
// with y, and watch the header switch to the next backend and the event
// log record it.
func TestFlowForceFailover(t *testing.T) {
	f := newFake(fixture(4))
	f.apply = true
	m := New(f, Options{Now: fixedNow})
	defer m.Close()
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)),
	)
	// wait reads the terminal output until cond holds for the raw bytes
	// and for the text with escape sequences stripped.
	wait := func(cond func(raw, text string) bool) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return cond(string(b), ansi.Strip(string(b))) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	wait(func(_, text string) bool { return strings.Contains(text, "ACTIVE: openai") })

	tm.Send(keyMsg(t, "f"))
	wait(func(_, text string) bool { return strings.Contains(text, "fail over from openai to azure? y/n") })
	tm.Send(keyMsg(t, "y"))
	// The renderer rewrites only the cells that changed, so look for what
	// is written whole: the window title naming the active backend, the
	// new event line, and the header's new name and mode.
	wait(func(raw, text string) bool {
		return strings.Contains(raw, "switchboard · active: azure") &&
			strings.Contains(text, "operator ▶ openai → azure  forced failover from openai") &&
			strings.Contains(text, "azure") && strings.Contains(text, "FORCED")
	})

	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	out := screen(final)
	if !strings.Contains(strings.Split(out, "\n")[0], "ACTIVE: azure") || !strings.Contains(out, "FORCED") {
		t.Fatalf("header did not change to azure:\n%s", out)
	}
	if !strings.Contains(out, "▶ openai → azure  forced failover from openai") {
		t.Fatalf("event log lacks the failover:\n%s", out)
	}
	if got := f.sentCommands(); !reflect.DeepEqual(got, []monitor.Command{monitor.ForceFailover{From: "openai", To: "azure"}}) {
		t.Fatalf("sent %#v, want one ForceFailover", got)
	}
	if bytes.Contains([]byte(out), []byte("y/n")) {
		t.Fatal("the prompt is still on screen")
	}
}
