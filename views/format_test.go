package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"switchboard/monitor"
)

// Durations read as a person writes them, never in Go's nanosecond form.
func TestDurationsAreHuman(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"adaptive timeout", fmtSetting(1230776892 * time.Nanosecond), "1.23s"},
		{"whole seconds", fmtSetting(10 * time.Second), "10s"},
		{"tenths past ten seconds", fmtSetting(12500 * ms), "12.5s"},
		{"milliseconds", fmtSetting(230 * ms), "230ms"},
		{"minutes and seconds", fmtSetting(250 * time.Second), "4m10s"},
		{"whole minutes", fmtSetting(15 * time.Minute), "15m"},
		{"whole hour", fmtSetting(time.Hour), "1h"},
		{"unset", fmtSetting(0), "-"},
		{"span with seconds", fmtSpan(3*time.Minute + 12*time.Second), "3m12s"},
		{"span of whole minutes", fmtSpan(42 * time.Minute), "42m"},
		{"span of hours and minutes", fmtSpan(2*time.Hour + 5*time.Minute), "2h05m"},
		{"span of a whole hour", fmtSpan(time.Hour), "1h"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Fatalf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

// The detail pane printed an adaptive timeout as "1.230776892s".
func TestDetailShowsHumanTimeout(t *testing.T) {
	st := baseState(7)
	st.Snap.Providers[1].Timeout = 1230776892 * time.Nanosecond
	out := ansi.Strip(Detail(st, 160, DetailHeight, DefaultStyles()))
	if !strings.Contains(out, "timeout 1.23s · interval 10s") {
		t.Fatalf("detail pane:\n%s", out)
	}
}

// A timed pin counts down in the header's badge, rounded up as a
// countdown reads; an untimed one is just PINNED.
func TestPinnedBadgeCountsDown(t *testing.T) {
	for _, c := range []struct {
		left time.Duration
		want string
	}{
		{14*time.Minute + 30*time.Second, "PINNED azure · 15m left"},
		{14 * time.Minute, "PINNED azure · 14m left"},
		{90 * time.Minute, "PINNED azure · 1h30m left"},
		{42*time.Second + 300*time.Millisecond, "PINNED azure · 43s left"},
		{0, "PINNED "},
	} {
		st := baseState(4)
		st.Snap.Mode, st.Snap.Pinned, st.Snap.Active = monitor.ModePinned, "azure", "azure"
		if c.left > 0 {
			st.Snap.PinnedUntil = now.Add(c.left)
		}
		top := strings.Split(ansi.Strip(Header(st, 120, DefaultStyles())), "\n")[0]
		if !strings.Contains(top, c.want) || (c.left == 0 && strings.Contains(top, "left")) {
			t.Errorf("%s left: header %q, want %q", c.left, top, c.want)
		}
	}
}
