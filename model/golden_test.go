package model

import (
	"strconv"
	"testing"

	tea "charm.land/bubbletea/v2"

	"switchboard/internal/goldentest"
)

// requireGolden compares the screen, ANSI stripped to show the layout alone,
// with testdata/<test name>.golden; TestColourGolden keeps the colours.
var requireGolden = goldentest.RequireScreen

// sized is m after a resize.
func sized(m Model, w, h int) Model {
	next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return next.(Model)
}

func TestHelpGolden(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		keys []string
		w    int
	}{
		{"short_160", Options{}, nil, 160},
		{"short_100", Options{}, nil, 100},
		{"short_60", Options{}, nil, 60},
		{"full_100", Options{}, []string{"?"}, 100},
		{"readonly_full_100", Options{ReadOnly: true}, []string{"?"}, 100},
		{"prompt_100", Options{}, []string{"f"}, 100},
		{"events_focused_100", Options{}, []string{"tab"}, 100},
		{"events_focused_full_100", Options{}, []string{"tab", "?"}, 100},
		{"pin_for_100", Options{}, []string{"P"}, 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := sized(newModel(t, newFake(fixture(4)), c.opts), c.w, 30)
			for _, k := range c.keys {
				m, _ = pressKey(t, m, k)
			}
			requireGolden(t, m.state().Help, c.w)
		})
	}
}

func TestScreenGolden(t *testing.T) {
	for _, w := range []int{60, 100, 160} {
		t.Run("width_"+itoa(w), func(t *testing.T) {
			m := sized(newModel(t, newFake(fixture(6)), Options{}), w, 36)
			m, _ = pressKey(t, m, "j")
			m, _ = pressKey(t, m, "enter")
			requireGolden(t, m.View().Content, w)
		})
	}
}

func TestNoColorGolden(t *testing.T) {
	m := sized(newModel(t, newFake(fixture(6)), Options{NoColor: true}), 100, 30)
	m, _ = pressKey(t, m, "enter")
	out := m.View().Content
	if codes := colourCodes(out); len(codes) > 0 {
		t.Fatalf("NO_COLOR screen holds colour sequences: %q", codes)
	}
	if colour := sized(newModel(t, newFake(fixture(6)), Options{}), 100, 30); len(colourCodes(colour.View().Content)) == 0 {
		t.Fatal("the coloured screen has no colour either; this check would prove nothing")
	}
	requireGolden(t, out, 100)
}

// TestColourGolden keeps the help bar and the whole screen with their
// colours (the goldens above strip them to show the layout alone), so a
// colour change in the help styles or in views.DefaultStyles fails here.
func TestColourGolden(t *testing.T) {
	t.Run("help_short_100", func(t *testing.T) {
		m := sized(newModel(t, newFake(fixture(4)), Options{}), 100, 30)
		goldentest.RequireColourScreen(t, m.state().Help, 100)
	})
	t.Run("help_full_100", func(t *testing.T) {
		m := sized(newModel(t, newFake(fixture(4)), Options{}), 100, 30)
		m, _ = pressKey(t, m, "?")
		goldentest.RequireColourScreen(t, m.state().Help, 100)
	})
	t.Run("screen_100", func(t *testing.T) {
		m := sized(newModel(t, newFake(fixture(6)), Options{}), 100, 36)
		m, _ = pressKey(t, m, "j")
		m, _ = pressKey(t, m, "enter")
		goldentest.RequireColourScreen(t, m.View().Content, 100)
	})
}

func TestTooSmallGolden(t *testing.T) {
	m := sized(newModel(t, newFake(fixture(6)), Options{}), 36, 8)
	requireGolden(t, m.View().Content, 36)
}

func itoa(n int) string { return strconv.Itoa(n) }

// colourCodes lists the SGR sequences in out that set a colour.
var colourCodes = goldentest.ColourCodes
