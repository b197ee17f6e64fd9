package model

import (
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"
)

func TestSnapshotsArriveAndRearm(t *testing.T) {
	f := newFake(fixture(4))
	m := newModel(t, f, Options{})
	m = takeCurrent(t, m, "openai")
	f.publish(mustFailOver(fixture(4)))
	m = nextSnapshot(t, m)
	if !strings.Contains(screen(m), "ACTIVE: azure") {
		t.Fatalf("header did not follow the new Snapshot:\n%s", screen(m))
	}
	f.publish(fixture(4))
	if m = nextSnapshot(t, m); m.snap.Active != "openai" {
		t.Fatalf("the re-armed loop showed active %q, want openai", m.snap.Active)
	}
}

func TestQuitUnsubscribesAndReleasesWaiters(t *testing.T) {
	f := newFake(fixture(4))
	m := newModel(t, f, Options{})
	m = takeCurrent(t, m, "openai")
	frameDone := m.sess.frameCh(m.frameTag)

	_, cmd := press(t, m, m.keys.Quit)
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q does not quit")
	}
	if msg := within(t, frameDone); msg != nil {
		t.Fatalf("the frame's wait returned %#v after quit, want nothing", msg)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unsubscribed != 1 || len(f.subs) != 0 {
		t.Fatalf("unsubscribed %d times, %d subscribers left", f.unsubscribed, len(f.subs))
	}
}

// A stopped monitor is said once; the clock goes on, and the closed
// subscription is never waited on again.
func TestClosedSubscriptionIsReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(fixture(4))
		m := newModel(t, f, Options{})
		m = takeCurrent(t, m, "openai")
		f.closeSubscribers()
		msg := m.sess.frame(m.frameTag)()
		if _, ok := msg.(backendClosedMsg); !ok {
			t.Fatalf("after the subscription closed the frame was %#v", msg)
		}
		next, cmd := m.Update(msg)
		m = next.(Model)
		if got := lastLines(m, 2); !strings.Contains(got, "error: monitor stopped") {
			t.Fatalf("status = %q", got)
		}
		start := time.Now()
		if f, ok := cmd().(frameMsg); !ok || f.snap != nil {
			t.Fatalf("after the close the loop delivered %#v, want the clock's frame", f)
		}
		if took := time.Since(start); took == 0 || took > time.Second {
			t.Fatalf("the clock's frame came after %s, want on the next second", took)
		}
	})
}

func TestFrameLoopNeverDoubles(t *testing.T) {
	m := newModel(t, newFake(fixture(4)), Options{})
	frame := frameMsg{id: m.sess.id, tag: m.frameTag}
	next, cmd := m.Update(frame)
	m = next.(Model)
	if cmd == nil {
		t.Fatal("the current frame loop was not re-armed")
	}
	if _, cmd = m.Update(frame); cmd != nil {
		t.Fatal("a repeated frame started a second loop")
	}
	other := frameMsg{id: m.sess.id + 1000, tag: m.frameTag}
	if _, cmd = m.Update(other); cmd != nil {
		t.Fatal("another model's frame started a loop here")
	}
}

func TestClockFollowsNow(t *testing.T) {
	clock := now
	m := newModel(t, newFake(fixture(4)), Options{Now: func() time.Time { return clock }})
	if !strings.Contains(screen(m), "09:30:00") {
		t.Fatalf("clock not shown:\n%s", screen(m))
	}
	clock = clock.Add(61 * time.Second)
	next, _ := m.Update(frameMsg{id: m.sess.id, tag: m.frameTag})
	if got := screen(next.(Model)); !strings.Contains(got, "09:31:01") || !strings.Contains(got, "(43m01s)") {
		t.Fatalf("after the clock's frame the clock and ages did not move:\n%s", got)
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

// takeCurrent shows the snapshot a subscription starts with, as the
// monitor's does: the first frame carries it at once. It checks that it
// names the expected active backend.
func takeCurrent(t *testing.T, m Model, active string) Model {
	t.Helper()
	msg, ok := m.sess.frame(m.frameTag)().(frameMsg)
	if !ok || msg.snap == nil || msg.snap.Active != active {
		t.Fatalf("the first frame was %#v, want the current snapshot at once", msg)
	}
	next, _ := m.Update(msg)
	return next.(Model)
}
