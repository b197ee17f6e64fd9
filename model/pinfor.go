package model

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"switchboard/monitor"
)

// Bounds of a timed pin, as the API's "for" has them.
const (
	minPinFor = time.Second
	maxPinFor = 720 * time.Hour
	// maxPinText bounds what may be typed at the prompt.
	maxPinText = 12
)

// pinPrompt is the question P asks before the usual y/n: for how long to
// pin the selected provider. Enter alone pins until auto.
type pinPrompt struct {
	provider string
	text     string
	err      string // why enter refused the text, shown until it is edited
}

// question is the prompt line, with the text typed so far, a cursor, and
// either how to write a length or why the last one was refused.
func (p *pinPrompt) question() string {
	hint := "(15m, 1h30m; enter alone: until auto)"
	if p.err != "" {
		hint = "✗ " + p.err
	}
	return "pin " + p.provider + " for how long? " + p.text + "▌  " + hint
}

// askPinFor opens the duration prompt for the selected provider.
func (m Model) askPinFor() Model {
	p, ok := m.selectedProvider()
	if !ok {
		return m
	}
	m.typing = &pinPrompt{provider: p.Name}
	m.status, m.statusErr = "", false
	return m
}

// onTypingKey edits the duration: digits, units and a point are typed,
// backspace erases, enter asks the y/n, esc cancels; ctrl+c still quits.
// Any other key is ignored, so q typed here does not quit.
func (m Model) onTypingKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	p := m.typing
	switch {
	case key.Matches(msg, m.keys.Submit):
		d, err := parsePinFor(p.text)
		if err != nil {
			m.typing = &pinPrompt{provider: p.provider, text: p.text, err: err.Error()}
			return m, nil
		}
		m.typing = nil
		if d == 0 {
			return m.ask("pin "+p.provider+" as active until auto", monitor.Pin{Provider: p.provider},
				"pin requested: "+p.provider), nil
		}
		span := humanFor(d)
		return m.ask("pin "+p.provider+" as active for "+span, monitor.Pin{Provider: p.provider, For: d},
			"pin requested: "+p.provider+" for "+span), nil
	case key.Matches(msg, m.keys.Abort):
		m.typing = nil
		m.status, m.statusErr = "cancelled", false
	case key.Matches(msg, m.keys.Erase):
		if p.text != "" {
			m.typing = &pinPrompt{provider: p.provider, text: p.text[:len(p.text)-1]}
		}
	case msg.String() == "ctrl+c":
		m.sess.close()
		return m, tea.Quit
	default:
		if t := msg.Text; len(t) == 1 && strings.Contains("0123456789.hms", t) && len(p.text) < maxPinText {
			m.typing = &pinPrompt{provider: p.provider, text: p.text + t}
		}
	}
	return m, nil
}

// errPinFor says what the prompt accepts.
var errPinFor = errors.New("a pin lasts 1s to 720h, written as 15m, 1h or 1h30m")

// parsePinFor reads the typed duration: "" is until auto (0).
func parsePinFor(text string) (time.Duration, error) {
	if text == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(text)
	if err != nil || d < minPinFor || d > maxPinFor {
		return 0, errPinFor
	}
	return d, nil
}

// humanFor writes a pin's length as it was meant: "15m", "1h30m", "90s".
func humanFor(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
