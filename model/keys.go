package model

import (
	"charm.land/bubbles/v2/key"

	"switchboard/views"
)

// keyMap is every key the dashboard answers to; the help bar is generated
// from it, so what the bar says is what the handlers do.
type keyMap struct {
	Up, Down key.Binding
	Toggle   key.Binding // enable/disable the selected provider
	Failover key.Binding
	Pin      key.Binding
	PinFor   key.Binding // pin the selected provider for a typed duration
	Auto     key.Binding
	Probe    key.Binding
	Detail   key.Binding
	Focus    key.Binding
	Help     key.Binding
	Quit     key.Binding

	Confirm, Cancel key.Binding // answers to a routing prompt

	Submit, Erase, Abort key.Binding // editing the duration of a timed pin

	focus views.Focus // the panel ↑/↓ move, which the help describes
}

// newKeyMap builds the key map. Read-only disables every key that changes
// where traffic goes or which providers are used, which also hides them
// from the help bar.
func newKeyMap(readOnly bool) keyMap {
	k := keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Toggle:   key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "enable/disable")),
		Failover: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "force failover")),
		Pin:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pin selected")),
		PinFor:   key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "pin for…")),
		Auto:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "auto routing")),
		Probe:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "probe all now")),
		Detail:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Focus:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "table/events")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Confirm:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		Cancel:   key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
		Submit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok (alone: until auto)")),
		Erase:    key.NewBinding(key.WithKeys("backspace"), key.WithHelp("⌫", "erase")),
		Abort:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
	if readOnly {
		for _, b := range []*key.Binding{&k.Toggle, &k.Failover, &k.Pin, &k.PinFor, &k.Auto} {
			b.SetEnabled(false)
		}
	}
	return k
}

// ShortHelp is the one-line help bar, least needed first: on a narrow
// screen the model drops entries from the front (see shortHelpView), so the
// routing keys, help and quit stay longest. With the event log focused, scrolling it is what the operator is doing,
// so ↑/↓ and tab move to the end and stay longest.
func (k keyMap) ShortHelp() []key.Binding {
	if k.focus == views.FocusEvents {
		return []key.Binding{k.Detail, k.Toggle, k.Auto, k.PinFor, k.Pin, k.Failover, k.Up, k.Down, k.Focus, k.Help, k.Quit}
	}
	return []key.Binding{k.Up, k.Down, k.Focus, k.Detail, k.Toggle, k.Auto, k.PinFor, k.Pin, k.Failover, k.Help, k.Quit}
}

// FullHelp is the help opened with ?, one column per kind of key.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Detail, k.Focus},
		{k.Failover, k.Pin, k.PinFor, k.Auto, k.Toggle, k.Probe},
		{k.Help, k.Quit},
	}
}

// forFocus is the key map as the help shows it with focus on the given
// panel: with the event log focused, ↑/↓ scroll it and tab goes back.
func (k keyMap) forFocus(f views.Focus) keyMap {
	k.focus = f
	if f == views.FocusEvents {
		k.Up.SetHelp("↑/k", "older events")
		k.Down.SetHelp("↓/j", "newer events")
		k.Focus.SetHelp("tab", "back to the table")
	} else {
		k.Focus.SetHelp("tab", "scroll events")
	}
	return k
}

// promptKeys is the help shown while a routing prompt waits for an answer.
type promptKeys struct{ k keyMap }

// ShortHelp lists the answers.
func (p promptKeys) ShortHelp() []key.Binding { return []key.Binding{p.k.Confirm, p.k.Cancel} }

// FullHelp is the same as ShortHelp: a prompt has nothing more to say.
func (p promptKeys) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// typingKeys is the help shown while a timed pin's duration is typed.
type typingKeys struct{ k keyMap }

// ShortHelp lists the editing keys.
func (t typingKeys) ShortHelp() []key.Binding { return []key.Binding{t.k.Submit, t.k.Erase, t.k.Abort} }

// FullHelp is the same as ShortHelp.
func (t typingKeys) FullHelp() [][]key.Binding { return [][]key.Binding{t.ShortHelp()} }
