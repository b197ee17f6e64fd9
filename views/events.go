package views

import (
	"strings"

	"switchboard/monitor"
)

// Events renders the event log in h lines: a title, then the newest events
// that fit, newest at the bottom. scroll moves the window back in time.
func Events(st State, w, h int, s Styles) string {
	if h <= 0 {
		return ""
	}
	var events []monitor.Event
	if st.Snap != nil {
		events = st.Snap.Events
	}
	rows := h - 1
	end := len(events) - clampScroll(st.LogScroll, len(events), rows)
	start := max(0, end-rows)

	hint := "tab: focus"
	if st.Focus == FocusEvents {
		hint = "↑/↓ scroll · tab: table"
	}
	title := "EVENTS (" + itoa(len(events)) + ")"
	if start > 0 || end < len(events) {
		title += " " + itoa(start+1) + "-" + itoa(end)
	}
	lines := make([]string, 0, h)
	lines = append(lines, panelTitle(title, hint, w, st.Focus == FocusEvents, s))
	if len(events) == 0 {
		lines = append(lines, s.Label.Render("no events yet"))
	}
	for i := start; i < end; i++ {
		lines = append(lines, truncate(eventLine(events[i], s), w))
	}
	return strings.Join(lines, "\n")
}

// clampScroll keeps the scroll offset within the log: at most so far back
// that the oldest event is on the top row.
func clampScroll(scroll, n, rows int) int {
	return max(0, min(scroll, n-rows))
}

// MaxLogScroll is the largest useful scroll offset of a log of n events
// shown in rows lines; the model clamps to it.
func MaxLogScroll(n, rows int) int { return max(0, n-rows) }

// eventLine is "15:04:05 policy   ▶ openai → azure  openai down: 3× timeout".
func eventLine(e monitor.Event, s Styles) string {
	var what string
	switch e.Kind {
	case monitor.EventActive:
		what = "▶ " + orNone(e.From) + " → " + orNone(e.To)
	case monitor.EventState:
		what = e.Provider + " " + StateLabel(monitor.State(e.From)) + " → " +
			s.State(monitor.State(e.To)).Render(StateLabel(monitor.State(e.To)))
	case monitor.EventMode:
		what = "mode " + e.From + " → " + e.To + " (" + orNone(e.Provider) + " active)"
	default:
		what = e.Provider
	}
	line := fmtClock(e.At) + " " + fit(string(e.Actor), 8) + " " + what
	if e.Cause != "" {
		line += "  " + firstLine(e.Cause)
	}
	return line
}

// orNone shows an empty name as "none".
func orNone(name string) string {
	if name == "" {
		return "none"
	}
	return name
}

// panelTitle is a rule with a title on the left and a hint on the right:
// "── EVENTS (3) ───────── tab: focus ──". The focused panel's title is
// underlined, so focus reads without colour.
func panelTitle(title, hint string, w int, focused bool, s Styles) string {
	st := s.PanelTitle
	if focused {
		st = s.FocusedTitle
	}
	left := s.Rule.Render("── ") + st.Render(title) + " "
	right := ""
	if hint != "" {
		right = " " + s.Label.Render(hint) + s.Rule.Render(" ──")
	}
	lw, rw := visibleWidth(left), visibleWidth(right)
	if lw+rw > w {
		right, rw = "", 0
	}
	if lw > w {
		return truncate(left, w)
	}
	return left + s.Rule.Render(strings.Repeat("─", w-lw-rw)) + right
}
