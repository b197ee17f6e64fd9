// Package model is the dashboard's Bubble Tea model: it turns Snapshots,
// keys and window sizes into UI state and monitor Commands, and hands the
// state to package views to draw.
package model

import (
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"switchboard/monitor"
	"switchboard/views"
)

// Backend is what the dashboard needs from the monitor; *monitor.Monitor
// satisfies it.
type Backend interface {
	Snapshot() *monitor.Snapshot
	Subscribe() (<-chan *monitor.Snapshot, func())
	Send(monitor.Command) error
}

// The monitor is the backend in production.
var _ Backend = (*monitor.Monitor)(nil)

// Options configure the dashboard.
type Options struct {
	ReadOnly bool             // hide and disable the keys that change routing
	NoColor  bool             // colourless styles (NO_COLOR)
	Now      func() time.Time // clock for the header and ages; default time.Now
}

// Model is the dashboard. It is a value, as Bubble Tea expects; the parts
// every copy must share live in a *session.
type Model struct {
	backend Backend
	opts    Options
	keys    keyMap
	help    help.Model
	styles  views.Styles
	sess    *session

	snap          *monitor.Snapshot
	width, height int
	selected      int
	detail        bool
	focus         views.Focus
	logScroll     int
	pending       *confirmation
	typing        *pinPrompt // P's duration being typed; nil when none
	status        string
	statusErr     bool
	frameTag      int64

	linked Linked // the backend's connection when it is in another process
	link   *Conn  // its state as last read; nil in process

	// charts keeps the chart's plot until a column of it completes;
	// shared by copies,
	// used only by View on Bubble Tea's event loop.
	charts *views.ChartCache
}

// New builds the dashboard for b and subscribes to its Snapshots. Call
// Close (or quit with q) to unsubscribe.
func New(b Backend, opts Options) Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m := Model{
		backend: b,
		opts:    opts,
		keys:    newKeyMap(opts.ReadOnly),
		help:    help.New(),
		styles:  views.DefaultStyles(),
		snap:    b.Snapshot(),
		charts:  &views.ChartCache{},
	}
	if opts.NoColor {
		m.styles = views.PlainStyles()
		m.help.Styles = help.Styles{}
	}
	if opts.ReadOnly {
		m.status = "read-only: routing keys are off"
	}
	m.sess = newSession(b)
	m.linked, _ = b.(Linked)
	return m.refreshLink()
}

// Init starts the frame loop: the clock and the Snapshots.
func (m Model) Init() tea.Cmd {
	return m.sess.frame(m.frameTag)
}

// Close unsubscribes from the backend and ends the model's waiting
// commands. Quitting with q or ctrl+c does it too; main calls it after the
// program returns in case the program was stopped from outside.
func (m Model) Close() { m.sess.close() }

// View draws the screen in the alternate screen buffer.
func (m Model) View() tea.View {
	v := tea.NewView("")
	v.AltScreen = true
	v.WindowTitle = "switchboard"
	switch {
	case !m.live() && !m.link.Ever:
		v.WindowTitle = "switchboard · connecting to " + m.link.Server
	case !m.live():
		v.WindowTitle = "switchboard · disconnected from " + m.link.Server
	case m.snap != nil && m.snap.Active != "":
		v.WindowTitle = "switchboard · active: " + m.snap.Active
	}
	if m.width == 0 && m.height == 0 {
		return v // no size yet: Bubble Tea sends one first thing
	}
	v.SetContent(views.Render(m.state(), m.width, m.height, m.styles))
	return v
}

// state is the UI state handed to views.
func (m Model) state() views.State {
	st := views.State{
		Snap: m.snap, Now: m.opts.Now(), Selected: m.selected, Detail: m.detail,
		Focus: m.focus, LogScroll: m.logScroll, Status: m.status, StatusErr: m.statusErr,
		Link: m.viewLink(), Charts: m.charts,
	}
	if m.link != nil && !m.link.Ever {
		st.Snap = nil // the empty placeholder before the first snapshot: nothing to show yet
	}
	switch {
	case m.typing != nil:
		st.Prompt = m.typing.question()
		st.Help = m.help.ShortHelpView(typingKeys{m.keys}.ShortHelp())
	case m.pending != nil:
		st.Prompt = m.pending.question
		st.Help = m.help.ShortHelpView(promptKeys{m.keys}.ShortHelp())
	default:
		st.Help = m.helpView()
	}
	return st
}

// helpView is the full help, or the short help bar with its least needed
// entries dropped until it fits the width (bubbles help would cut the end,
// which holds "? more" and "q quit"). It follows the focus: what ↑/↓ and
// tab do depends on the focused panel.
func (m Model) helpView() string {
	keys := m.keys.forFocus(m.focus)
	if m.help.ShowAll {
		return m.help.FullHelpView(keys.FullHelp())
	}
	bindings := keys.ShortHelp()
	unbounded := m.help
	unbounded.SetWidth(0)
	for len(bindings) > 2 && lipgloss.Width(unbounded.ShortHelpView(bindings)) > m.width {
		bindings = bindings[1:]
	}
	return m.help.ShortHelpView(bindings)
}
