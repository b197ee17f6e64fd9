package model

import "charm.land/bubbles/v2/key"

// keyMap is every key the dashboard answers to; the help bar is generated
// from it, so what the bar says is what the handlers do.
type keyMap struct {
	Up, Down key.Binding
	Toggle   key.Binding // enable/disable the selected provider
	Failover key.Binding
	Pin      key.Binding
	Auto     key.Binding
	Probe    key.Binding
	Detail   key.Binding
	Focus    key.Binding
	Help     key.Binding
	Quit     key.Binding

	Confirm, Cancel key.Binding // answers to a routing prompt
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
		Auto:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "auto routing")),
		Probe:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "probe all now")),
		Detail:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Focus:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "table/events")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Confirm:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		Cancel:   key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
	}
	if readOnly {
		for _, b := range []*key.Binding{&k.Toggle, &k.Failover, &k.Pin, &k.Auto} {
			b.SetEnabled(false)
		}
	}
	return k
}

// ShortHelp is the one-line help bar, least needed first: on a narrow
// screen the model drops entries from the front (see shortHelpView), so the
// routing keys, help and quit stay longest.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Detail, k.Toggle, k.Auto, k.Pin, k.Failover, k.Help, k.Quit}
}

// FullHelp is the help opened with ?, one column per kind of key.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Detail, k.Focus},
		{k.Failover, k.Pin, k.Auto, k.Toggle, k.Probe},
		{k.Help, k.Quit},
	}
}

// promptKeys is the help shown while a routing prompt waits for an answer.
type promptKeys struct{ k keyMap }

// ShortHelp lists the answers.
func (p promptKeys) ShortHelp() []key.Binding { return []key.Binding{p.k.Confirm, p.k.Cancel} }

// FullHelp is the same as ShortHelp: a prompt has nothing more to say.
func (p promptKeys) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
