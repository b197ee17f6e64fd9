package views

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// none is shown where there is no value yet, so an empty cell never reads
// as zero.
const none = "-"

// fmtLatency formats a latency compactly: "87ms", "1.24s", "12.5s".
func fmtLatency(d time.Duration) string {
	switch {
	case d <= 0:
		return none
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return strconv.FormatInt(d.Round(time.Millisecond).Milliseconds(), 10) + "ms"
	case d < 10*time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d < 100*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	default:
		return fmt.Sprintf("%.0fs", d.Seconds())
	}
}

// fmtPercent formats a 0..1 fraction as a percentage. Values near the ends
// are never rounded onto them: 0.04% of errors is not "0%", and 99.96%
// availability is not "100%".
func fmtPercent(f float64) string {
	v := f * 100
	switch {
	case v <= 0:
		return "0%"
	case v < 0.1:
		return "<0.1%"
	case v >= 100:
		return "100%"
	case v > 99.9:
		return ">99.9%"
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

// fmtAge is the short age of a sample: "4s", "3m", "2h", "5d".
func fmtAge(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	default:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
}

// fmtSpan is a longer duration for the header, as a person writes it:
// "42s", "3m12s", "15m", "2h05m", "1h"; a zero last unit is left out.
func fmtSpan(d time.Duration) string {
	d = d.Truncate(time.Second)
	two := func(big, small int, bu, su string) string {
		if small == 0 {
			return strconv.Itoa(big) + bu
		}
		return fmt.Sprintf("%d%s%02d%s", big, bu, small, su)
	}
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return two(int(d.Minutes()), int(d.Seconds())%60, "m", "s")
	case d < 48*time.Hour:
		return two(int(d.Hours()), int(d.Minutes())%60, "h", "m")
	default:
		return two(int(d.Hours())/24, int(d.Hours())%24, "d", "h")
	}
}

// fmtLeft is the time left of a countdown, rounded up as a countdown
// reads: "42s", then whole minutes ("14m", "1h30m"), so a 15-minute pin
// shows "15m left" until a full minute has passed.
func fmtLeft(d time.Duration) string {
	if d <= time.Minute {
		return fmtSpan((d + time.Second - 1).Truncate(time.Second))
	}
	return fmtSpan((d + time.Minute - 1).Truncate(time.Minute))
}

// fmtClock formats a wall time in the time's own location.
func fmtClock(t time.Time) string {
	if t.IsZero() {
		return none
	}
	return t.Format("15:04:05")
}

// until describes a deadline relative to now: "14:10:00 (in 4m12s)", or ""
// when it is unset or already past.
func until(t, now time.Time) string {
	if t.IsZero() || !t.After(now) {
		return ""
	}
	return fmtClock(t) + " (in " + fmtSpan(t.Sub(now)) + ")"
}

// fit truncates s to width w with an ellipsis and pads it with spaces to
// exactly w cells, so columns line up whatever the text.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := visibleWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = visibleWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// fitRight is fit with the text aligned right, for numbers.
func fitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := visibleWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-sw) + s
}

// truncate shortens s (which may hold ANSI styles) to at most w cells.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if visibleWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// spread places left at the start and right at the end of a line of width
// w; when both do not fit, right is dropped before left is truncated.
func spread(left, right string, w int) string {
	lw, rw := visibleWidth(left), visibleWidth(right)
	if right == "" || lw+1+rw > w {
		return truncate(left, w)
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

// firstLine returns s up to its first newline, for one-line cells.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// fmtRate formats a per-second rate with one decimal.
func fmtRate(r float64) string {
	return strconv.FormatFloat(r, 'f', 1, 64)
}

// fmtTokRate is a tokens/s figure: one decimal below ten, none above.
func fmtTokRate(r float64) string {
	if r < 9.95 {
		return strings.TrimSuffix(fmtRate(r), ".0")
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

// itoa is strconv.Itoa, short for cells.
func itoa(n int) string { return strconv.Itoa(n) }

// visibleWidth is the number of terminal cells s occupies, ANSI excluded.
// Plain ASCII, the common case of a cell, is counted without grapheme
// segmentation.
func visibleWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c < 0x20 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// fmtSetting shows a setting or a deadline's length as a person writes
// it, never Go's nanosecond form: "250ms", "1.23s", "10s", "12.5s",
// "4m10s", "15m", "1h".
func fmtSetting(d time.Duration) string {
	switch {
	case d <= 0:
		return none
	case d < time.Second:
		return fmtLatency(d)
	case d < 10*time.Second:
		return strconv.FormatFloat(float64(d.Round(10*time.Millisecond))/1e9, 'f', -1, 64) + "s"
	case d < time.Minute:
		return strconv.FormatFloat(float64(d.Round(100*time.Millisecond))/1e9, 'f', -1, 64) + "s"
	}
	return fmtSpan(d.Round(time.Second))
}

// FormatLatency is a latency as the table shows it ("87ms", "1.24s", "-"
// for none), for the command line's text that repeats the dashboard's.
func FormatLatency(d time.Duration) string { return fmtLatency(d) }

// FormatPercent is a 0..1 fraction as the table shows it ("0.5%", "<0.1%").
func FormatPercent(f float64) string { return fmtPercent(f) }

// FormatSpan is a duration as the header shows it ("42s", "3m12s", "15m",
// "2h05m").
func FormatSpan(d time.Duration) string { return fmtSpan(d) }
