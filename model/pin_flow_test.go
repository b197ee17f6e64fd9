package model

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/demo"
	"switchboard/monitor"
)

// A timed pin on the real monitor: P on azure-openai, "1m" typed, enter and
// y pin it; the header counts the minute down; and the pin ends by itself
// with an event, routing back to the policy (which, openai being in the
// demo's outage by then, keeps azure-openai).
func TestFlowTimedPinCountsDownAndEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rig := startDemo(t, false)
		m := New(rig.mon, Options{})
		defer m.Close()
		pr := startProgram(t, m, 160, 40)
		pr.waitFor(15*time.Second, func(raw, _ string) bool { return strings.Contains(raw, "switchboard · active: openai") })

		pr.press("down") // azure-openai
		pr.press("P")
		pr.waitScreen(5*time.Second, "the length prompt", func(s string) bool { return strings.Contains(s, "pin azure-openai for how long? ▌") })
		pr.press("1")
		pr.press("m")
		pr.press("enter")
		pr.waitScreen(5*time.Second, "the y/n", func(s string) bool { return strings.Contains(s, "pin azure-openai as active for 1m? y/n") })
		pr.press("y")
		top := func(s string) string { return strings.Split(s, "\n")[0] }
		pr.waitScreen(5*time.Second, "the pin", func(s string) bool { return strings.Contains(top(s), "PINNED azure-openai · 1m left") })
		pr.waitFor(time.Second, func(raw, _ string) bool { return strings.Contains(raw, "switchboard · active: azure-openai") })
		pinned := rig.mon.Snapshot()
		if pinned.Mode != monitor.ModePinned || pinned.Active != demo.Azure || pinned.PinnedUntil.Sub(pinned.At) > time.Minute {
			t.Fatalf("monitor: %s on %s until %s", pinned.Mode, pinned.Active, pinned.PinnedUntil)
		}
		pr.waitScreen(time.Minute, "the countdown at 30s", func(s string) bool { return strings.Contains(top(s), "PINNED azure-openai · 30s left") })
		pr.waitScreen(time.Minute, "the pin's end", func(s string) bool { return strings.Contains(s, "azure-openai  pin expired") })
		screen := screen(pr.quit())
		head := strings.Split(screen, "\n")[0]
		if !strings.Contains(head, "ACTIVE: azure-openai   AUTO") || strings.Contains(head, "PINNED") || strings.Contains(head, "left") {
			t.Fatalf("after the pin ended the header is %q:\n%s", head, screen)
		}
		if s := rig.mon.Snapshot(); s.Mode != monitor.ModeAuto || s.Pinned != "" {
			t.Fatalf("monitor after the pin: %s, pinned %q", s.Mode, s.Pinned)
		}
		if !strings.Contains(screen, "policy   azure-openai  pin expired") {
			t.Fatalf("the event log lacks the pin's end:\n%s", screen)
		}
		if now := time.Now(); now.Sub(pinned.PinnedUntil) > 5*time.Second {
			t.Fatalf("the pin ended %s after its deadline", now.Sub(pinned.PinnedUntil))
		}
	})
}
