package model

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

func TestSnapshotsArriveAndRearm(t *testing.T) {
	f := newFake(fixture(4))
	m := newModel(t, f, Options{})
	takeCurrent(t, m, "openai")
	got := make(chan tea.Msg, 1)
	go func() { got <- m.sess.waitSnapshot()() }()
	f.publish(mustFailOver(fixture(4)))
	next, cmd := m.Update(within(t, got))
	m = next.(Model)
	if !strings.Contains(screen(m), "ACTIVE: azure") {
		t.Fatalf("header did not follow the new Snapshot:\n%s", screen(m))
	}
	if cmd == nil {
		t.Fatal("the Snapshot wait was not re-armed")
	}
	go func() { got <- cmd() }()
	f.publish(fixture(4))
	if msg, ok := within(t, got).(snapshotMsg); !ok || msg.snap.Active != "openai" {
		t.Fatalf("re-armed wait delivered %#v", msg)
	}
}

func TestQuitUnsubscribesAndReleasesWaiters(t *testing.T) {
	f := newFake(fixture(4))
	m := newModel(t, f, Options{})
	takeCurrent(t, m, "openai")
	snapDone, tickDone := make(chan tea.Msg, 1), make(chan tea.Msg, 1)
	go func() { snapDone <- m.sess.waitSnapshot()() }()
	go func() { tickDone <- m.sess.tick(m.tickTag)() }()

	_, cmd := press(t, m, m.keys.Quit)
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q does not quit")
	}
	if msg := within(t, snapDone); msg != nil {
		t.Fatalf("snapshot wait returned %#v after quit, want nothing", msg)
	}
	if msg := within(t, tickDone); msg != nil {
		t.Fatalf("tick returned %#v after quit, want nothing", msg)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unsubscribed != 1 || len(f.subs) != 0 {
		t.Fatalf("unsubscribed %d times, %d subscribers left", f.unsubscribed, len(f.subs))
	}
}

func TestClosedSubscriptionIsReported(t *testing.T) {
	f := newFake(fixture(4))
	m := newModel(t, f, Options{})
	next, cmd := m.Update(backendClosedMsg{})
	m = next.(Model)
	if cmd != nil {
		t.Fatal("a closed subscription must not be waited on again")
	}
	if got := lastLines(m, 2); !strings.Contains(got, "error: monitor stopped") {
		t.Fatalf("status = %q", got)
	}
}

func TestTickNeverDoubles(t *testing.T) {
	m := newModel(t, newFake(fixture(4)), Options{})
	tick := tickMsg{id: m.sess.id, tag: m.tickTag}
	next, cmd := m.Update(tick)
	m = next.(Model)
	if cmd == nil {
		t.Fatal("the current tick was not re-armed")
	}
	if _, cmd = m.Update(tick); cmd != nil {
		t.Fatal("a repeated tick started a second loop")
	}
	other := tickMsg{id: m.sess.id + 1000, tag: m.tickTag}
	if _, cmd = m.Update(other); cmd != nil {
		t.Fatal("another model's tick started a loop here")
	}
}

func TestClockFollowsNow(t *testing.T) {
	clock := now
	m := newModel(t, newFake(fixture(4)), Options{Now: func() time.Time { return clock }})
	if !strings.Contains(screen(m), "09:30:00") {
		t.Fatalf("clock not shown:\n%s", screen(m))
	}
	clock = clock.Add(61 * time.Second)
	next, _ := m.Update(tickMsg{id: m.sess.id, tag: m.tickTag})
	if got := screen(next.(Model)); !strings.Contains(got, "09:31:01") || !strings.Contains(got, "(43m01s)") {
		t.Fatalf("after a tick the clock and ages did not move:\n%s", got)
	}
}

func TestEventLogFocusAndScroll(t *testing.T) {
	snap := fixture(4)
	for i := 0; i < 40; i++ {
		e := snap.Events[1]
		e.Cause = "flap " + strconv.Itoa(i)
		snap.Events = append(snap.Events, e)
	}
	m := newModel(t, newFake(snap), Options{})
	if !strings.Contains(screen(m), "flap 39") {
		t.Fatal("the log does not follow the newest event")
	}
	m, _ = press(t, m, m.keys.Focus)
	m, _ = press(t, m, m.keys.Up)
	if m.selected != 0 || m.logScroll != 1 {
		t.Fatalf("with the log focused ↑ should scroll it: selected=%d scroll=%d", m.selected, m.logScroll)
	}
	if strings.Contains(screen(m), "flap 39") || !strings.Contains(screen(m), "flap 38") {
		t.Fatal("scrolling back one line did not hide the newest event")
	}
	for i := 0; i < 100; i++ {
		m, _ = press(t, m, m.keys.Up)
	}
	if !strings.Contains(screen(m), "start") {
		t.Fatalf("scrolled to the top, the first event is not shown:\n%s", screen(m))
	}
	top := m.logScroll
	m, _ = press(t, m, m.keys.Down)
	if m.logScroll != top-1 || strings.Contains(screen(m), "start") {
		t.Fatalf("scroll was not clamped at the oldest event: %d then %d", top, m.logScroll)
	}
	m, _ = press(t, m, m.keys.Focus)
	m, _ = press(t, m, m.keys.Down)
	if m.selected != 1 {
		t.Fatal("tab did not give ↑/↓ back to the table")
	}
}

func TestDetailAndHelpToggle(t *testing.T) {
	m := newModel(t, newFake(fixture(4)), Options{})
	m, _ = press(t, m, m.keys.Detail)
	if !strings.Contains(screen(m), "last probe 09:29:55") {
		t.Fatalf("enter did not open the detail pane:\n%s", screen(m))
	}
	m, _ = press(t, m, m.keys.Detail)
	if strings.Contains(screen(m), "last probe") {
		t.Fatal("enter did not close the detail pane")
	}
	m, _ = press(t, m, m.keys.Help)
	if got := lastLines(m, 6); !strings.Contains(got, "probe all now") || !strings.Contains(got, "less") {
		t.Fatalf("? did not open the full help:\n%s", got)
	}
	m, _ = press(t, m, m.keys.Help)
	if got := lastLines(m, 1); strings.Contains(got, "probe all now") || !strings.Contains(got, "more") {
		t.Fatalf("? did not close the full help: %q", got)
	}
}

// takeCurrent reads the snapshot a subscription starts with, as the
// monitor's does, and checks it names the expected active backend.
func takeCurrent(t *testing.T, m Model, active string) {
	t.Helper()
	if msg, ok := m.sess.waitSnapshot()().(snapshotMsg); !ok || msg.snap.Active != active {
		t.Fatalf("the first wait delivered %#v, want the current snapshot", msg)
	}
}
