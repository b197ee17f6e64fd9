package model

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"switchboard/monitor"
	"switchboard/views"
)

// Update turns one message into new UI state and, for keys, Commands.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m, nil
	case frameMsg:
		if msg.id != m.sess.id || msg.tag != m.frameTag {
			return m, nil // a stale loop's frame: drop it, never double the loop
		}
		m.frameTag++
		return m.refreshLink().onSnapshot(msg.snap), m.sess.frame(m.frameTag)
	case backendClosedMsg:
		if msg.id != m.sess.id || msg.tag != m.frameTag {
			return m, nil
		}
		m.frameTag++
		m.status, m.statusErr = "monitor stopped: the screen no longer updates", true
		return m, m.sess.frame(m.frameTag) // the clock goes on
	case sentMsg:
		m = m.refreshLink()
		if msg.snap != nil && (m.snap == nil || msg.snap.Seq > m.snap.Seq) {
			m = m.onSnapshot(msg.snap)
		}
		m.status, m.statusErr = msg.what, false
		if msg.err != nil {
			m.status, m.statusErr = msg.what+": "+msg.err.Error(), true
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	return m, nil
}

// onSnapshot takes a new Snapshot, keeping the selection in range and
// dropping a prompt whose question the new Snapshot made untrue.
func (m Model) onSnapshot(snap *monitor.Snapshot) Model {
	if snap == nil {
		return m
	}
	m.snap = snap
	if n := len(m.snap.Providers); m.selected >= n {
		m.selected = max(0, n-1)
	}
	if m.pending == nil {
		return m
	}
	if why := m.pending.untrueIn(m.snap); why != "" {
		m.pending = nil
		m.status, m.statusErr = "cancelled: "+why+"; ask again", true
	}
	return m
}

// onKey routes a key press. While the screen is too small only quit works,
// so no key acts on rows nobody can see; a pending prompt takes only its
// answers.
func (m Model) onKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	tooSmall := m.width < views.MinWidth || m.height < views.MinHeight
	switch {
	case m.typing != nil:
		return m.onTypingKey(msg)
	case m.pending != nil:
		return m.onPromptKey(msg)
	case key.Matches(msg, m.keys.Quit):
		m.sess.close()
		return m, tea.Quit
	case tooSmall:
		return m, nil
	case !m.live() && m.acts(msg):
		return m.notLive(), nil
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		if m.help.ShowAll {
			m.keys.Help.SetHelp("?", "less")
		} else {
			m.keys.Help.SetHelp("?", "more")
		}
	case key.Matches(msg, m.keys.Focus):
		if m.focus == views.FocusTable {
			m.focus = views.FocusEvents
		} else {
			m.focus = views.FocusTable
		}
	case key.Matches(msg, m.keys.Up):
		m.move(-1)
	case key.Matches(msg, m.keys.Down):
		m.move(+1)
	case key.Matches(msg, m.keys.Detail):
		m.detail = !m.detail
	case key.Matches(msg, m.keys.Probe):
		return m, send(m.backend, probeAll, "probe of every provider requested")
	case key.Matches(msg, m.keys.Toggle):
		return m.askToggle()
	case key.Matches(msg, m.keys.Failover):
		return m.askFailover(), nil
	case key.Matches(msg, m.keys.Pin):
		return m.askPin(), nil
	case key.Matches(msg, m.keys.PinFor):
		return m.askPinFor(), nil
	case key.Matches(msg, m.keys.Auto):
		return m.askAuto(), nil
	}
	return m, nil
}

// acts reports whether a key asks the backend to do something.
func (m Model) acts(msg tea.KeyPressMsg) bool {
	return key.Matches(msg, m.keys.Probe, m.keys.Toggle, m.keys.Failover, m.keys.Pin, m.keys.PinFor, m.keys.Auto)
}

// move moves the selection (wrapping at both ends) or, with the event log
// focused, scrolls the log: up goes back in time.
func (m *Model) move(delta int) {
	if m.focus == views.FocusEvents {
		m.logScroll = max(0, min(m.logScroll-delta, m.maxLogScroll()))
		return
	}
	n := 0
	if m.snap != nil {
		n = len(m.snap.Providers)
	}
	if n == 0 {
		return
	}
	m.selected = ((m.selected+delta)%n + n) % n
}

// maxLogScroll is how far back the log can scroll on the current screen.
func (m Model) maxLogScroll() int {
	if m.snap == nil {
		return 0
	}
	return views.MaxLogScroll(len(m.snap.Events), views.EventRows(m.state(), m.width, m.height))
}

// orNone shows an empty backend name as "none".
func orNone(name string) string {
	if name == "" {
		return "none"
	}
	return name
}
