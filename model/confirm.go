package model

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"switchboard/monitor"
)

// probeAll asks the monitor to probe every provider at once.
var probeAll = monitor.ProbeNow{}

// confirmation is a routing command waiting for y/n. It remembers the
// backends its question names: if one changes first, the question no
// longer says what y would do, and it is dropped.
type confirmation struct {
	question  string
	cmd       monitor.Command
	done      string // status once sent
	active    string
	namesNext bool   // the question names the failover destination
	next      string // that destination, "" for "nothing else is routable"
}

// ask puts a routing command to the operator.
func (m Model) ask(question string, cmd monitor.Command, done string) Model {
	m.pending = &confirmation{question: question + "? y/n", cmd: cmd, done: done, active: m.snap.Active}
	m.status, m.statusErr = "", false
	return m
}

// untrueIn says why snap makes the question untrue, or "" if it still
// holds. A force failover goes to snap.Next, so a prompt naming another
// destination must not be answered.
func (c *confirmation) untrueIn(snap *monitor.Snapshot) string {
	switch {
	case c.active != snap.Active:
		return "the active backend changed to " + orNone(snap.Active)
	case c.namesNext && c.next != snap.Next:
		return "the next backend changed to " + orNone(snap.Next)
	}
	return ""
}

// onPromptKey answers a pending prompt: y sends, n or esc cancels, ctrl+c
// still quits; any other key is ignored so a stray key never confirms.
func (m Model) onPromptKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Confirm) && !m.live():
		m.pending = nil
		return m.notLive(), nil
	case key.Matches(msg, m.keys.Confirm):
		c := m.pending
		m.pending = nil
		return m, send(m.backend, c.cmd, c.done)
	case key.Matches(msg, m.keys.Cancel):
		m.pending = nil
		m.status, m.statusErr = "cancelled", false
	case msg.String() == "ctrl+c":
		m.sess.close()
		return m, tea.Quit
	}
	return m, nil
}

// selectedProvider is the provider under the cursor.
func (m Model) selectedProvider() (*monitor.ProviderSnapshot, bool) {
	if m.snap == nil || m.selected < 0 || m.selected >= len(m.snap.Providers) {
		return nil, false
	}
	return &m.snap.Providers[m.selected], true
}

// askFailover asks before draining the active backend.
func (m Model) askFailover() Model {
	if m.snap == nil || m.snap.Active == "" {
		m.status, m.statusErr = "no active backend to fail over from", true
		return m
	}
	from, to := m.snap.Active, m.snap.Next
	// The command carries what the prompt said: the monitor refuses it if
	// the active or the next backend changed before it arrived.
	cmd := monitor.ForceFailover{From: from, To: to}
	if to == "" {
		m = m.ask("fail over from "+from+" (nothing else is routable)", cmd, "failover requested from "+from)
	} else {
		m = m.ask("fail over from "+from+" to "+to, cmd, "failover requested: "+from+" → "+to)
	}
	m.pending.namesNext, m.pending.next = true, to
	return m
}

// askPin asks before pinning the selected provider as the active backend.
func (m Model) askPin() Model {
	p, ok := m.selectedProvider()
	if !ok {
		return m
	}
	return m.ask("pin "+p.Name+" as active", monitor.Pin{Provider: p.Name}, "pin requested: "+p.Name)
}

// askAuto asks before handing routing back to the policy.
func (m Model) askAuto() Model {
	if m.snap == nil {
		return m
	}
	return m.ask("back to automatic routing", monitor.Auto{}, "automatic routing requested")
}

// askToggle enables or disables the selected provider. Only disabling the
// active backend moves traffic, so only that asks first.
func (m Model) askToggle() (tea.Model, tea.Cmd) {
	p, ok := m.selectedProvider()
	if !ok {
		return m, nil
	}
	cmd := monitor.SetEnabled{Provider: p.Name, Enabled: !p.Enabled}
	if p.Enabled && p.Name == m.snap.Active {
		return m.ask("disable "+p.Name+" (the active backend)", cmd, "disable requested: "+p.Name), nil
	}
	what := "enable requested: " + p.Name
	if p.Enabled {
		what = "disable requested: " + p.Name
	}
	return m, send(m.backend, cmd, what)
}
