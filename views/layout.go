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
	// Charts, when set, keeps the chart from one frame to the next of the
	// same snapshot; nil draws it every time.
	Charts *ChartCache
}

// Render draws the whole screen in exactly h lines of at most w cells:
// the header, the provider table, the latency chart of every provider,
// the detail pane when open, the event log, the status line and the help
// bar.
//
// How the screen degrades as it shrinks, from 200×60 down to 80×24, in
// the order things go:
//
//  1. Rows the event log cannot fill (it holds few events) go to the
//     chart, so a tall screen has no blank band.
//  2. The chart and the event log shrink together, the chart keeping two
//     fifths of the rows below the table, until the log is down to 8 rows.
//  3. The chart shrinks to its minimum of 8 lines (title, plot, legend).
//  4. The chart goes: below 16 rows under the table (and the detail pane
//     when open). At 80×24 the screen is the compact one: header, table,
//     event log, footer.
//  5. The event log shrinks to 4 rows, the detail pane (when open) shrinks
//     then, below 12 rows, the event log goes, and the table scrolls to
//     keep the selection in view.
//  6. Below 40×10 the screen only says it is too small.
//
// Narrower screens drop table columns in dropOrder (what the applications
// feel goes after the official status and the last error, so up to about
// 100 columns the table is unchanged), draw the chart over fewer columns,
// and cut the header's least needed parts first (see headerTop).
func Render(st State, w, h int, s Styles) string {
	if w < MinWidth || h < MinHeight {
		return TooSmall(w, h, s)
	}
	header, footer := Header(st, w, s), footer(st, w, h, s)
	ph := panelHeights(st, h-lipgloss.Height(header)-lipgloss.Height(footer))

	parts := []string{header, Table(st, w, ph.table, s)}
	if ph.chart > 0 {
		parts = append(parts, Chart(st, w, ph.chart, s))
	}
	if ph.detail > 0 {
		parts = append(parts, Detail(st, w, ph.detail, s))
	}
	if ph.events > 0 {
		parts = append(parts, Events(st, w, ph.events, s))
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

// heights are the panels' shares of the lines between header and footer.
type heights struct{ table, chart, detail, events int }

// The event log's and the chart's shares (see Render's order).
const (
	logFloor   = 8 // the log's rows before the chart may shrink
	chartShare = 2 // fifths of the rows below the table the chart keeps
)

// panelHeights shares the lines left between header and footer: the table
// gets its rows first (at least a few), then the detail pane if open; the
// chart and the event log share the rest as Render describes.
func panelHeights(st State, avail int) heights {
	var ph heights
	n, logWant := 0, 2 // a title and "no events yet"
	if st.Snap != nil {
		n = len(st.Snap.Providers)
		logWant = max(logWant, len(st.Snap.Events)+1)
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
		ph.detail = max(0, min(DetailHeight, avail-tableMin-eventsMin))
	}
	ph.table = max(0, min(want, avail-ph.detail-eventsMin))
	rest := avail - ph.table - ph.detail
	if n > 0 && rest-logFloor >= chartMin {
		comfort := max(chartMin, rest*chartShare/5)
		ph.chart = min(rest-logFloor, max(comfort, rest-logWant))
	}
	ph.events = max(0, rest-ph.chart)
	return ph
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
	ph := panelHeights(st, h-lipgloss.Height(Header(st, w, s))-lipgloss.Height(footer(st, w, h, s)))
	return max(0, ph.events-1)
}
