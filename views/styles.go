// Package views renders the dashboard: pure functions from UI state and a
// terminal size to a string. It never calls the monitor; it only reads the
// Snapshot types it is given.
package views

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guptarohit/asciigraph"

	"switchboard/monitor"
)

// Styles holds every style the dashboard uses, so colour choices live in one
// place and NO_COLOR is a matter of building a different Styles. Build one
// with DefaultStyles or PlainStyles: the fast per-cell forms of the table's
// styles are derived there, so a field edited afterwards would not reach
// the table.
type Styles struct {
	Active     lipgloss.Style // the active backend's name in the header
	Label      lipgloss.Style // "next:", "since" and other quiet labels
	Clock      lipgloss.Style
	Demo       lipgloss.Style
	ModeAuto   lipgloss.Style
	ModePinned lipgloss.Style
	ModeForced lipgloss.Style
	ModePanic  lipgloss.Style

	TableHeader lipgloss.Style
	Selected    lipgloss.Style // the selected row's name
	Stale       lipgloss.Style // cells of a row whose last sample is old
	SparkOK     lipgloss.Style
	SparkFail   lipgloss.Style
	Error       lipgloss.Style // last error text, Send errors

	PanelTitle   lipgloss.Style // panel titles (detail, events)
	FocusedTitle lipgloss.Style // the title of the focused panel
	Prompt       lipgloss.Style // the one-line confirmation
	Status       lipgloss.Style
	Rule         lipgloss.Style

	states map[monitor.State]lipgloss.Style

	// series are the providers' colours, by priority index (cycling): the
	// table's ● of each row and its line on the chart. Coloured lines are
	// told apart by the legend and the failure rows' names too.
	series []seriesStyle

	// Spans derived from the styles above by finish, for the cells drawn
	// hundreds of times per frame (lipgloss's Render is costly per call).
	fast map[string]span
}

// seriesStyle is one provider colour, for lipgloss and for asciigraph.
type seriesStyle struct {
	style lipgloss.Style
	ansi  asciigraph.AnsiColor
	span  span // derived by finish
}

// seriesPalette is the 16-colour ANSI palette of the providers, chosen
// apart from the states' colours (green, yellow, red) and the labels'
// grey: bright cyan, magenta, blue, yellow, then the dim ones, then white.
var seriesPalette = []uint8{14, 13, 12, 11, 6, 5, 4, 15}

// seriesColour is the colour of the provider at priority index i.
func (s Styles) seriesColour(i int) seriesStyle {
	if len(s.series) == 0 {
		return seriesStyle{}
	}
	return s.series[i%len(s.series)]
}

// span is a style reduced to the escape sequences around its text; valid
// for styles without padding, width or borders.
type span struct{ pre, post string }

// newSpan extracts the sequences lipgloss puts around a one-letter text.
func newSpan(st lipgloss.Style) span {
	r := st.Render("X")
	i := strings.IndexByte(r, 'X')
	if i < 0 {
		return span{}
	}
	return span{pre: r[:i], post: r[i+1:]}
}

// wrap styles text.
func (p span) wrap(text string) string {
	if p.pre == "" && p.post == "" {
		return text
	}
	return p.pre + text + p.post
}

// finish derives the fast spans; both constructors end with it, so a Styles
// is changed by building a new one rather than by editing fields.
func (s Styles) finish() Styles {
	s.fast = map[string]span{
		"stale": newSpan(s.Stale), "selected": newSpan(s.Selected),
		"sparkOK": newSpan(s.SparkOK), "sparkFail": newSpan(s.SparkFail),
		"error": newSpan(s.Error),
	}
	for _, st := range []monitor.State{monitor.StateUnknown, monitor.StateUp, monitor.StateDegraded,
		monitor.StateDown, monitor.StateRateLimited, monitor.StateMisconfigured, monitor.StateDisabled} {
		s.fast["state:"+string(st)] = newSpan(s.State(st))
	}
	s.series = append([]seriesStyle(nil), s.series...)
	for i := range s.series {
		s.series[i].span = newSpan(s.series[i].style)
	}
	return s
}

// paint styles text with a derived span by name ("stale", "state:up", …).
func (s Styles) paint(name, text string) string {
	return s.fast[name].wrap(text)
}

