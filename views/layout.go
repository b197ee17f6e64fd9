package views

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"switchboard/monitor"
)

// Focus says which panel the ↑/↓ keys move.
type Focus int

// Panels that can hold the focus.
const (
	FocusTable Focus = iota
	FocusEvents
)

// The smallest screen the dashboard lays out; below it, TooSmall is shown.
const (
	MinWidth  = 40
	MinHeight = 10
)

// State is everything the dashboard shows, prepared by the model.
type State struct {
	Snap      *monitor.Snapshot
	Now       time.Time // the clock and every age are relative to it
	Selected  int       // index into Snap.Providers
	Detail    bool      // the detail pane is open
	Focus     Focus
	LogScroll int    // events scrolled back from the newest (0 = follow)
	Prompt    string // a confirmation question; "" when none
	Status    string // the outcome of the last action
	StatusErr bool   // Status reports a failure
	Help      string // the help bar, already rendered from the key map
	Link      *Link  // the connection to a server when attached; nil in process
}

// Render draws the whole screen in exactly h lines of at most w cells.
func Render(st State, w, h int, s Styles) string {
	if w < MinWidth || h < MinHeight {
		return TooSmall(w, h, s)
	}
	header, footer := Header(st, w, s), footer(st, w, h, s)
	tableH, detailH, eventsH := panelHeights(st, h-lipgloss.Height(header)-lipgloss.Height(footer))

	parts := []string{header, Table(st, w, tableH, s)}
	if detailH > 0 {
		parts = append(parts, Detail(st, w, detailH, s))
	}
	if eventsH > 0 {
		parts = append(parts, Events(st, w, eventsH, s))
	}
	body := strings.Join(parts, "\n")
	// Pad so the footer stays on the bottom line whatever the panels hold.
	if gap := h - lipgloss.Height(body) - lipgloss.Height(footer); gap > 0 {
		body += strings.Repeat("\n", gap)
	}
	return body + "\n" + footer
}

// footer is the status line and the help bar (at most a third of the
// screen, for the full help on a short terminal).
func footer(st State, w, h int, s Styles) string {
	f := StatusLine(st, w, s)
	if help := clipLines(st.Help, w, max(1, h/3)); help != "" {
		f += "\n" + help
	}
	return f
}

// panelHeights shares the lines left between header and footer: the table
// gets its rows first (at least a few), then the detail pane if open, and
// the event log the rest.
func panelHeights(st State, avail int) (table, detail, events int) {
	n := 0
	if st.Snap != nil {
		n = len(st.Snap.Providers)
	}
	want := n + 1
	if n == 0 {
		want = 1
	}
	eventsMin := 0
	if avail >= 12 {
		eventsMin = 4
	}
	tableMin := min(want, 4)
	if st.Detail {
		detail = max(0, min(DetailHeight, avail-tableMin-eventsMin))
	}
	table = max(0, min(want, avail-detail-eventsMin))
	events = max(0, avail-table-detail)
	return table, detail, events
}

// StatusLine is the one line above the help bar: a pending confirmation
// takes it over, otherwise it reports the last action.
func StatusLine(st State, w int, s Styles) string {
	switch {
	case st.Prompt != "":
		return truncate(s.Prompt.Render(" "+st.Prompt+" "), w)
	case st.StatusErr:
		return truncate(s.Error.Render("error: "+st.Status), w)
	default:
		return truncate(s.Status.Render(st.Status), w)
	}
}

// TooSmall replaces the screen when it cannot hold the dashboard.
func TooSmall(w, h int, s Styles) string {
	size := "(" + itoa(w) + "×" + itoa(h) + ", need ≥ " + itoa(MinWidth) + "×" + itoa(MinHeight) + ")"
	text := "terminal too small " + size
	if visibleWidth(text) > w {
		text = "terminal too small\n" + size
	}
	text += "\n" + s.Label.Render("q quit")
	return clipLines(text, max(w, 1), max(h, 1))
}

// clipLines keeps at most h lines of s, each truncated to w cells.
func clipLines(s string, w, h int) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = truncate(l, w)
	}
	return strings.Join(lines, "\n")
}

// EventRows is how many events the log shows at this size, so the model
// can stop scrolling where the view stops moving.
func EventRows(st State, w, h int) int {
	if w < MinWidth || h < MinHeight {
		return 0
	}
	s := Styles{} // heights do not depend on styles
	_, _, events := panelHeights(st, h-lipgloss.Height(Header(st, w, s))-lipgloss.Height(footer(st, w, h, s)))
	return max(0, events-1)
}