// DefaultStyles returns the coloured styles. Colours are the 16 basic ANSI
// colours so the terminal's own theme decides the exact shades.
func DefaultStyles() Styles {
	s := plainBase()
	s.Active = s.Active.Foreground(lipgloss.BrightWhite).Background(lipgloss.Blue)
	s.Label = s.Label.Foreground(lipgloss.BrightBlack)
	s.Clock = s.Clock.Foreground(lipgloss.Cyan)
	s.Demo = s.Demo.Foreground(lipgloss.Black).Background(lipgloss.Yellow)
	s.ModeAuto = s.ModeAuto.Foreground(lipgloss.Green)
	s.ModePinned = s.ModePinned.Foreground(lipgloss.Black).Background(lipgloss.Cyan)
	s.ModeForced = s.ModeForced.Foreground(lipgloss.Black).Background(lipgloss.Yellow)
	s.ModePanic = s.ModePanic.Foreground(lipgloss.BrightWhite).Background(lipgloss.Red)
	s.TableHeader = s.TableHeader.Foreground(lipgloss.BrightBlack)
	s.Selected = s.Selected.Foreground(lipgloss.BrightWhite)
	s.Stale = s.Stale.Foreground(lipgloss.BrightBlack)
	s.SparkOK = s.SparkOK.Foreground(lipgloss.Cyan)
	s.SparkFail = s.SparkFail.Foreground(lipgloss.Red)
	s.Error = s.Error.Foreground(lipgloss.Red)
	s.FocusedTitle = s.FocusedTitle.Foreground(lipgloss.Cyan)
	s.Prompt = s.Prompt.Foreground(lipgloss.Black).Background(lipgloss.Yellow)
	s.Status = s.Status.Foreground(lipgloss.BrightBlack)
	s.Rule = s.Rule.Foreground(lipgloss.BrightBlack)
	s.states = map[monitor.State]lipgloss.Style{
		monitor.StateUp:            lipgloss.NewStyle().Foreground(lipgloss.Green),
		monitor.StateDegraded:      lipgloss.NewStyle().Foreground(lipgloss.Yellow),
		monitor.StateDown:          lipgloss.NewStyle().Foreground(lipgloss.Red).Bold(true),
		monitor.StateRateLimited:   lipgloss.NewStyle().Foreground(lipgloss.Magenta),
		monitor.StateMisconfigured: lipgloss.NewStyle().Foreground(lipgloss.BrightRed).Bold(true),
		monitor.StateDisabled:      lipgloss.NewStyle().Foreground(lipgloss.BrightBlack),
		monitor.StateUnknown:       lipgloss.NewStyle().Foreground(lipgloss.BrightBlack),
	}
	for _, c := range seriesPalette {
		s.series = append(s.series, seriesStyle{style: lipgloss.NewStyle().Foreground(ansi.BasicColor(c)),
			ansi: asciigraph.AnsiColor(c)})
	}
	return s.finish()
}

// PlainStyles returns colourless styles for NO_COLOR: only bold, faint and
// reverse remain, and every state is still told apart by glyph and word.
func PlainStyles() Styles {
	s := plainBase()
	bold := lipgloss.NewStyle().Bold(true)
	s.states = map[monitor.State]lipgloss.Style{
		monitor.StateDown:          bold,
		monitor.StateMisconfigured: bold,
	}
	return s.finish()
}

// plainBase holds the attributes shared by both style sets; colours are
// layered on top by DefaultStyles.
func plainBase() Styles {
	n := lipgloss.NewStyle()
	return Styles{
		Active:       n.Bold(true).Reverse(true).Padding(0, 1),
		Label:        n,
		Clock:        n.Bold(true),
		Demo:         n.Bold(true).Reverse(true).Padding(0, 1),
		ModeAuto:     n.Bold(true),
		ModePinned:   n.Bold(true).Reverse(true).Padding(0, 1),
		ModeForced:   n.Bold(true).Reverse(true).Padding(0, 1),
		ModePanic:    n.Bold(true).Reverse(true).Padding(0, 1),
		TableHeader:  n.Bold(true),
		Selected:     n.Bold(true),
		Stale:        n.Faint(true),
		SparkOK:      n,
		SparkFail:    n.Bold(true),
		Error:        n,
		PanelTitle:   n.Bold(true),
		FocusedTitle: n.Bold(true).Underline(true),
		Prompt:       n.Bold(true).Reverse(true),
		Status:       n,
		Rule:         n,
	}
}

// State returns the style of a health state's glyph and word.
func (s Styles) State(st monitor.State) lipgloss.Style {
	if style, ok := s.states[st]; ok {
		return style
	}
	return lipgloss.NewStyle()
}

// Glyph returns the symbol of a health state; with the state's word it makes
// the state readable without colour.
func Glyph(st monitor.State) string {
	switch st {
	case monitor.StateUp:
		return "✓"
	case monitor.StateDegraded:
		return "▲"
	case monitor.StateDown:
		return "✗"
	case monitor.StateRateLimited:
		return "◷"
	case monitor.StateMisconfigured:
		return "⚠"
	case monitor.StateDisabled:
		return "○"
	default:
		return "?"
	}
}

// StateLabel is a state's glyph and word, e.g. "✗ down".
func StateLabel(st monitor.State) string {
	word := string(st)
	if word == "" {
		word = string(monitor.StateUnknown)
	}
	return Glyph(st) + " " + word
}
